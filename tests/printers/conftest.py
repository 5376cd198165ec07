"""Fixtures for printer tests: a live emulator on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from packstation.printers.emulator import PrinterEmulator


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    """A healthy emulator saving PNGs under tmp_path/labels; stopped after the test."""
    emu = PrinterEmulator("127.0.0.1", 0, tmp_path / "labels").start()
    try:
        yield emu
    finally:
        emu.stop()
