"""Serial over a pty, file and FIFO targets, and CUPS through a fake `lp`."""

from __future__ import annotations

import os
import select
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from packstation.printers import PrinterError, PrinterState, open_printer
from packstation.printers.decoded import LabelAssembler
from packstation.printers.escpos_parser import parse
from packstation.printers.transport_file import FileTransport
from packstation.printers.transport_serial import SerialTransport

from .bitmaps import noise


def read_available(fd: int, want: int, timeout: float = 5.0) -> bytes:
    """Read from `fd` until `want` bytes arrived or nothing comes for `timeout`."""
    out = bytearray()
    while len(out) < want and select.select([fd], [], [], timeout)[0]:
        out += os.read(fd, 65536)
    return bytes(out)


@pytest.fixture
def pty() -> Iterator[tuple[int, str]]:
    master, slave = os.openpty()
    name = os.ttyname(slave)
    try:
        yield master, name
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_serial_sends_raw_bytes_and_reads_status(pty: tuple[int, str]) -> None:
    master, name = pty
    t = SerialTransport(name, 115200, write_timeout=5)
    t.open()
    data = bytes(range(256)) * 4  # every byte value, \n and \r included, untouched
    t.write(data)
    assert read_available(master, len(data)) == data
    os.write(master, b"\x12")
    assert t.read(1, 2.0) == b"\x12"
    assert t.read(1, 0.05) == b""
    t.close()


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_serial_printer_prints_a_label(pty: tuple[int, str]) -> None:
    master, name = pty
    p = open_printer(f"serial:{name}:9600", "generic-58mm-203", check_status=False)
    img = noise(384, 30, 3)
    p.print_label(img)
    events, pending = parse(read_available(master, len(p.encode(img))))
    assert pending == 0
    assembler = LabelAssembler()
    assert assembler.add(events) == []  # 58 mm profile: no cutter, so no cut
    assert assembler.finish().image.tobytes() == img.tobytes()


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_a_stuck_serial_printer_times_out(pty: tuple[int, str]) -> None:
    _master, name = pty
    t = SerialTransport(name, 9600, write_timeout=0.2)
    with pytest.raises(PrinterError) as info:
        t.write(b"\x00" * 1_000_000)  # nobody reads the other end
    assert info.value.reason == "timeout" and name in info.value.zh


def test_a_missing_serial_port_is_named() -> None:
    with pytest.raises(PrinterError) as info:
        open_printer("serial:/dev/does-not-exist-42:9600").status()
    assert info.value.reason == "not_found"
    assert "/dev/does-not-exist-42" in info.value.en


def test_file_target_collects_each_job(tmp_path: Path) -> None:
    out = tmp_path / "jobs.bin"
    p = open_printer(f"file:{out}")
    a, b = noise(16, 2, 1), noise(16, 3, 2)
    p.print_label(a)
    p.print_label(b)
    assert out.read_bytes() == p.encode(a) + p.encode(b)
    assert p.status().state is PrinterState.UNKNOWN  # a plain file cannot answer


def test_file_target_never_writes_to_an_existing_file(tmp_path: Path) -> None:
    """`print-job move N --printer file:/some/existing/file` must not append label bytes."""
    victim = tmp_path / "packstation.db"
    victim.write_bytes(b"precious")
    with pytest.raises(PrinterError) as info:
        open_printer(f"file:{victim}").print_label(noise(8, 1, 1))
    assert info.value.reason == "file_exists" and not info.value.maybe_printed
    assert str(victim) in info.value.en
    assert victim.read_bytes() == b"precious"


def test_a_file_this_printer_created_is_not_taken_over_when_replaced(tmp_path: Path) -> None:
    out = tmp_path / "jobs.bin"
    p = open_printer(f"file:{out}")
    p.print_label(noise(16, 2, 1))
    out.unlink()
    out.write_bytes(b"someone else's file")  # same path, another file
    with pytest.raises(PrinterError) as info:
        p.print_label(noise(16, 2, 1))
    assert info.value.reason == "file_exists"
    assert out.read_bytes() == b"someone else's file"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs a character device")
def test_a_character_device_takes_the_device_path_and_silence_is_unknown() -> None:
    t = FileTransport("/dev/null", write_timeout=2)
    t.open()
    assert t.readable  # device nodes may answer status; /dev/null just never does
    t.close()
    p = open_printer("file:/dev/null", status_timeout=0.1)
    result = p.print_label(noise(64, 64, 5))
    assert result.status.state is PrinterState.UNKNOWN and result.bytes_sent > 512


def test_file_in_a_missing_directory_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(PrinterError) as info:
        open_printer(f"file:{tmp_path}/nope/lp0").print_label(noise(8, 1, 1))
    assert info.value.reason == "not_found" and "nope/lp0" in info.value.zh


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_device_nobody_reads_times_out_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # present, but never reads
    try:
        t = FileTransport(str(fifo), write_timeout=0.2)
        t.open()
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        with pytest.raises(PrinterError) as info:
            t.write(b"\x00" * 1_000_000)
        assert info.value.reason == "timeout" and info.value.maybe_printed
        t.close()
    finally:
        os.close(reader)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_device_with_no_reader_is_not_found(tmp_path: Path) -> None:
    fifo = tmp_path / "lp1"
    os.mkfifo(fifo)
    with pytest.raises(PrinterError) as info:
        FileTransport(str(fifo)).open()
    assert info.value.reason == "not_found"


def fake_lp(bin_dir: Path, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "lp"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stands in for lp")
def test_cups_hands_raw_bytes_to_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    spool = tmp_path / "spool"
    spool.mkdir()
    fake_lp(bin_dir, f'echo "$@" > {spool}/args; cat > {spool}/job-$$.bin')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    p = open_printer("cups:Bench_3", "label-4in-203")
    img = noise(64, 20, 4)
    result = p.print_label(img)
    assert result.status.state is PrinterState.UNKNOWN
    assert (spool / "args").read_text().split() == ["-d", "Bench_3", "-o", "raw"]
    [job] = spool.glob("job-*.bin")
    assert job.read_bytes() == p.encode(img)


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stands in for lp")
def test_cups_refusal_carries_lp_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_lp(tmp_path, 'cat >/dev/null; echo "lp: The printer or class does not exist." >&2; exit 1')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(PrinterError) as info:
        open_printer("cups:nosuch").print_label(noise(8, 1, 1))
    assert info.value.reason == "spooler"
    assert "does not exist" in info.value.en and "nosuch" in info.value.zh


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stands in for lp")
def test_a_hung_lp_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_lp(tmp_path, "exec sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(PrinterError) as info:
        open_printer("cups:slowq", write_timeout=0.3).print_label(noise(8, 1, 1))
    assert info.value.reason == "timeout"


def test_cups_without_lp_says_to_install_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterError) as info:
        open_printer("cups:q").print_label(noise(8, 1, 1))
    assert info.value.reason == "not_found" and "cups-client" in info.value.en
