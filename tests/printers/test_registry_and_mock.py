"""Spec strings to backends, profiles, and the mock printer the GUI previews from."""

from __future__ import annotations

import pytest
from packstation.printers import (
    PROFILES,
    MockPrinter,
    PrinterError,
    PrinterState,
    get_profile,
    open_printer,
)
from packstation.printers.registry import LANGUAGES, TRANSPORTS, make_transport
from packstation.printers.transport import Transport
from packstation.printers.transport_cups import CupsTransport
from packstation.printers.transport_file import FileTransport
from packstation.printers.transport_serial import SerialTransport
from packstation.printers.transport_tcp import TcpTransport
from packstation.printers.transport_usb import UsbTransport

from .bitmaps import noise, waybill


@pytest.mark.parametrize(
    ("spec", "cls", "attrs"),
    [
        ("tcp:192.168.1.50:9100", TcpTransport, {"host": "192.168.1.50", "port": 9100}),
        ("tcp:printer.local", TcpTransport, {"host": "printer.local", "port": 9100}),
        ("tcp:[::1]:9101", TcpTransport, {"host": "::1", "port": 9101}),
        ("usb:0416:5011", UsbTransport, {"vendor_id": 0x0416, "product_id": 0x5011}),
        ("usb:0x04b8:0x0202", UsbTransport, {"vendor_id": 0x04B8, "product_id": 0x0202}),
        ("serial:/dev/ttyUSB0", SerialTransport, {"port": "/dev/ttyUSB0", "baudrate": 9600}),
        ("serial:/dev/ttyS1:115200", SerialTransport, {"port": "/dev/ttyS1", "baudrate": 115200}),
        ("serial:COM3:19200", SerialTransport, {"port": "COM3", "baudrate": 19200}),
        ("file:/dev/usb/lp0", FileTransport, {"path": "/dev/usb/lp0"}),
        ("file:C:\\jobs\\out.bin", FileTransport, {"path": "C:\\jobs\\out.bin"}),
        ("cups:XP-420B", CupsTransport, {"queue": "XP-420B"}),
    ],
)
def test_specs_pick_the_right_transport(spec: str, cls: type, attrs: dict[str, object]) -> None:
    transport = make_transport(spec)
    assert isinstance(transport, cls) and isinstance(transport, Transport)
    for name, value in attrs.items():
        assert getattr(transport, name) == value


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "lpt1",
        "bluetooth:AA:BB",
        "tcp:",
        "tcp:host:99999",
        "tcp:host:port",
        "usb:0416",
        "usb:zzzz:5011",
        "usb:10000:1",
        "serial:",
        "file:",
        "cups:",
        "cups:-h evil",
    ],
)
def test_bad_specs_are_one_clear_error_in_both_languages(spec: str) -> None:
    with pytest.raises(PrinterError) as info:
        open_printer(spec)
    err = info.value
    assert err.reason == "bad_spec"
    assert err.zh and err.en and str(err).startswith(err.zh)
    assert "tcp:HOST:PORT" in err.en or "CUPS" in err.en


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(PrinterError) as info:
        get_profile("epson-tm-t20-9000")
    assert "generic-80mm-203" in info.value.en and info.value.reason == "bad_spec"


def test_every_profile_has_a_language_and_a_sane_width() -> None:
    for profile in PROFILES.values():
        assert profile.language in LANGUAGES
        assert profile.width_dots % 8 == 0 and 48 <= profile.width_mm <= 108
    assert set(TRANSPORTS) == {"mock", "file", "tcp", "usb", "serial", "cups"}


def test_mock_keeps_jobs_decodes_them_and_tags_job_ids() -> None:
    p = open_printer("mock", "two-colour-4in-203")
    assert isinstance(p, MockPrinter)
    img = waybill()
    result = p.print_label(img, red_bands=[(300, 401)], job_id="PJ-1")
    assert result.bytes_sent == len(p.encode(img, red_bands=[(300, 401)]))
    [job] = p.transport.jobs
    assert job.job_id == "PJ-1" and job.printed and job.cuts == 1
    assert job.red_bands == (((300, 401),),)
    assert job.text_bytes == 0 and job.unknown == ()
    assert job.labels[0].image.tobytes() == img.tobytes()
    preview = p.transport.last_image()
    assert preview is not None and preview.mode == "RGB" and preview.size == (800, 1200)


def test_mock_faults_block_and_clear() -> None:
    p = open_printer("mock:cover_open")
    assert p.status().state is PrinterState.COVER_OPEN
    with pytest.raises(PrinterError) as info:
        p.print_label(noise(8, 8, 1), job_id="PJ-2")
    assert info.value.reason == "cover_open" and not p.transport.jobs
    p.transport.set_fault(None)
    p.print_label(noise(8, 8, 1), job_id="PJ-2")
    assert [job.job_id for job in p.transport.jobs] == ["PJ-2"]


def test_mock_keeps_raw_bytes_even_when_not_printed() -> None:
    p = open_printer("mock:paper_end", check_status=False)
    p.print_label(noise(8, 8, 2), job_id="PJ-3")
    [job] = p.transport.jobs
    assert not job.printed and job.data.startswith(b"\x1b@")
    assert p.transport.printed_labels == [] and p.transport.last_image() is None


def test_a_label_too_wide_for_the_printer_names_the_printer() -> None:
    p = open_printer("mock", "generic-58mm-203")
    with pytest.raises(PrinterError) as info:
        p.print_label(waybill())
    assert info.value.reason == "too_wide" and info.value.device == "mock"
    assert not p.transport.jobs


def test_the_mock_keeps_a_bounded_history_but_counts_every_job() -> None:
    p = open_printer("mock")
    p.transport.jobs = type(p.transport.jobs)(maxlen=3)
    for n in range(5):
        p.print_label(noise(8, 2, n), job_id=f"PJ-{n}")
    assert p.transport.job_count == 5
    assert [job.job_id for job in p.transport.jobs] == ["PJ-2", "PJ-3", "PJ-4"]
