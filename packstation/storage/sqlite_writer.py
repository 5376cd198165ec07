"""Multi-row SQLite INSERTs stored on a helper thread while the caller builds the next batch.

sqlite3 lets go of the GIL while a statement steps, so a batch stored on a helper thread
runs on the second core while the import's Python code (cleaning cells, classifying
addresses, fingerprinting) makes the next one. One multi-row INSERT per batch, not
`executemany`: executemany takes the GIL back after every row, and a thread doing that
beside a busy one waits for it hundreds of thousands of times.

Only the helper touches the connection from `BackgroundInserts(...)` until `close` or
`abandon` returns, and only inside the caller's open transaction: it refuses to write
once that transaction is gone (the connection runs in autocommit mode outside one, and
a stray INSERT would be stored for good). The connection must allow other threads
(SQLAlchemy sets check_same_thread=False for file databases).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

# Rows per statement: as many as SQLite may bind (SQLITE_MAX_VARIABLE_NUMBER: 32,766 by
# default since 3.32, 999 before, more in some builds), up to this. Fewer, bigger
# statements mean fewer waits for the GIL after each one.
ROWS_PER_STATEMENT = 10_000
_DEPTH = 2  # batches waiting: enough to keep the helper busy, little memory held
_POLL_S = 0.1  # how often a blocked caller checks that the helper is still alive

Job = tuple[str, Sequence[Sequence[object]]]


@lru_cache(maxsize=16)
def insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    """`INSERT … VALUES (?, …), …` for `rows` rows (cached: full statements are 100 kB)."""
    row = f"({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"


def parameter_limit(connection: sqlite3.Connection) -> int:
    """How many values one statement may bind on this connection."""
    return connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def rows_per_statement(limit: int, columns: int) -> int:
    """As many rows of `columns` values as `limit` parameters hold, up to ROWS_PER_STATEMENT."""
    return max(1, min(ROWS_PER_STATEMENT, limit // columns))


class BackgroundInserts:
    """`submit(sql, rows)` queues a statement; `stored()` says how many rows went in since.

    `close()` waits for every queued statement and raises the first error the helper met
    (after which it ran nothing more); `abandon()` tells it to skip what is still queued
    and waits for it, raising nothing, and a `close()` after it raises nothing either.
    Either waits through Ctrl-C (re-raised once the helper has stopped), so the caller
    never rolls back while a statement still runs. No `submit` after either.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=_DEPTH)
        self._stored: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._cancelled = False
        self._stopping = False
        # Set by the helper as its very last act. Waited on instead of Thread.join: on
        # Python 3.11 a Ctrl-C inside join() can mark a running thread as finished
        # (python/cpython#90882), and a retried join() then returns at once.
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-inserts", daemon=True)
        self._thread.start()

    def submit(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if self._stopping:
            raise RuntimeError("BackgroundInserts: submit after close or abandon")
        self._put((sql, rows))
        if self._error is not None:
            raise self._error

    def stored(self) -> int:
        """Rows stored since the last call."""
        count = 0
        while True:
            try:
                count += self._stored.get_nowait()
            except queue.Empty:
                return count

    def close(self) -> None:
        self._stop()
        if self._error is not None and not self._cancelled:
            raise self._error

    def abandon(self) -> None:
        self._cancelled = True
        self._stop()

    def _put(self, job: Job | None) -> None:
        """Queue `job`; never blocks for good on a helper that has stopped."""
        while not self._finished.is_set():
            if self._error is not None and job is not None:
                return  # the helper stopped writing: `submit` raises its error
            try:
                self._jobs.put(job, timeout=_POLL_S)
                return
            except queue.Full:
                continue

    def _stop(self) -> None:
        """Send the stop mark and wait for the helper, however many times Ctrl-C comes."""
        interrupted: BaseException | None = None
        while True:
            try:
                if not self._stopping:
                    self._put(None)
                    self._stopping = True
                while not self._finished.wait(_POLL_S):
                    pass
                break
            except KeyboardInterrupt as exc:
                interrupted, self._cancelled = exc, True
        if interrupted is not None:
            raise interrupted

    def _run(self) -> None:
        try:
            self._write_jobs()
        except BaseException as exc:  # whatever stops the helper reaches the caller
            if self._error is None:
                self._error = exc
        finally:
            self._finished.set()

    def _write_jobs(self) -> None:
        cursor: sqlite3.Cursor | None = None
        try:
            cursor = self._connection.cursor()
        except BaseException as exc:  # e.g. a connection bound to its own thread
            self._error = exc
        while (job := self._jobs.get()) is not None:
            if cursor is None or self._error is not None or self._cancelled:
                continue  # drain, so a caller blocked in submit() gets through
            sql, rows = job
            try:
                if not self._connection.in_transaction:
                    raise sqlite3.ProgrammingError("the import's transaction has ended")
                cursor.execute(sql, list(chain.from_iterable(rows)))
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc
            else:
                self._stored.put(len(rows))
        if cursor is not None:
            cursor.close()
