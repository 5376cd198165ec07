"""Sound cues for verdicts (placeholder, replaced at merge: this one plays nothing)."""

from __future__ import annotations

from PySide6.QtCore import QObject

CUES = ("ok", "opened", "complete", "error", "priority", "intercept", "duplicate")


class SoundPlayer(QObject):
    def __init__(self, volume: float = 0.8, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._volume = volume

    def play(self, cue: str) -> None:
        return None

    def set_volume(self, volume: float) -> None:
        self._volume = volume

    @property
    def available(self) -> bool:
        return False
