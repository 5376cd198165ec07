"""Command barcodes: parsing as scanners send them, building, and the sheet's list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packstation.domain.codes import normalise
from packstation.domain.commands import (
    COMMAND_PREFIX,
    Command,
    CommandScan,
    UnknownCommandError,
    command_code,
    command_label,
    is_command_code,
    parse_command,
    sheet_entries,
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("PSCMD-COMPLETE", CommandScan(Command.COMPLETE_BOX)),
        ("PSCMD-CANCEL", CommandScan(Command.CANCEL_BOX)),
        ("PSCMD-REPRINT", CommandScan(Command.REPRINT)),
        ("PSCMD-CONFIRM", CommandScan(Command.CONFIRM)),
        ("PSCMD-ACK", CommandScan(Command.ACKNOWLEDGE)),
        ("PSCMD-LOGOUT", CommandScan(Command.LOGOUT)),
        ("PSCMD-QTY-2", CommandScan(Command.QUANTITY, 2)),
        ("PSCMD-QTY-3", CommandScan(Command.QUANTITY, 3)),
        ("PSCMD-QTY-10", CommandScan(Command.QUANTITY, 10)),
        ("PSCMD-CHOOSE-1", CommandScan(Command.CHOOSE, 1)),
        ("PSCMD-CHOOSE-2", CommandScan(Command.CHOOSE, 2)),
        ("PSCMD-CHOOSE-9", CommandScan(Command.CHOOSE, 9)),
    ],
)
def test_parses_every_command(code: str, expected: CommandScan) -> None:
    assert parse_command(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        "pscmd-complete",  # Caps Lock flipped the case
        "PsCmd-Complete",
        "ＰＳＣＭＤ－ＣＯＭＰＬＥＴＥ",  # full-width, through a Chinese input method
        "  PSCMD-COMPLETE\r\n",  # the scanner's suffix
        "\tPSCMD-COMPLETE ",
    ],
)
def test_reads_codes_as_scanners_send_them(code: str) -> None:
    assert parse_command(code) == CommandScan(Command.COMPLETE_BOX)


def test_full_width_quantity_keeps_its_number() -> None:
    assert parse_command("ｐｓｃｍｄ－ｑｔｙ－５") == CommandScan(Command.QUANTITY, 5)


@pytest.mark.parametrize(
    "code", ["6901234567892", "", "   ", "PSCM-COMPLETE", "XPSCMD-COMPLETE", "PSCMD", "COMPLETE"]
)
def test_a_code_without_the_prefix_is_not_a_command(code: str) -> None:
    assert parse_command(code) is None
    assert not is_command_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "PSCMD-",
        "PSCMD-FOO",
        "PSCMD-COMPLET",
        "PSCMD-COMPLETE-1",  # a plain command takes no number
        "PSCMD-COMPLETE-",
        "PSCMD-QTY",  # quantity needs its number
        "PSCMD-QTY-",
        "PSCMD-QTY-1",  # ×1 is a plain scan
        "PSCMD-QTY-11",
        "PSCMD-QTY-0",
        "PSCMD-QTY-03",  # only the printed, canonical form
        "PSCMD-QTY-+3",
        "PSCMD-QTY--3",
        "PSCMD-QTY-3-4",
        "PSCMD-QTY-x",
        "PSCMD-CHOOSE-0",
        "PSCMD-CHOOSE-10",
        "PSCMD-CHOOSE",
        "PSCMD-QTY-٣",  # an Arabic-Indic digit is not a printed code
        "PSCMD-COMPLETE X",
    ],
)
def test_a_prefixed_code_that_is_no_command_is_an_unknown_command(code: str) -> None:
    assert is_command_code(code)
    with pytest.raises(UnknownCommandError) as raised:
        parse_command(code)
    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)


def test_builds_the_codes_it_parses() -> None:
    assert command_code(Command.COMPLETE_BOX) == "PSCMD-COMPLETE"
    assert command_code(Command.QUANTITY, 3) == "PSCMD-QTY-3"
    assert command_code(Command.CHOOSE, 2) == "PSCMD-CHOOSE-2"
    for command in Command:
        arguments = {Command.QUANTITY: range(2, 11), Command.CHOOSE: range(1, 10)}.get(
            command, [None]
        )
        for argument in arguments:
            code = command_code(command, argument)
            assert code.startswith(COMMAND_PREFIX)
            assert parse_command(code) == CommandScan(command, argument)


@pytest.mark.parametrize(
    ("command", "argument"),
    [
        (Command.COMPLETE_BOX, 1),
        (Command.QUANTITY, None),
        (Command.QUANTITY, 1),
        (Command.QUANTITY, 11),
        (Command.CHOOSE, 0),
        (Command.CHOOSE, 10),
        (Command.CHOOSE, True),  # a bool is not a number here
    ],
)
def test_refuses_to_build_a_code_it_would_not_parse(
    command: Command, argument: int | None
) -> None:
    with pytest.raises(ValueError, match=command.name):
        command_code(command, argument)


def test_sheet_lists_every_command_once_in_sheet_order() -> None:
    entries = sheet_entries()
    codes = [code for code, _, _ in entries]
    assert len(codes) == len(set(codes)) == 6 + 9 + 9
    assert codes[0] == "PSCMD-COMPLETE"
    assert codes[5] == "PSCMD-LOGOUT"  # the plain commands first
    assert codes[-1] == "PSCMD-CHOOSE-9"
    quantities = [c for c in codes if c.startswith("PSCMD-QTY-")]
    assert quantities == [f"PSCMD-QTY-{n}" for n in range(2, 11)]
    chosen = [c for c in codes if c.startswith("PSCMD-CHOOSE-")]
    assert chosen == [f"PSCMD-CHOOSE-{n}" for n in range(1, 10)]
    assert {parse_command(c).command for c in codes} == set(Command)
    for code, zh, en in entries:
        assert zh and en
        assert (zh, en) == command_label(parse_command(code))
        assert code.isascii() and code == code.upper()  # Code 128 set B, one shift-free case


def test_labels_name_the_number() -> None:
    assert command_label(CommandScan(Command.QUANTITY, 3)) == ("数量 ×3", "quantity ×3")
    assert command_label(CommandScan(Command.CHOOSE, 2)) == (
        "选择目的地 2",
        "choose destination 2",
    )


def test_scanner_normalisation_keeps_a_command_a_command() -> None:
    """What the bench normalises (packstation.domain.codes) still parses to the command."""
    for code, _, _ in sheet_entries():
        scanned = normalise(f"  {code.lower()}\r\n")
        assert parse_command(scanned.code) == parse_command(code)


@given(st.text(max_size=40))
def test_never_fails_on_arbitrary_text_except_as_documented(text: str) -> None:
    try:
        result = parse_command(text)
    except UnknownCommandError:
        assert is_command_code(text)
    else:
        assert (result is None) == (not is_command_code(text))
