"""The real packer window, offscreen, on a real SQLite file and a mock printer.

Codes are typed as key events with real delays between them (a scanner's 3 ms, a
person's 120 ms), so they pass the application-wide scanner capture as a USB scanner's
burst would. With PACKSTATION_REQUIRE_GUI set (CI), a window test that was skipped
fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from packstation.ui.bench_app import Bench, GuiOptions, build_bench
from packstation.ui.bench_settings import SettingsStore
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from packstation.bootstrap import printer_for
from packstation.cli.gui import authenticate_by_pin
from packstation.services.printing import Backoff
from packstation.services.users import add_user
from packstation.storage.database import Database

REQUIRE_GUI = bool(os.environ.get("PACKSTATION_REQUIRE_GUI"))
SCANNER_MS = 3
HUMAN_MS = 250
#: Wider than a bench's 50 ms: a test machine shared by many jobs stalls now and then.
TEST_MAX_GAP_MS = 120
WAIT_MS = 15_000


@pytest.fixture
def db_file(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[str, Database]]:
    path = tmp_path / "bench.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    db = Database.from_url(url)
    add_user(db, "packer1", "packer", "0000")
    add_user(db, "boss", "supervisor", "1234")
    yield url, db
    db.dispose()


class Printers:
    """`mock` printers the test keeps hold of, to pull the paper out and put it back."""

    def __init__(self) -> None:
        self.made: dict[str, Any] = {}

    def __call__(self, spec: str) -> Any:
        self.made[spec] = self.made.get(spec) or printer_for(spec)
        return self.made[spec]

    def transport(self, spec: str = "mock") -> Any:
        return self.made[spec].printer.transport  # the recording wrapper over MockTransport


@pytest.fixture
def printers() -> Printers:
    return Printers()


@pytest.fixture
def open_bench(
    qtbot: QtBot, db_file: tuple[str, Database], tmp_path: Path, printers: Printers
) -> Iterator[Callable[..., Bench]]:
    """Opens the window (1366x768) and waits until it is ready to scan."""
    url, _db = db_file
    opened: list[Bench] = []

    def opening(packer: str = "packer1", **changes: Any) -> Bench:
        values: dict[str, Any] = {
            "db_url": url,
            "bench": "B1",
            "printer": "mock",
            "lang": "en",
            "packer": packer,
            "settings_path": tmp_path / "bench.ini",
            "printers": printers,
            "print_backoff": Backoff(0.1, 0.3),
            "authenticate": lambda name, pin: authenticate_by_pin(url, name, pin),
        }
        options = GuiOptions(**{**values, **changes})
        SettingsStore("B1", options.settings_path).update(scanner_max_gap_ms=TEST_MAX_GAP_MS)
        bench = build_bench(options)
        opened.append(bench)
        bench.window.resize(1366, 768)
        bench.window.show()
        qtbot.waitExposed(bench.window)
        with qtbot.waitSignal(bench.controller.started, timeout=WAIT_MS):
            bench.controller.start()
        return bench

    yield opening
    for bench in opened:
        bench.close()


def type_keys(target: QWidget, chars: str, delay_ms: int) -> None:
    for ch in chars:
        QTest.keyClick(target, ch, Qt.KeyboardModifier.NoModifier, delay_ms)


def scan(qtbot: QtBot, bench: Bench, code: str, delay_ms: int = SCANNER_MS) -> Any:
    """Type `code` + Enter at scanner speed into whatever has focus; the answer shown."""
    target = QApplication.focusWidget() or bench.window
    with qtbot.waitSignal(bench.window.verdict_shown, timeout=WAIT_MS) as shown:
        type_keys(target, code, delay_ms)
        QTest.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, delay_ms)
    qtbot.waitUntil(lambda: bench.controller.pending == 0, timeout=WAIT_MS)
    return shown.args[0]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With the GUI required (CI), a run in which window tests were skipped is failed."""
    if not REQUIRE_GUI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [r for r in reporter.stats.get("skipped", []) if "gui" in r.keywords]
    if skipped:
        reporter.write_line(
            f"GUI required: {len(skipped)} window tests skipped -> failing run", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
