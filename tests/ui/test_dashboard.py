"""The supervisor view with real widgets (offscreen): figures shown, read off the GUI
thread, overrides refused to a packer through the window, audit and report export."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from packstation.ui.dashboard_feed import DashboardFeed
from packstation.ui.supervisor_dialogs import OverrideDialog
from packstation.ui.supervisor_panel import SupervisorPanel
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from packstation.services import dashboard
from packstation.services.audit_log import query_audit
from packstation.services.users import USER_ACTIONS, add_user
from packstation.storage.database import Database
from tests.factories import load, order
from tests.integration.helpers import scan_all, station
from tests.ui.dashboard_shift import build_shift

TEE_CODE = "6901234567892"


@pytest.fixture
def panel(qtbot: QtBot, db: Database) -> SupervisorPanel:
    widget = SupervisorPanel(db, "en", interval_ms=60_000)
    qtbot.addWidget(widget)
    yield widget
    widget.stop()


def _refreshed(qtbot: QtBot, panel: SupervisorPanel) -> dashboard.Dashboard:
    with qtbot.waitSignal(panel.feed.updated, timeout=20_000) as signal:
        if panel.feed._thread.isRunning():
            panel.feed.refresh()
        else:
            panel.start()
    return signal.args[0]


def test_the_panel_shows_the_shift_as_read(
    qtbot: QtBot, db: Database, panel: SupervisorPanel
) -> None:
    truth = build_shift(db, datetime.now(UTC), troubled=True)
    board = _refreshed(qtbot, panel)
    tiles = panel.view.tiles
    assert tiles["orders_today"].value.text() == f"{truth.packed_today:,}"
    assert tiles["units_today"].value.text() == f"{truth.units_today:,}"
    assert tiles["intercepts"].value.text() == "5"
    assert "cancelled 1" in tiles["intercepts"].sub.text()
    assert "refunded 5" in tiles["intercepts"].sub.text()
    printers = panel.view.printers
    rows = {
        printers.item(r, 0).text(): printers.item(r, 2).text() for r in range(printers.rowCount())
    }
    assert rows["B03"].startswith("fault") and rows["B02"] == "OK"
    assert panel.view.backlog.rowCount() == len(board.backlog)
    assert "overdue" in panel.view.backlog.item(0, 2).text()
    assert panel.view.feed.count() == len(board.exceptions)
    feed = [panel.view.feed.item(i).text() for i in range(panel.view.feed.count())]
    assert any("print failed" in line and "printer offline" in line for line in feed)
    assert any("赵主管 force-completed: T000031" in line for line in feed)
    assert panel.view.sessions.rowCount() == 4


def test_the_figures_are_read_off_the_gui_thread_and_the_window_keeps_running(
    qtbot: QtBot, db: Database
) -> None:
    release = threading.Event()
    readers: list[int] = []

    def slow_read() -> dashboard.Dashboard:
        readers.append(threading.get_ident())
        release.wait(10)  # the database takes its time
        return dashboard.read_dashboard(db)

    feed = DashboardFeed(slow_read, interval_ms=60_000)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    QTimer.singleShot(300, release.set)
    with qtbot.waitSignal(feed.updated, timeout=20_000):
        feed.start()
        feed.refresh()  # a second tick while the first read runs: skipped, not queued
    feed.stop()
    timer.stop()
    assert readers and readers[0] != threading.get_ident()
    assert len(readers) == 1
    assert len(ticks) >= 5  # the event loop ran while the read waited


def test_the_wall_screen_has_no_controls(qtbot: QtBot, db: Database) -> None:
    wall = SupervisorPanel(db, "zh", wall=True, interval_ms=60_000)
    qtbot.addWidget(wall)
    assert wall.buttons == {} and wall.audit is None
    assert wall.view.tiles["orders_today"].value.font().pointSizeF() > 30
    wall.stop()


def test_a_packer_performs_no_override_through_the_window(
    qtbot: QtBot, db: Database, panel: SupervisorPanel
) -> None:
    add_user(db, "boss", "supervisor", "2468")
    add_user(db, "packer1", "packer", "1357")
    load(db, order("T1001"))
    scan_all(station(db, "A"), "T1001", TEE_CODE)

    def fill(values: dict[str, str]) -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, OverrideDialog))
        for name, text in values.items():
            edit: QLineEdit = dialog.edits[name]
            qtbot.keyClicks(edit, text)
        assert dialog.edits["pin"].echoMode() is QLineEdit.EchoMode.Password
        dialog.accept()

    QTimer.singleShot(
        100,
        lambda: fill({"order": "T1001", "reason": "short", "supervisor": "packer1", "pin": "1357"}),
    )
    panel.buttons["force_complete"].click()  # opens the dialog (modal) and runs the action
    assert panel.message.text().startswith("Not done")
    assert "supervisor" in panel.message.text()
    assert [e for e in query_audit(db) if e.action not in USER_ACTIONS] == []  # no override
    assert dashboard.read_dashboard(db).open_boxes  # still open
    for key in panel.buttons:
        values = dict.fromkeys(
            ("order", "reason", "bench", "job", "printer", "rules", "minutes"), "1"
        )
        assert not panel.run_action(key, {**values, "supervisor": "packer1", "pin": "1357"})
    assert [e for e in query_audit(db) if e.action not in USER_ACTIONS] == []  # no override
    assert panel.run_action(
        "force_complete", {"order": "T1001", "reason": "short", "supervisor": "boss", "pin": "2468"}
    )
    assert panel.message.text().startswith("Done")
    assert [e.action for e in query_audit(db) if e.action not in USER_ACTIONS] == ["force_complete"]


def test_the_audit_view_filters_and_exports(
    qtbot: QtBot, db: Database, panel: SupervisorPanel, tmp_path: Path
) -> None:
    build_shift(db, datetime.now(UTC), troubled=True)
    audit = panel.audit
    assert audit is not None
    assert audit.search() == 2
    qtbot.keyClicks(audit.bench, "B04")
    assert audit.search() == 1
    assert audit.table.item(0, 2).text() == "force_complete"
    out = tmp_path / "audit.csv"
    assert audit.export(out) == 1
    assert "force_complete" in out.read_text("utf-8-sig")


def test_the_report_exports_the_day_as_xlsx(
    db: Database, panel: SupervisorPanel, tmp_path: Path
) -> None:
    truth = build_shift(db, datetime.now(UTC), troubled=False)
    out = tmp_path / "day.xlsx"
    rows = panel.export_report(date.today(), out)
    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == (
        "date",
        "hour",
        "packer",
        "bench",
        "orders",
        "units",
        "scans",
        "wrong_scans",
    )
    assert len(values) == rows + 1
    assert sum(v[4] for v in values[1:]) == truth.packed_today
    assert sum(v[5] for v in values[1:]) == truth.units_today
