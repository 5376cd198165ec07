"""The audit log view: filters (who, what, bench, time), the records, CSV export.
Read-only: nothing here can change or delete a record."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from packstation.ui.dashboard_texts import tr
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.bootstrap import Database
from packstation.errors import UserError
from packstation.services.audit_log import AuditFilter, export_audit_csv, query_audit


class AuditView(QWidget):
    def __init__(self, db: Database, lang: str = "zh") -> None:
        super().__init__()
        self.db, self.lang = db, lang
        self.who, self.what, self.bench = QLineEdit(), QLineEdit(), QLineEdit()
        now = QDateTime.currentDateTime()
        self.since = QDateTimeEdit(now.addDays(-7))
        self.until = QDateTimeEdit(now.addDays(1))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        search = QPushButton(tr("audit.search", lang))
        export = QPushButton(tr("audit.export", lang))
        search.clicked.connect(self.search)
        export.clicked.connect(self._export_clicked)
        bar = QHBoxLayout()
        for key, widget in (
            ("audit.who", self.who),
            ("audit.what", self.what),
            ("audit.bench", self.bench),
            ("audit.since", self.since),
            ("audit.until", self.until),
        ):
            bar.addWidget(QLabel(tr(key, lang)))
            bar.addWidget(widget)
        bar.addWidget(search)
        bar.addWidget(export)
        keys = (
            "audit.at",
            "audit.who",
            "audit.what",
            "audit.target",
            "audit.bench",
            "audit.detail",
        )
        self.table = QTableWidget(0, len(keys))
        self.table.setHorizontalHeaderLabels([tr(k, lang) for k in keys])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.message)

    def current_filter(self) -> AuditFilter:
        def utc(edit: QDateTimeEdit) -> datetime:
            return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), UTC)

        return AuditFilter(
            actor=self.who.text(),
            action=self.what.text(),
            bench=self.bench.text(),
            since=utc(self.since),
            until=utc(self.until),
        )

    def search(self) -> int:
        entries = query_audit(self.db, self.current_filter())
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            cells = (
                e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.target,
                e.bench,
                json.dumps(e.detail, ensure_ascii=False),
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        return len(entries)

    def export(self, path: Path) -> int:
        try:
            n = export_audit_csv(self.db, self.current_filter(), path)
        except UserError as exc:
            self.message.setText(exc.en if self.lang == "en" else exc.zh)
            return 0
        self.message.setText(tr("audit.exported", self.lang, n=n, path=path))
        return n

    def _export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, tr("audit.export", self.lang), "audit.csv", "CSV (*.csv)"
        )
        if name:
            self.export(Path(name))
