"""Printer backends by spec string, from explicit tables.

    mock | file:PATH | tcp:HOST[:PORT] | usb:VID:PID | serial:DEV[:BAUD] | cups:QUEUE

A new transport is one module plus one line in TRANSPORTS; a new printer language
(TSPL, ZPL) is one module plus one line in LANGUAGES and a profile that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import escpos, status
from .errors import BAD_SPEC, PrinterError
from .mock import MockPrinter, MockTransport
from .printer import Encoder, Printer, StatusQuery
from .profiles import PrinterProfile, get_profile
from .transport import (
    DEFAULT_ACK_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_WRITE_TIMEOUT,
    Transport,
)
from .transport_cups import CupsTransport
from .transport_file import FileTransport
from .transport_serial import DEFAULT_BAUD, SerialTransport
from .transport_tcp import TcpTransport
from .transport_usb import UsbTransport

SPEC_FORMS = "mock, file:PATH, tcp:HOST:PORT, usb:VID:PID, serial:DEV[:BAUD], cups:QUEUE"


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds; passed to whichever transport the spec picks."""

    connect: float = DEFAULT_CONNECT_TIMEOUT
    write: float = DEFAULT_WRITE_TIMEOUT


def _bad(spec: str, zh_why: str, en_why: str) -> PrinterError:
    return PrinterError(
        BAD_SPEC,
        f"打印机设置“{spec}”无效：{zh_why}。可用格式：{SPEC_FORMS}",
        f"Invalid printer spec '{spec}': {en_why}. Valid forms: {SPEC_FORMS}",
        device=spec,
    )


def _int(spec: str, text: str, lo: int, hi: int, base: int, what: tuple[str, str]) -> int:
    try:
        value = int(text, base)
    except ValueError:
        value = -1
    if not lo <= value <= hi:
        raise _bad(spec, f"{what[0]}“{text}”不正确", f"{what[1]} '{text}' is not valid")
    return value


def _mock(spec: str, rest: str, t: Timeouts) -> Transport:
    return MockTransport(fault=rest or None, device=spec)


def _file(spec: str, rest: str, t: Timeouts) -> Transport:
    if not rest:
        raise _bad(spec, "缺少文件或设备路径", "the file or device path is missing")
    return FileTransport(rest, write_timeout=t.write)


def _tcp(spec: str, rest: str, t: Timeouts) -> Transport:
    host, port = rest, "9100"
    if rest.startswith("["):  # [IPv6]:port
        host, _, tail = rest[1:].partition("]")
        port = tail.removeprefix(":") or port
    elif rest.count(":") == 1:
        host, port = rest.split(":")
    if not host:
        raise _bad(spec, "缺少主机名或 IP", "the host is missing")
    num = _int(spec, port, 1, 65535, 10, ("端口", "port"))
    return TcpTransport(host, num, connect_timeout=t.connect, write_timeout=t.write)


def _usb(spec: str, rest: str, t: Timeouts) -> Transport:
    vid, sep, pid = rest.partition(":")
    if not sep:
        raise _bad(
            spec,
            "应写成 usb:VID:PID（十六进制，如 usb:0416:5011）",
            "write it as usb:VID:PID in hex, e.g. usb:0416:5011",
        )
    what = ("USB 编号", "USB id")
    return UsbTransport(
        _int(spec, vid, 0, 0xFFFF, 16, what),
        _int(spec, pid, 0, 0xFFFF, 16, what),
        write_timeout=t.write,
    )


def _serial(spec: str, rest: str, t: Timeouts) -> Transport:
    port, baud = rest, DEFAULT_BAUD
    head, sep, tail = rest.rpartition(":")
    if sep and tail.isdigit():
        port, baud = head, _int(spec, tail, 50, 4_000_000, 10, ("波特率", "baud rate"))
    if not port:
        raise _bad(spec, "缺少串口名", "the serial port is missing")
    return SerialTransport(port, baud, write_timeout=t.write)


def _cups(spec: str, rest: str, t: Timeouts) -> Transport:
    if not rest:
        raise _bad(spec, "缺少 CUPS 队列名", "the CUPS queue name is missing")
    return CupsTransport(rest, write_timeout=t.write)


TransportFactory = Callable[[str, str, Timeouts], Transport]

TRANSPORTS: dict[str, TransportFactory] = {
    "mock": _mock,
    "file": _file,
    "tcp": _tcp,
    "usb": _usb,
    "serial": _serial,
    "cups": _cups,
}

LANGUAGES: dict[str, tuple[Encoder, StatusQuery]] = {
    "escpos": (escpos.encode_label, status.query_status),
}


def make_transport(spec: str, timeouts: Timeouts | None = None) -> Transport:
    """The transport a spec names, not yet opened."""
    scheme, _, rest = spec.strip().partition(":")
    factory = TRANSPORTS.get(scheme.lower())
    if factory is None:
        raise _bad(spec, f"不认识的类型“{scheme}”", f"unknown kind '{scheme}'")
    return factory(spec.strip(), rest, timeouts or Timeouts())


def open_printer(
    spec: str,
    profile: str | PrinterProfile | None = None,
    *,
    band_rows: int | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    status_timeout: float = DEFAULT_READ_TIMEOUT,
    ack_timeout: float = DEFAULT_ACK_TIMEOUT,
    check_status: bool = True,
    keep_open: bool = False,
) -> Printer:
    """A `Printer` for `spec`; validates the spec and profile, connects per job.

    For "mock" the result is a `MockPrinter` whose `transport` holds the jobs.
    """
    prof = get_profile(profile)
    transport = make_transport(spec, Timeouts(connect_timeout, write_timeout))
    encoder, query = LANGUAGES[prof.language]
    cls = MockPrinter if isinstance(transport, MockTransport) else Printer
    return cls(
        transport,
        prof,
        encoder=encoder,
        status_query=query,
        spec=spec,
        band_rows=band_rows,
        status_timeout=status_timeout,
        ack_timeout=ack_timeout,
        check_status=check_status,
        keep_open=keep_open,
    )
