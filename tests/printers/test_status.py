"""DLE EOT replies → printer state, for every bit that changes the answer."""

from __future__ import annotations

import itertools

import pytest
from packstation.printers.faults import FaultKind, parse_fault, status_reply
from packstation.printers.mock import MockTransport
from packstation.printers.status import (
    PrinterState,
    is_status_byte,
    parse_status,
    query_status,
)

READY = 0x12


def test_all_ready_bytes_mean_ready() -> None:
    status = parse_status({1: READY, 2: READY, 4: READY})
    assert status.state is PrinterState.READY
    assert status.can_print and status.known
    assert (status.offline, status.cover_open, status.paper_end, status.paper_near_end) == (
        False,
        False,
        False,
        False,
    )


@pytest.mark.parametrize(
    ("replies", "state"),
    [
        ({1: 0x1A, 2: READY, 4: READY}, PrinterState.OFFLINE),
        ({1: 0x1A, 2: 0x16, 4: READY}, PrinterState.COVER_OPEN),
        ({1: 0x1A, 2: 0x32, 4: 0x72}, PrinterState.PAPER_END),
        ({1: READY, 2: READY, 4: 0x72}, PrinterState.PAPER_END),  # sensor alone
        ({1: 0x1A, 2: 0x32, 4: READY}, PrinterState.PAPER_END),  # stop bit alone
        ({1: READY, 2: READY, 4: 0x1E}, PrinterState.PAPER_NEAR_END),
        ({1: READY, 2: READY, 4: 0x16}, PrinterState.PAPER_NEAR_END),  # one near-end bit
        ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: READY}, PrinterState.ERROR),
        ({1: 0x1A, 2: 0x36, 4: 0x72}, PrinterState.COVER_OPEN),  # cover wins over paper
        ({1: READY, 2: READY, 4: 0x7E}, PrinterState.PAPER_END),  # end wins over near end
        ({1: 0x1E, 2: READY, 4: READY}, PrinterState.OFFLINE),  # drawer pin ignored
        ({1: 0x52, 2: READY, 4: READY}, PrinterState.READY),  # feed button pressed
    ],
)
def test_status_bits_map_to_states(replies: dict[int, int], state: PrinterState) -> None:
    assert parse_status(replies).state is state


@pytest.mark.parametrize(
    ("bit", "name"),
    [
        (0x04, "mechanical"),
        (0x08, "autocutter"),
        (0x20, "unrecoverable"),
        (0x40, "auto_recoverable"),
    ],
)
def test_error_cause_bits_are_named(bit: int, name: str) -> None:
    status = parse_status({1: 0x1A, 2: 0x52, 3: READY | bit})
    assert status.state is PrinterState.ERROR and status.errors == (name,)
    assert not status.can_print


def test_every_combination_of_fault_bits_gives_one_consistent_state() -> None:
    """Exhaustive over the bits we read: blocking bits always block, others never do."""
    for off, cover, stop, err, near, end in itertools.product((0, 1), repeat=6):
        replies = {
            1: READY | (0x08 * off),
            2: READY | (0x04 * cover) | (0x20 * stop) | (0x40 * err),
            4: READY | (0x0C * near) | (0x60 * end),
        }
        status = parse_status(replies)
        blocked = bool(off or cover or stop or err or end)
        assert status.can_print is not blocked, replies
        if cover:
            assert status.state is PrinterState.COVER_OPEN
        elif stop or end:
            assert status.state is PrinterState.PAPER_END
        elif near and not blocked:
            assert status.state is PrinterState.PAPER_NEAR_END


def test_silence_is_unknown_and_still_allows_printing() -> None:
    status = parse_status({1: None})
    assert status.state is PrinterState.UNKNOWN
    assert status.can_print and not status.known
    assert "未回应" in status.message("zh") and "did not answer" in status.message("en")


def test_bytes_without_the_fixed_bits_are_not_status() -> None:
    assert not is_status_byte(0x00) and not is_status_byte(0xFF) and is_status_byte(0x12)
    assert parse_status({1: 0x41}).state is PrinterState.UNKNOWN


@pytest.mark.parametrize("kind", list(FaultKind))
def test_query_against_each_fault(kind: FaultKind) -> None:
    fault = parse_fault(str(kind))
    status = query_status(MockTransport(fault), timeout=0.1)
    expected = {
        FaultKind.OFFLINE: PrinterState.OFFLINE,
        FaultKind.PAPER_END: PrinterState.PAPER_END,
        FaultKind.COVER_OPEN: PrinterState.COVER_OPEN,
        FaultKind.PAPER_NEAR_END: PrinterState.PAPER_NEAR_END,
        FaultKind.CUTTER_ERROR: PrinterState.ERROR,
        FaultKind.SLOW: PrinterState.READY,
        FaultKind.DROP_AFTER: PrinterState.READY,
        FaultKind.NO_STATUS: PrinterState.UNKNOWN,
    }[kind]
    assert status.state is expected
    if kind is FaultKind.CUTTER_ERROR:
        assert status.errors == ("autocutter",)


def test_fault_names_parse_with_aliases_and_values() -> None:
    assert parse_fault("paper-out") == parse_fault("paper_end")
    assert parse_fault("drop_after:300").value == 300
    assert parse_fault("slow").value > 0
    assert parse_fault("none") is None and parse_fault(None) is None
    assert status_reply(5, None) == b""
