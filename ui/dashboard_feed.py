"""Reads the dashboard on a worker thread, every few seconds, so the window never waits
for the database; at most one read is in flight (a slow read skips ticks, never queues)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from packstation.errors import UserError
from packstation.services.dashboard import Dashboard

DEFAULT_INTERVAL_MS = 5000


class _Reader(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, read: Callable[[], Dashboard]) -> None:
        super().__init__()
        self._read = read

    @Slot()
    def read(self) -> None:
        try:
            self.done.emit(self._read())
        except UserError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # the database went away: shown, retried next tick
            self.failed.emit(UserError(str(exc).splitlines()[0], str(exc).splitlines()[0]))


class DashboardFeed(QObject):
    """`updated(Dashboard)` after each read, `failed(UserError)` when one fails."""

    updated = Signal(object)
    failed = Signal(object)
    _request = Signal()

    def __init__(
        self,
        read: Callable[[], Dashboard],
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._reader = _Reader(read)
        self._reader.moveToThread(self._thread)
        self._request.connect(self._reader.read)
        self._reader.done.connect(self._finished)
        self._reader.failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)
        self.busy = False

    def start(self) -> None:
        self._thread.start()
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()
        self._thread.quit()
        self._thread.wait()

    @Slot()
    def refresh(self) -> None:
        if self.busy or not self._thread.isRunning():
            return
        self.busy = True
        self._request.emit()

    @Slot(object)
    def _finished(self, board: Dashboard) -> None:
        self.busy = False
        self.updated.emit(board)

    @Slot(object)
    def _failed(self, error: UserError) -> None:
        self.busy = False
        self.failed.emit(error)
