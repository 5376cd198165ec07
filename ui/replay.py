"""`gui --replay FILE`: a scan script typed through the real input path.

Each code is sent as key events at scanner speed to whatever has focus, so it passes the
application-wide scanner capture exactly as a USB scanner's burst would; one JSON line
per code (`{"code", "verdict"}`) is printed when its answer is on screen.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from packstation.ui.bench_controller import ScanReport
from packstation.ui.packer_window import PackerWindow
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from packstation.errors import UserError

KEY_DELAY_MS = 2  # a scanner's pace
NO_ANSWER_MS = 20_000


def read_script(path: Path) -> list[str]:
    """Codes, one per line; `#` starts a comment; blank lines skipped."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise UserError(
            f"无法读取回放文件 {path}：{exc.strerror}", f"cannot read replay file {path}: {exc}"
        ) from exc
    codes = []
    for line in lines:
        code = line.split("#", 1)[0].strip()
        if code:
            codes.append(code)
    return codes


def type_code(target: QWidget, code: str, delay_ms: int = KEY_DELAY_MS) -> None:
    """Type `code` and Enter into `target` as key events, `delay_ms` apart."""
    for ch in code:
        QTest.keyClick(target, ch, Qt.KeyboardModifier.NoModifier, delay_ms)
    QTest.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, delay_ms)


def verdict_name(shown: object) -> str:
    if isinstance(shown, ScanReport):
        return "extra_unit" if shown.extra_of else shown.last.verdict.value
    return str(shown)


class Replay(QObject):
    """Feeds `codes` one by one, `interval_s` apart; calls `finished` after the last."""

    def __init__(
        self,
        window: PackerWindow,
        codes: list[str],
        interval_s: float,
        finished: Callable[[], None],
        out: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.codes = list(codes)
        self.interval_ms = max(0, int(interval_s * 1000))
        self.finished = finished
        self.out = out or _print_line
        self._current: str | None = None
        window.verdict_shown.connect(self._shown)

    def start(self) -> None:
        QTimer.singleShot(self.interval_ms, self._next)

    def _next(self) -> None:
        if self.window.controller.pending:  # the last code's work is still being answered
            QTimer.singleShot(20, self._next)
            return
        if not self.codes:
            self.finished()
            return
        self._current = self.codes.pop(0)
        target = QApplication.focusWidget() or self.window
        type_code(target, self._current)
        code = self._current
        QTimer.singleShot(NO_ANSWER_MS, lambda: self._no_answer(code))

    def _no_answer(self, code: str) -> None:
        if self._current == code:  # never answered: say so and go on
            self._shown("no_answer")

    def _shown(self, shown: object) -> None:
        if self._current is None:
            return
        code, self._current = self._current, None
        self.out(json.dumps({"code": code, "verdict": verdict_name(shown)}, ensure_ascii=False))
        QTimer.singleShot(self.interval_ms, self._next)


def _print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
