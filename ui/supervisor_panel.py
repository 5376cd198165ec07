"""The supervisor view: the live dashboard plus the overrides, audit log and reports.

A plain QWidget, so the packer window can host it after a supervisor logs in; the
dashboard window (`packstation dashboard`) hosts it too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from packstation.ui.dashboard_feed import DEFAULT_INTERVAL_MS, DashboardFeed
from packstation.ui.dashboard_texts import tr
from packstation.ui.dashboard_view import DashboardView
from packstation.ui.supervisor_actions import ACTIONS
from packstation.ui.supervisor_audit import AuditView
from packstation.ui.supervisor_dialogs import OverrideDialog
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from packstation.bootstrap import Database
from packstation.errors import UserError
from packstation.services.dashboard import Dashboard, read_dashboard
from packstation.services.reports import throughput, write_report


class SupervisorPanel(QWidget):
    def __init__(
        self,
        db: Database,
        lang: str = "zh",
        *,
        wall: bool = False,
        interval_ms: int = DEFAULT_INTERVAL_MS,
    ) -> None:
        super().__init__()
        self.db, self.lang = db, lang
        self.view = DashboardView(lang, wall=wall)
        self.feed = DashboardFeed(lambda: read_dashboard(db), interval_ms, self)
        self.feed.updated.connect(self.view.show_board)
        self.feed.failed.connect(lambda e: self.view.show_error(e.zh, e.en))
        self.message = QLabel()
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if wall:  # a wall screen: figures only, no controls
            layout.addWidget(self.view)
            self.audit = None
            return
        bar = QHBoxLayout()
        for key in ACTIONS:
            button = QPushButton(tr(f"action.{key}", lang))
            button.clicked.connect(lambda _=False, k=key: self.ask(k))
            self.buttons[key] = button
            bar.addWidget(button)
        report = QPushButton(tr("action.report", lang))
        report.clicked.connect(self._report_clicked)
        bar.addWidget(report)
        bar.addStretch(1)
        self.audit = AuditView(db, lang)
        tabs = QTabWidget()
        tabs.addTab(self.view, tr("title", lang))
        tabs.addTab(self.audit, tr("audit.title", lang))
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(tabs)

    def start(self) -> None:
        self.feed.start()

    def stop(self) -> None:
        self.feed.stop()

    def ask(self, key: str) -> None:
        dialog = OverrideDialog(ACTIONS[key], self.lang, self)
        if dialog.exec():
            self.run_action(key, dialog.values())

    def run_action(self, key: str, values: dict[str, str]) -> bool:
        """Run one override with the values a dialog collected; the message says what
        happened. The service checks the supervisor: a refusal is shown, never skipped."""
        try:
            done = ACTIONS[key].run(self.db, values)
        except UserError as exc:
            self.message.setText(tr("refused", self.lang, error=self._words(exc)))
            self.message.setStyleSheet("color: #c62828")
            return False
        what = f"{tr(f'action.{key}', self.lang)} {done}"
        self.message.setText(tr("done", self.lang, what=what))
        self.message.setStyleSheet("color: #2e7d32")
        self.feed.refresh()
        return True

    def export_report(self, day: date, path: Path) -> int:
        rows = throughput(self.db, day)
        write_report(rows, path)
        self.message.setText(tr("report.saved", self.lang, path=path, n=len(rows)))
        return len(rows)

    def _report_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            tr("action.report", self.lang),
            f"throughput-{date.today()}.xlsx",
            "Excel (*.xlsx);;CSV (*.csv)",
        )
        if name:
            try:
                self.export_report(date.today(), Path(name))
            except UserError as exc:
                self.message.setText(tr("refused", self.lang, error=self._words(exc)))

    def _words(self, exc: UserError) -> str:
        return exc.en if self.lang == "en" else exc.zh

    def board_shown(self, board: Dashboard) -> None:
        self.view.show_board(board)
