"""One progress bar for a whole import, so it only ever moves forward.

Reading and storing take turns and overlap: files are parsed one after another, each is
stored in its own transaction, and a Taobao pair is mostly stored while it is still
read. Each file's (estimated) rows therefore count twice: once as they are read, and
once more as the file is stored, in proportion to the rows its store has written.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


class ImportProgress:
    """`reading` takes the parsers' (rows read, rows in all files); `storing` a file's
    (done, total) after `start_file`; `file_done` closes a file, `finish` the import at
    (total, total)."""

    def __init__(self, callback: Progress | None) -> None:
        self._callback = callback
        self.size(1)
        self._read = 0
        self._stored_files = 0  # estimated rows of the files already stored
        self._file_rows = 0
        self._file_part = 0
        self._told = -1

    def size(self, rows: int) -> None:
        """All files' estimated rows (known once they are opened, before any is parsed)."""
        self._rows = max(rows, 1)
        self.total = 2 * self._rows

    def reading(self, done: int, total: int) -> None:
        self._read = min(done, total) * self._rows // max(total, 1)
        self._tell()

    def start_file(self, rows: int) -> None:
        self._file_rows, self._file_part = rows, 0

    def storing(self, done: int, total: int) -> None:
        self._file_part = self._file_rows * min(done, total) // max(total, 1)
        self._tell()

    def file_done(self) -> None:
        self._stored_files += self._file_rows
        self._file_rows = self._file_part = 0
        self._tell()

    def finish(self) -> None:
        if self._callback is not None:
            self._callback(self.total, self.total)

    def _tell(self) -> None:
        done = min(self._read + self._stored_files + self._file_part, self.total - 1)
        if self._callback is not None and done > self._told:
            self._told = done
            self._callback(done, self.total)
