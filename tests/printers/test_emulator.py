"""Real TCP on loopback: print through the emulator, read PNGs back, and the fault matrix."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import zxingcpp
from packstation.printers import (
    Printer,
    PrinterError,
    PrinterState,
    SendOutcome,
    open_printer,
)
from packstation.printers.emulator import PrinterEmulator, serve
from packstation.printers.transport_tcp import TcpTransport
from PIL import Image

from .bitmaps import noise, waybill

WAYBILL_NO = "SF1234567890123"
ORDER_NO = "PS-20261111-000123"


def printer(emu: PrinterEmulator, profile: str = "label-4in-203-cutter", **kw: float) -> Printer:
    kw.setdefault("status_timeout", 2.0)
    kw.setdefault("write_timeout", 10.0)
    return open_printer(emu.spec, profile, **kw)


def test_a_waybill_prints_to_png_and_both_barcodes_read_back(emulator: PrinterEmulator) -> None:
    img = waybill(code=WAYBILL_NO, order=ORDER_NO)
    result = printer(emulator).print_label(img, job_id="job-1")
    assert result.status.state is PrinterState.READY
    assert emulator.wait_for_labels(1, timeout=10)
    [png] = emulator.saved
    saved = Image.open(png)
    assert saved.size == (800, 1200)
    assert saved.convert("1").tobytes() == img.tobytes()
    found = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(saved)}
    assert ("Code128", WAYBILL_NO) in found
    assert ("QRCode", ORDER_NO) in found


def test_a_red_block_comes_out_red_on_a_two_colour_profile(emulator: PrinterEmulator) -> None:
    img = waybill()
    printer(emulator, "two-colour-4in-203").print_label(img, red_bands=[(300, 401)])
    assert emulator.wait_for_labels(1, timeout=10)
    assert emulator.labels[0].red_bands == ((300, 401),)
    saved = Image.open(emulator.saved[0]).convert("RGB")
    assert saved.getpixel((40, 350)) == (220, 0, 0)
    assert saved.getpixel((5, 5)) == (0, 0, 0)  # frame outside the block stays black


def test_one_png_per_cut(emulator: PrinterEmulator) -> None:
    p = printer(emulator)
    for seed in range(3):
        p.print_label(noise(64, 20, seed))
    assert emulator.wait_for_labels(3, timeout=10)
    assert [path.name for path in emulator.saved] == [
        "label-0001.png",
        "label-0002.png",
        "label-0003.png",
    ]


@pytest.mark.parametrize(
    ("fault", "reason", "state"),
    [
        ("offline", "offline", PrinterState.OFFLINE),
        ("paper_end", "paper_end", PrinterState.PAPER_END),
        ("cover_open", "cover_open", PrinterState.COVER_OPEN),
        ("cutter_error", "printer_error", PrinterState.ERROR),
    ],
)
def test_a_blocking_fault_refuses_the_job_then_it_prints_once_cleared(
    emulator: PrinterEmulator, fault: str, reason: str, state: PrinterState
) -> None:
    p = printer(emulator)
    emulator.set_fault(fault)
    assert p.status().state is state
    with pytest.raises(PrinterError) as info:
        p.print_label(noise(64, 40, 1), job_id="J-7")
    err = info.value
    assert err.reason == reason and not err.maybe_printed
    assert "J-7" in err.zh and emulator.spec in err.en
    assert emulator.saved == []

    emulator.clear_fault()
    assert p.status().state is PrinterState.READY
    p.print_label(noise(64, 40, 1), job_id="J-7")
    assert emulator.wait_for_labels(1, timeout=10)
    assert len(emulator.saved) == 1


def test_data_sent_during_a_fault_is_not_printed_later(emulator: PrinterEmulator) -> None:
    """Without the status check the bytes go out, but a faulted printer drops them."""
    emulator.set_fault("paper_end")
    unchecked = printer(emulator, check_status=False)
    unchecked.print_label(noise(64, 10, 2))
    assert emulator.wait_until(lambda: emulator.discarded == 1, timeout=10)
    emulator.clear_fault()
    printer(emulator).print_label(noise(64, 10, 3))
    assert emulator.wait_for_labels(1, timeout=10)
    assert emulator.discarded == 1 and len(emulator.saved) == 1


def test_paper_near_end_warns_but_prints(emulator: PrinterEmulator) -> None:
    emulator.set_fault("paper_near_end")
    result = printer(emulator).print_label(noise(64, 10, 4))
    assert result.status.state is PrinterState.PAPER_NEAR_END
    assert emulator.wait_for_labels(1, timeout=10)


def test_a_printer_that_never_answers_status_still_prints(emulator: PrinterEmulator) -> None:
    emulator.set_fault("no_status")
    p = printer(emulator, status_timeout=0.2)
    assert p.status().state is PrinterState.UNKNOWN
    result = p.print_label(noise(64, 10, 5))
    assert result.status.state is PrinterState.UNKNOWN
    assert emulator.wait_for_labels(1, timeout=10)


def test_a_connection_dropped_mid_job_is_reported_as_maybe_printed(
    emulator: PrinterEmulator,
) -> None:
    emulator.set_fault("drop_after:20000")  # three of 19 bands
    p = printer(emulator)
    with pytest.raises(PrinterError) as info:
        p.print_label(waybill(), job_id="J-9")
    assert info.value.reason == "connection_lost"
    assert info.value.maybe_printed
    assert emulator.spec in info.value.zh
    assert not emulator.labels

    assert emulator.wait_until(lambda: emulator.partial == 1, timeout=10)
    emulator.clear_fault()
    p.print_label(waybill(), job_id="J-9")
    assert emulator.wait_for_labels(1, timeout=10)
    names = sorted(path.name for path in emulator.saved)
    assert names == ["label-0001-partial.png", "label-0002.png"]


def test_a_slow_printer_prints_when_the_timeout_allows(emulator: PrinterEmulator) -> None:
    emulator.set_fault("slow:200000")
    printer(emulator).print_label(noise(200, 100, 6))
    assert emulator.wait_for_labels(1, timeout=10)


def test_a_slow_printer_past_the_write_timeout_is_a_clear_timeout(
    emulator: PrinterEmulator,
) -> None:
    emulator.set_fault("slow:2000")
    p = printer(emulator, write_timeout=0.3)
    with pytest.raises(PrinterError) as info:
        p.print_label(noise(832, 1200, 7))  # 125 KB: far more than the buffers hold
    assert info.value.reason == "timeout"
    assert info.value.maybe_printed
    assert "0.3" in info.value.en


def test_a_closed_port_is_a_connection_error_naming_the_address(tmp_path: Path) -> None:
    emu = PrinterEmulator("127.0.0.1", 0, tmp_path)
    spec = emu.spec
    emu.stop()  # never started: the port is closed
    with pytest.raises(PrinterError) as info:
        open_printer(spec, connect_timeout=2).status()
    assert info.value.reason == "connection"
    assert spec.removeprefix("tcp:") in info.value.zh


def test_serve_runs_until_the_stop_event(tmp_path: Path) -> None:
    stop = threading.Event()
    ready: list[PrinterEmulator] = []
    seen: list[Path | None] = []
    thread = threading.Thread(
        target=serve,
        kwargs={
            "host": "127.0.0.1",
            "port": 0,
            "save_dir": tmp_path,
            "stop_event": stop,
            "on_label": lambda _label, path: seen.append(path),
            "on_ready": ready.append,
        },
        daemon=True,
    )
    thread.start()
    try:
        for _ in range(100):
            if ready:
                break
            thread.join(0.05)
        [emu] = ready
        open_printer(emu.spec, status_timeout=2).print_label(noise(16, 4, 8))
        assert emu.wait_for_labels(1, timeout=10)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert seen == [tmp_path / "label-0001.png"]


def test_a_connection_lost_before_the_job_is_not_maybe_printed(
    emulator: PrinterEmulator,
) -> None:
    emulator.set_fault("drop_after:3")  # dies while answering the first status query
    with pytest.raises(PrinterError) as info:
        printer(emulator).print_label(noise(64, 10, 9))
    assert info.value.reason == "connection_lost"
    assert not info.value.maybe_printed
    assert not emulator.labels and emulator.partial == 0


def test_printing_and_status_polling_from_two_threads_share_one_printer(
    emulator: PrinterEmulator,
) -> None:
    p = printer(emulator)
    states: list[PrinterState] = []
    failures: list[BaseException] = []

    def poll() -> None:
        try:
            for _ in range(10):
                states.append(p.status().state)
        except BaseException as exc:  # reported below, never swallowed
            failures.append(exc)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    for seed in range(5):
        p.print_label(noise(64, 16, seed))
    poller.join(30)
    assert not poller.is_alive() and failures == []
    assert states == [PrinterState.READY] * 10
    assert emulator.wait_for_labels(5, timeout=10)


def test_a_slow_printer_is_acknowledged_only_after_it_took_every_byte(
    emulator: PrinterEmulator,
) -> None:
    """The write returns with ~50 kB still in the socket buffers; the answer to the status
    query behind them is what says the printer consumed them."""
    emulator.set_fault("slow:40000")
    p = printer(emulator, status_timeout=0.5, write_timeout=20.0)
    result = p.print_label(noise(832, 1200, 8))  # 125 kB: about 3 s at this speed
    assert result.outcome is SendOutcome.ACKNOWLEDGED and result.acknowledged
    assert emulator.printed == 1  # already out when print_label returned


def test_a_printer_silent_after_the_label_is_sent_not_acknowledged(
    emulator: PrinterEmulator,
) -> None:
    """The issue's scenario: the printer goes away right after the last byte left."""

    class StopAfterSend(TcpTransport):
        def write(self, data: bytes) -> None:
            super().write(data)
            if len(data) > 100:  # the label, not a status query
                emulator.stop()

    emulator.set_fault("slow:40000")
    p = printer(emulator, status_timeout=0.5, ack_timeout=5.0)
    p.transport = StopAfterSend(emulator.host, emulator.port)
    with pytest.raises(PrinterError) as info:
        p.print_label(noise(832, 1200, 9), job_id="J-1")
    assert info.value.outcome is SendOutcome.SENT and info.value.maybe_printed
    assert emulator.printed == 0


def test_a_printer_that_never_answers_reports_sent_not_acknowledged(
    emulator: PrinterEmulator,
) -> None:
    emulator.set_fault("no_status")
    result = printer(emulator, status_timeout=0.2).print_label(noise(64, 10, 5))
    assert result.outcome is SendOutcome.SENT and not result.acknowledged
