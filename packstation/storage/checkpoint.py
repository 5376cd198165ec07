"""Copying SQLite's write-ahead log into the database file in the background.

In WAL mode SQLite copies the log back into the database file (a checkpoint, with an
fsync of the file) inside whichever commit pushes the log past `wal_autocheckpoint`
pages. That commit is usually a box's completing scan, which writes the most pages, so
about one completion in fifty took 4 ms instead of 0.6 (benchmarks/bench_scan.py). Here a
thread of the same process checkpoints a few times a second on its own connection;
PASSIVE never waits for or blocks the benches' transactions. The engine's automatic
checkpoint stays on, at a higher threshold, as the fallback if this thread falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

INTERVAL_S = 0.25
FALLBACK_PAGES = 10_000  # `wal_autocheckpoint` of the benches' connections (SQLite: 1000)


class WalCheckpointer:
    """A daemon thread running PASSIVE checkpoints on `path` until `stop()`.

    Each checkpoint opens and closes its own connection: one held open for good would
    stop the last connection of a process that exits from merging and removing the log.
    """

    def __init__(self, path: Path, interval_s: float = INTERVAL_S) -> None:
        self._uri = f"{path.resolve().as_uri()}?mode=rw"  # never create a missing file
        self._interval_s = interval_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"wal-checkpoint {path.name}", daemon=True
        )
        self._warned = False
        self.checkpoints = 0  # completed calls, for tests and diagnostics

    def start(self) -> WalCheckpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval_s):
            self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            conn = sqlite3.connect(self._uri, uri=True, isolation_level=None)
        except sqlite3.Error as exc:  # not there (yet or any more), or no access
            self._failed(exc)
            return
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.Error as exc:
            self._failed(exc)
        finally:
            conn.close()

    def _failed(self, exc: sqlite3.Error) -> None:
        """Said once: the benches' own fallback checkpoint still runs meanwhile."""
        if not self._warned:
            self._warned = True
            log.warning("background WAL checkpoint failed (%s); commits will checkpoint", exc)
