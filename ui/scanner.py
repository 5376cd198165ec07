"""Scanner input: keyboard-wedge bursts caught application-wide, told from typing by timing.

A USB scanner types its code as keys 1-10 ms apart and ends it with Enter or Tab; a
person types 80 ms or more apart. Every plain key (and every input-method commit) is
held for `max_gap_ms`: if the next one comes sooner it is part of a burst, otherwise the
held keys are handed back to the widget that had focus, so a login field still gets what
a person types (a little later). A burst never reaches a widget, a shortcut or a button,
and its Enter or Tab neither; an input method is bypassed because its commits are read
the same way. Codes are full-width normalised (NFKC) before they are emitted.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication

TERMINATORS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
TERMINATOR_TEXTS = ("\r", "\n", "\t")
MODIFIER_KEYS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
)
_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


DEFAULT_MAX_GAP_MS = 50  # scanners: 1-10 ms a key; people: 80 ms or more
DEFAULT_MIN_LENGTH = 2


@dataclass(frozen=True, slots=True)
class ScannerTiming:
    """Keys closer than `max_gap_ms` belong to one burst; a code has `min_length` chars."""

    max_gap_ms: int = DEFAULT_MAX_GAP_MS
    min_length: int = DEFAULT_MIN_LENGTH


@dataclass(slots=True)
class _Held:
    text: str
    replay: Callable[[], None]


class ScannerCapture(QObject):
    """An event filter on the QApplication; `scanned(code, ended_at)` per burst.

    `ended_at` is the `time.perf_counter()` of the terminator's arrival (for latency).
    """

    scanned = Signal(str, float)

    def __init__(self, timing: ScannerTiming | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.timing = timing or ScannerTiming()
        self._held: list[_Held] = []
        self._burst = False
        self._last_at = 0.0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_back)

    def install(self, app: QApplication | None = None) -> None:
        (app or QApplication.instance()).installEventFilter(self)

    def remove(self, app: QApplication | None = None) -> None:
        (app or QApplication.instance()).removeEventFilter(self)

    def set_timing(self, timing: ScannerTiming) -> None:
        self.timing = timing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._replaying:
            return False
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            if self._capturable(event) or (self._held and self._is_terminator(event)):
                event.accept()  # the key is ours: no shortcut may fire on it
                return True
            return False
        if kind == QEvent.Type.KeyPress:
            return self._key(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.KeyRelease:
            return bool(self._held) and (self._capturable(event) or self._is_terminator(event))
        if kind == QEvent.Type.InputMethod:
            return self._commit(watched, event)  # type: ignore[arg-type]
        return False

    # -- what counts ------------------------------------------------------------

    @staticmethod
    def _is_terminator(event: QEvent) -> bool:
        """Enter or Tab, by key or by text (some wedges send a line feed, not Return)."""
        return isinstance(event, QKeyEvent) and (
            event.key() in TERMINATORS or event.text() in TERMINATOR_TEXTS
        )

    @staticmethod
    def _capturable(event: QEvent) -> bool:
        """A key with text and no Ctrl/Alt/Meta, as a scanner sends (GS1's GS included)."""
        if not isinstance(event, QKeyEvent) or event.modifiers() & _MODIFIERS:
            return False
        return bool(event.text()) and not ScannerCapture._is_terminator(event)

    # -- keys -------------------------------------------------------------------

    def _key(self, watched: QObject, event: QKeyEvent) -> bool:
        now = time.perf_counter()
        if self._is_terminator(event):
            if self._burst and self._code_length() >= self.timing.min_length and self._fast(now):
                self._emit(now)
                return True
            self._give_back()
            return False
        if event.key() in MODIFIER_KEYS:  # a scanner holds Shift for capitals: not a break
            return False
        if not self._capturable(event):
            self._give_back()
            return False
        copy = QKeyEvent(
            event.type(),
            event.key(),
            event.modifiers(),
            event.text(),
            event.isAutoRepeat(),
            event.count(),
        )
        target = watched
        self._hold(now, event.text(), lambda: self._send(target, copy))
        return True

    def _commit(self, watched: QObject, event: QInputMethodEvent) -> bool:
        """An input-method commit: read like typed keys, so an IME cannot garble a code."""
        committed = event.commitString()
        if not committed or event.preeditString():
            # Pre-edit noise inside a burst is the IME's, never shown.
            return bool(self._held) and not committed
        now = time.perf_counter()
        copy = QInputMethodEvent(event.preeditString(), event.attributes())
        copy.setCommitString(committed, event.replacementStart(), event.replacementLength())
        target = watched
        self._hold(now, committed, lambda: self._send(target, copy))
        return True

    def _hold(self, now: float, chars: str, replay: Callable[[], None]) -> None:
        if self._held and self._fast(now):
            self._burst = True
        elif self._held:
            self._give_back()
        self._held.append(_Held(chars, replay))
        self._last_at = now
        self._timer.start(max(1, self.timing.max_gap_ms))

    def _fast(self, now: float) -> bool:
        return (now - self._last_at) * 1000.0 <= self.timing.max_gap_ms

    def _code_length(self) -> int:
        return sum(len(h.text) for h in self._held)

    def _emit(self, now: float) -> None:
        code = unicodedata.normalize("NFKC", "".join(h.text for h in self._held))
        self._reset()
        self.scanned.emit(code, now)

    def _give_back(self) -> None:
        """Held keys were typed by a person: deliver them where they were going."""
        held = self._held
        self._reset()
        self._replaying = True
        try:
            for h in held:
                h.replay()
        finally:
            self._replaying = False

    def _reset(self) -> None:
        self._timer.stop()
        self._held = []
        self._burst = False

    @staticmethod
    def _send(target: QObject | None, event: QEvent) -> None:
        focus = QApplication.focusObject() or target
        if focus is not None:
            QApplication.sendEvent(focus, event)
            if isinstance(event, QKeyEvent):
                release = QKeyEvent(
                    QEvent.Type.KeyRelease, event.key(), event.modifiers(), event.text()
                )
                QApplication.sendEvent(focus, release)
