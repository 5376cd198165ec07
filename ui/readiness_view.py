"""Supervisor view of barcode readiness: the SKUs that cannot be scanned, most waiting
units first, and one action that prints SKU labels for the selected ones.

It takes plain callables so any host (the dashboard) can wire it: `load()` returns a
`ReadinessReport` (`services.readiness.barcode_readiness`), `print_labels(skus)` prints
them (`services.shift_printing.print_sku_labels` behind the host's supervisor check)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from packstation.ui.shift_texts import text
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.readiness import ReadinessReport

_COLUMNS = ("sku", "title", "problem", "units", "orders")


class ReadinessView(QWidget):
    labels_requested = Signal(list)  # the SKUs whose labels were sent to print_labels

    def __init__(
        self,
        load: Callable[[], ReadinessReport],
        print_labels: Callable[[Sequence[str]], object] | None = None,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._load, self._print, self.lang = load, print_labels, lang
        self.summary = QLabel()
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [text(f"readiness.col.{c}", lang) for c in _COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.refresh_button = QPushButton(text("readiness.refresh", lang))
        self.print_button = QPushButton(text("readiness.print", lang))
        self.print_button.setEnabled(print_labels is not None)
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(self.print_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        title = QLabel(text("readiness.title", lang))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        report = self._load()
        lang = self.lang
        if report.blocked:
            self.summary.setText(text("readiness.summary", lang, skus=len(report.blocked),
                                      units=report.units_blocked))
        else:
            self.summary.setText(text("readiness.all_ok", lang))
        self.table.setRowCount(len(report.blocked))
        for row, item in enumerate(report.blocked):
            problems = "，".join(text(f"problem.{p}", lang) for p in item.problems)
            cells = (item.sku, item.title, problems, str(item.waiting_units),
                     str(item.waiting_orders))
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))

    def selected_skus(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.table.item(row, 0).text() for row in rows]

    def print_selected(self) -> None:
        skus = self.selected_skus()
        if not skus or self._print is None:
            return
        self._print(skus)
        self.labels_requested.emit(skus)
        self.refresh()
