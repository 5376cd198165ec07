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

import sqlite3
import threading
from pathlib import Path

INTERVAL_S = 0.25
FALLBACK_PAGES = 10_000  # `wal_autocheckpoint` of every connection (SQLite's default: 1000)


class WalCheckpointer:
    """A daemon thread running PASSIVE checkpoints on `path` until `stop()`."""

    def __init__(self, path: Path, interval_s: float = INTERVAL_S) -> None:
        self._uri = f"{path.resolve().as_uri()}?mode=rw"  # never create a missing file
        self._interval_s = interval_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"wal-checkpoint {path.name}", daemon=True
        )
        self.checkpoints = 0  # completed calls, for tests and diagnostics

    def start(self) -> WalCheckpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while not self._stopped.wait(self._interval_s):
                try:
                    if conn is None:
                        conn = sqlite3.connect(
                            self._uri, uri=True, isolation_level=None, check_same_thread=False
                        )
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error:
                    # Busy, or the file is not there (yet or any more): the benches' own
                    # fallback checkpoint still runs; try again next time.
                    if conn is not None:
                        conn.close()
                    conn = None
        finally:
            if conn is not None:
                conn.close()
