"""Spoken prompts (placeholder, replaced at merge: this one says nothing)."""

from __future__ import annotations

from PySide6.QtCore import QObject


class Speaker(QObject):
    def __init__(self, enabled: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled

    def say(self, text: str, lang: str) -> None:
        return None

    @property
    def available(self) -> bool:
        return False
