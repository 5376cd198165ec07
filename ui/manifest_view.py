"""Supervisor view of the carrier handover: the draft for a carrier (counts per destination
with priority cities first and marked, the parcels to pull), closing it, saving the PDF.

Plain callables from the host: `draft(carrier)` and `close(carrier)` return a
`ManifestDocument` (`services.manifests`; the host asks for the supervisor's PIN before
closing), `save_pdf(document)` writes it (`labels.manifest_pdf.render_manifest_pdf`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from packstation.ui.shift_texts import text
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.manifests import ManifestDocument
from packstation.errors import UserError

_COLUMNS = ("mark", "destination", "parcels")


class ManifestView(QWidget):
    closed = Signal(str)  # the manifest number

    def __init__(
        self,
        carriers: Sequence[str],
        draft: Callable[[str], ManifestDocument],
        close: Callable[[str], ManifestDocument] | None = None,
        save_pdf: Callable[[ManifestDocument], object] | None = None,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._draft, self._close, self._save, self.lang = draft, close, save_pdf, lang
        self.document: ManifestDocument | None = None
        self.carrier = QComboBox()
        self.carrier.addItems(list(carriers))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [text(f"manifest.col.{c}", lang) for c in _COLUMNS])
        self.left_off = QListWidget()
        self.refresh_button = QPushButton(text("manifest.refresh", lang))
        self.close_button = QPushButton(text("manifest.close", lang))
        self.save_button = QPushButton(text("manifest.save", lang))
        self.close_button.setEnabled(close is not None)
        self.save_button.setEnabled(save_pdf is not None)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.close_manifest)
        self.save_button.clicked.connect(self.save)
        self.carrier.currentTextChanged.connect(lambda _c: self.refresh())
        top = QHBoxLayout()
        top.addWidget(QLabel(text("manifest.carrier", lang)))
        top.addWidget(self.carrier)
        buttons = QHBoxLayout()
        for button in (self.refresh_button, self.close_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        title = QLabel(text("manifest.title", lang))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addWidget(QLabel(text("manifest.left_off", lang)))
        layout.addWidget(self.left_off)
        layout.addLayout(buttons)
        if carriers:
            self.refresh()

    def refresh(self) -> None:
        self.show_document(self._draft(self.carrier.currentText()))

    def close_manifest(self) -> None:
        if self._close is None:
            return
        try:
            document = self._close(self.carrier.currentText())
        except UserError as exc:
            self.status.setText(exc.message(self.lang))
            return
        self.show_document(document)
        self.closed.emit(document.manifest_no or "")

    def save(self) -> None:
        if self._save is not None and self.document is not None:
            self._save(self.document)

    def show_document(self, doc: ManifestDocument) -> None:
        self.document = doc
        lang = self.lang
        if doc.closed:
            self.status.setText(text("manifest.closed", lang, number=doc.manifest_no,
                                     parcels=len(doc.parcels), left=len(doc.left_off)))
        elif doc.parcels or doc.left_off:
            self.status.setText(text("manifest.draft", lang, parcels=len(doc.parcels),
                                     left=len(doc.left_off)))
        else:
            self.status.setText(text("manifest.nothing", lang))
        self.table.setRowCount(len(doc.destinations))
        for row, d in enumerate(doc.destinations):
            place = d.city if d.province == d.city else f"{d.province}{d.city}"
            cells = (d.mark or "", place, str(d.parcels))
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if d.mark:
                    item.setBackground(QColor("#000000"))
                    item.setForeground(QColor("#FFFFFF"))
                self.table.setItem(row, col, item)
        self.left_off.clear()
        for p in doc.left_off:
            self.left_off.addItem(f"{p.waybill_no}  {p.order_no}  {p.stop_reason or ''}")
