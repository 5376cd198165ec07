"""One progress bar and one Cancel button for a whole import.

Files are read, then stored, one after the other. Each file's (estimated) rows count
twice: once as they are read, and once more as the file is stored, in proportion to the
orders stored. The bar only ever moves forward. Every time it moves, a cancelled import
stops (ImportCancelledError): the file under way is rolled back, so nothing of it is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from packstation.errors import UserError

# progress(done, total, skipped): rows handled of the estimated total, and the rows left
# out on purpose so far (unpaid orders, see ImportSummary.skipped).
Progress = Callable[[int, int, int], None]


class CancelToken:
    """Set from any thread (the GUI's Cancel button); the import stops at its next step."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class ImportCancelledError(UserError):
    """The import was cancelled; the file under way was rolled back."""

    def __init__(self, stored: list[str]) -> None:
        before_zh = f"（此前的文件已导入：{'、'.join(stored)}）" if stored else ""
        before_en = f" (the files before it were imported: {', '.join(stored)})" if stored else ""
        super().__init__(
            f"导入已取消，正在导入的文件未做任何更改{before_zh}。",
            f"Import cancelled; the file under way changed nothing{before_en}.",
        )
        self.stored = stored


class ImportProgress:
    """`reading` takes the parsers' (rows read, rows in all files); `storing` a file's
    (done, total) after `start_file`; `file_done` closes a file, `finish` the import at
    (total, total)."""

    def __init__(self, callback: Progress | None, cancel: CancelToken | None = None) -> None:
        self._callback = callback
        self._cancel = cancel
        self.size(1)
        self._read = 0
        self._stored_files = 0  # estimated rows of the files already stored
        self._file_rows = 0
        self._file_part = 0
        self._told = -1
        self.skipped = 0

    def size(self, rows: int) -> None:
        """All files' estimated rows (known once they are opened, before any is parsed)."""
        self._rows = max(rows, 1)
        self.total = 2 * self._rows

    def check(self) -> None:
        """Raise ImportCancelledError (with no file named: the caller adds them) if cancelled."""
        if self._cancel is not None and self._cancel.cancelled:
            raise ImportCancelledError([])

    def reading(self, done: int, total: int) -> None:
        self._read = min(done, total) * self._rows // max(total, 1)
        self._tell()

    def start_file(self, rows: int) -> None:
        self._file_rows, self._file_part = rows, 0

    def add_skipped(self, count: int) -> None:
        self.skipped += count
        self._tell(force=count > 0)

    def storing(self, done: int, total: int) -> None:
        self._file_part = self._file_rows * min(done, total) // max(total, 1)
        self._tell()

    def file_done(self) -> None:
        self._stored_files += self._file_rows
        self._file_rows = self._file_part = 0
        self._tell()

    def finish(self) -> None:
        if self._callback is not None:
            self._callback(self.total, self.total, self.skipped)

    def _tell(self, force: bool = False) -> None:
        self.check()
        done = min(self._read + self._stored_files + self._file_part, self.total - 1)
        if self._callback is not None and (done > self._told or force):
            self._told = max(done, self._told)
            self._callback(self._told, self.total, self.skipped)
