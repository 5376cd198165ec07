"""The form an override asks for: its fields, then the supervisor's name and PIN."""

from __future__ import annotations

from packstation.ui.dashboard_texts import tr
from packstation.ui.supervisor_actions import Action
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)


class OverrideDialog(QDialog):
    """Fields of one action plus supervisor and PIN (PIN hidden as typed)."""

    def __init__(self, action: Action, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{tr(f'action.{action.key}', lang)} – {tr('pin.title', lang)}")
        form = QFormLayout(self)
        form.addRow(QLabel(tr("pin.prompt", lang)))
        self.edits: dict[str, QLineEdit] = {}
        for name in (*action.fields, "supervisor", "pin"):
            edit = QLineEdit()
            if name == "pin":
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.edits[name] = edit
            form.addRow(tr(f"field.{name}", lang), edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("ok", lang))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("cancel", lang))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.edits.items()}
