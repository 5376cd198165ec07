"""SQLite's write-ahead log is copied into the database file in the background, not inside
a bench's commit (storage.checkpoint)."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
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


def test_memory_uri_and_postgresql_databases_need_no_checkpointer(
    db: Database, tmp_path: Path
) -> None:
    for url in ("sqlite://", f"sqlite:///file:{tmp_path / 'u.db'}?mode=rwc&uri=true"):
        other = Database.from_url(url)
        try:
            assert other._checkpointer is None
        finally:
            other.dispose()
    if db.dialect == "postgresql":
        assert db._checkpointer is None


def test_a_database_dropped_without_dispose_stops_its_thread(tmp_path: Path) -> None:
    path = tmp_path / "dropped.db"
    open_database(f"sqlite:///{path}").dispose()
    db = Database.from_url(f"sqlite:///{path}")
    checkpointer = db._checkpointer
    assert checkpointer is not None and checkpointer._thread.is_alive()
    del db
    gc.collect()
    _wait_for(lambda: not checkpointer._thread.is_alive())


def test_a_finished_command_leaves_the_whole_database_in_its_file(tmp_path: Path) -> None:
    """A backup that copies only the .db file after a command must hold what it did."""
    path = tmp_path / "cli.db"
    data = Path(__file__).resolve().parents[1] / "data" / "orders_generic.csv"
    env = {**os.environ, "PACKSTATION_DB": f"sqlite:///{path}"}
    done = subprocess.run(
        [sys.executable, "-m", "packstation", "import", str(data), "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    alone = tmp_path / "copy.db"
    shutil.copy(path, alone)
    with sqlite3.connect(alone) as copy:
        assert copy.execute("SELECT count(*) FROM orders").fetchone()[0] > 0
