"""SQLite's write-ahead log is copied into the database file in the background, not inside
a bench's commit (storage.checkpoint)."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from packstation.bootstrap import open_database
from packstation.storage.checkpoint import FALLBACK_PAGES, WalCheckpointer
from packstation.storage.database import Database


def _wait_for(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_committed_rows_reach_the_database_file_without_a_checkpoint_in_any_commit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bench.db"
    open_database(f"sqlite:///{path}").dispose()
    db = Database.from_url(f"sqlite:///{path}")
    try:
        with db.transaction() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == FALLBACK_PAGES
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (:n)"), [{"n": n} for n in range(500)])
        checkpointer = db._checkpointer
        assert checkpointer is not None
        seen = checkpointer.checkpoints
        _wait_for(lambda: checkpointer.checkpoints >= seen + 2)
        # The main file alone, as a copy without its -wal, already holds the rows.
        alone = tmp_path / "copy.db"
        shutil.copy(path, alone)
        with sqlite3.connect(alone) as copy:
            assert copy.execute("SELECT count(*) FROM t").fetchone() == (500,)
    finally:
        db.dispose()
    assert not checkpointer._thread.is_alive()


def test_a_missing_database_file_is_never_created_by_the_checkpointer(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    checkpointer = WalCheckpointer(path, interval_s=0.01).start()
    try:
        time.sleep(0.2)
        assert not path.exists() and checkpointer.checkpoints == 0
    finally:
        checkpointer.stop()


def test_memory_and_postgresql_databases_need_no_checkpointer(db: Database) -> None:
    memory = Database.from_url("sqlite://")
    try:
        assert memory._checkpointer is None
    finally:
        memory.dispose()
    if db.dialect == "postgresql":
        assert db._checkpointer is None
