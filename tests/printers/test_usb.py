"""USB at the pyusb boundary: a fake device stands in for the printer."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from typing import Any

import pytest
import usb.core
import usb.util
from packstation.printers import PrinterError, PrinterState, open_printer
from packstation.printers.transport_usb import UsbTransport

from .bitmaps import noise


@dataclass
class FakeEndpoint:
    bEndpointAddress: int  # noqa: N815 - pyusb's attribute names
    bmAttributes: int  # noqa: N815
    wMaxPacketSize: int = 64  # noqa: N815
    written: list[bytes] = field(default_factory=list)
    replies: list[bytes] = field(default_factory=list)
    fail_with: Exception | None = None
    timeouts: list[int] = field(default_factory=list)
    #: OUT endpoint only: status bytes the printer answers to DLE EOT, via `peer`.
    answers: list[bytes] = field(default_factory=list)
    peer: FakeEndpoint | None = None

    def write(self, data: bytes, timeout: int) -> int:
        self.timeouts.append(timeout)
        if self.fail_with is not None:
            raise self.fail_with
        self.written.append(bytes(data))
        if data.startswith(b"\x10\x04") and self.answers and self.peer is not None:
            self.peer.replies.append(self.answers.pop(0))
        return len(data)

    def read(self, size: int, timeout: int) -> bytes:
        self.timeouts.append(timeout)
        if not self.replies:
            raise usb.core.USBTimeoutError("timeout", errno=errno.ETIMEDOUT)
        return self.replies.pop(0)


@dataclass
class FakeInterface:
    bInterfaceNumber: int  # noqa: N815
    bInterfaceClass: int  # noqa: N815
    endpoints: list[FakeEndpoint]

    def __iter__(self) -> Any:
        return iter(self.endpoints)


@dataclass
class FakeDevice:
    interfaces: list[FakeInterface]
    configured: bool = True
    kernel_driver: bool = True
    detached: list[int] = field(default_factory=list)
    access_error: bool = False

    def get_active_configuration(self) -> list[FakeInterface]:
        if self.access_error:
            raise usb.core.USBError("Access denied (insufficient permissions)", errno=errno.EACCES)
        if not self.configured:
            raise usb.core.USBError("Configuration not set", errno=errno.EIO)
        return self.interfaces

    def set_configuration(self) -> None:
        self.configured = True

    def is_kernel_driver_active(self, number: int) -> bool:
        return self.kernel_driver and number not in self.detached

    def detach_kernel_driver(self, number: int) -> None:
        self.detached.append(number)


def printer_device() -> tuple[FakeDevice, FakeEndpoint, FakeEndpoint]:
    out_ep = FakeEndpoint(0x02, 0x02)
    in_ep = FakeEndpoint(0x81, 0x02)
    hid = FakeInterface(0, 3, [FakeEndpoint(0x83, 0x03)])  # e.g. a vendor/HID interface first
    out_ep.peer = in_ep
    printer = FakeInterface(1, 7, [FakeEndpoint(0x84, 0x03), in_ep, out_ep])
    return FakeDevice([hid, printer], configured=False), out_ep, in_ep


@pytest.fixture
def fake_usb(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    found: dict[str, Any] = {"device": None, "calls": [], "disposed": []}

    def find(**kw: int) -> Any:
        found["calls"].append(kw)
        return found["device"]

    monkeypatch.setattr(usb.core, "find", find)
    monkeypatch.setattr(usb.util, "dispose_resources", found["disposed"].append)
    return found


def test_picks_the_printer_interface_bulk_endpoints_and_detaches_usblp(
    fake_usb: dict[str, Any],
) -> None:
    dev, out_ep, in_ep = printer_device()
    fake_usb["device"] = dev
    t = UsbTransport(0x0416, 0x5011, write_timeout=2.5)
    t.open()
    assert fake_usb["calls"] == [{"idVendor": 0x0416, "idProduct": 0x5011}]
    assert dev.configured and dev.detached == [1]
    assert t.readable
    t.write(b"\x1b@" * 10_000)
    assert b"".join(out_ep.written) == b"\x1b@" * 10_000
    assert len(out_ep.written) == 2  # 16 KB chunks
    assert set(out_ep.timeouts) == {2500}
    in_ep.replies.append(b"\x12")
    assert t.read(1, 0.5) == b"\x12"
    assert t.read(1, 0.0) == b""  # timeout → nothing, and 0 s never becomes "forever"
    assert in_ep.timeouts == [500, 1]
    t.close()
    assert fake_usb["disposed"] == [dev]


def test_status_and_printing_through_the_fake_device(fake_usb: dict[str, Any]) -> None:
    dev, out_ep, in_ep = printer_device()
    fake_usb["device"] = dev
    out_ep.answers.extend([b"\x12", b"\x12", b"\x1e"] + [b"\x12"] * 6)
    in_ep.replies.append(b"\x99")  # stale byte: drained before the first query
    p = open_printer("usb:0416:5011", "generic-80mm-203")
    assert p.status().state is PrinterState.PAPER_NEAR_END
    p.print_label(noise(64, 8, 1))
    sent = b"".join(out_ep.written)
    assert sent.startswith(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04")
    assert b"\x1dv0\x00\x08\x00\x08\x00" in sent


def test_a_missing_printer_names_its_vid_pid(fake_usb: dict[str, Any]) -> None:
    with pytest.raises(PrinterError) as info:
        open_printer("usb:0x0416:0x5011").status()
    err = info.value
    assert err.reason == "not_found"
    assert "0416:5011" in err.zh and "0416:5011" in err.en and "lsusb" in err.en


def test_permission_denied_points_to_the_udev_rule(fake_usb: dict[str, Any]) -> None:
    dev, _, _ = printer_device()
    dev.access_error = True
    fake_usb["device"] = dev
    with pytest.raises(PrinterError) as info:
        UsbTransport(0x0416, 0x5011).open()
    err = info.value
    assert err.reason == "permission"
    assert 'ATTRS{idVendor}=="0416"' in err.en and 'ATTRS{idProduct}=="5011"' in err.zh
    assert "udev" in err.zh and "docs/printers.md" in err.en


def test_a_write_timeout_is_a_timeout_error(fake_usb: dict[str, Any]) -> None:
    dev, out_ep, _ = printer_device()
    out_ep.fail_with = usb.core.USBTimeoutError("timeout", errno=errno.ETIMEDOUT)
    fake_usb["device"] = dev
    t = UsbTransport(0x0416, 0x5011, write_timeout=1.0)
    with pytest.raises(PrinterError) as info:
        t.write(b"x")
    assert info.value.reason == "timeout" and "0416:5011" in info.value.en


def test_an_unplugged_printer_is_connection_lost(fake_usb: dict[str, Any]) -> None:
    dev, out_ep, _ = printer_device()
    out_ep.fail_with = usb.core.USBError("No such device", errno=errno.ENODEV)
    fake_usb["device"] = dev
    with pytest.raises(PrinterError) as info:
        UsbTransport(0x0416, 0x5011).write(b"x")
    assert info.value.reason == "connection_lost"


def test_a_device_without_out_endpoint_is_not_a_printer(fake_usb: dict[str, Any]) -> None:
    fake_usb["device"] = FakeDevice([FakeInterface(0, 3, [FakeEndpoint(0x81, 0x03)])])
    with pytest.raises(PrinterError, match="OUT endpoint"):
        UsbTransport(1, 2).open()


def test_a_printer_without_in_endpoint_gives_unknown_status(fake_usb: dict[str, Any]) -> None:
    out_ep = FakeEndpoint(0x01, 0x02)
    fake_usb["device"] = FakeDevice([FakeInterface(0, 7, [out_ep])], kernel_driver=False)
    p = open_printer("usb:1:2")
    assert p.status().state is PrinterState.UNKNOWN
    assert out_ep.written == []  # nobody to ask: no query is sent


def test_no_libusb_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def find(**kw: int) -> None:
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", find)
    with pytest.raises(PrinterError) as info:
        UsbTransport(1, 2).open()
    assert info.value.reason == "missing_library" and "Zadig" in info.value.en
