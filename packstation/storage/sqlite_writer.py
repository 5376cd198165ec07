"""Multi-row SQLite INSERTs stored on a helper thread while the caller builds the next batch.

sqlite3 lets go of the GIL while a statement steps, so a batch stored on a helper thread
runs on the second core while the import's Python code (cleaning cells, classifying
addresses, fingerprinting) makes the next one. One multi-row INSERT per batch, not
`executemany`: executemany takes the GIL back after every row, and a thread doing that
beside a busy one waits for it hundreds of thousands of times.

Only the helper thread touches the connection until `close` returns; the caller's
transaction is the helper's transaction.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Sequence
from itertools import chain
from types import TracebackType

# Rows per statement: as many as SQLite may bind (32,766 parameters; 999 before 3.32),
# up to this. Fewer, bigger statements mean fewer waits for the GIL after each one.
ROWS_PER_STATEMENT = 10_000
_DEPTH = 2  # batches waiting: enough to keep the helper busy, little memory held

Job = tuple[str, Sequence[Sequence[object]]]


def insert_sql(table: str, columns: Sequence[str], rows: int) -> str:
    row = f"({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"


def rows_per_statement(connection: sqlite3.Connection, columns: int) -> int:
    """As many rows of `columns` values as one statement may bind, up to ROWS_PER_STATEMENT."""
    limit = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(ROWS_PER_STATEMENT, limit // columns))


class BackgroundInserts:
    """`submit(sql, rows)` queues a statement; `stored()` says how many rows went in since.

    Use as a context manager: leaving it waits for every queued statement and raises the
    first error the helper met (after which it runs nothing more), so the caller can roll
    back knowing nothing is still being written.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=_DEPTH)
        self._stored: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sqlite-inserts", daemon=True)
        self._thread.start()

    def submit(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if self._error is not None:
            raise self._error
        self._jobs.put((sql, rows))

    def stored(self) -> int:
        """Rows stored since the last call."""
        count = 0
        while True:
            try:
                count += self._stored.get_nowait()
            except queue.Empty:
                return count

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> BackgroundInserts:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            self.close()
        else:
            self.abandon()  # the caller's own error wins

    def abandon(self) -> None:
        """Let the helper finish what it has, raising nothing: the caller rolls back."""
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        cursor = self._connection.cursor()
        try:
            while (job := self._jobs.get()) is not None:
                if self._error is not None:
                    continue  # drain, so a caller blocked in submit() gets through
                sql, rows = job
                try:
                    cursor.execute(sql, list(chain.from_iterable(rows)))
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc
                else:
                    self._stored.put(len(rows))
        finally:
            cursor.close()
