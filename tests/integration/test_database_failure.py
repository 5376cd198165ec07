"""A failing database is one line a user can act on (storage/failures.py, used by the CLI's
`main`): busy for a SQLite file another writer holds, unreachable for a server that is not
there; anything else is a bug and is raised as it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from packstation.cli import main
from packstation.errors import ErrorCode
from packstation.storage.failures import database_failure


def test_a_sqlite_file_another_writer_holds_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(Exception) as raised, engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        holder.close()
        engine.dispose()
    failure = database_failure(raised.value)
    assert failure is not None and failure.code is ErrorCode.DATABASE_BUSY


def test_a_server_that_is_not_there_is_unreachable_and_a_bug_is_no_failure() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(Exception) as raised, engine.connect():
        pass
    failure = database_failure(raised.value)
    assert failure is not None and failure.code is ErrorCode.DATABASE_UNREACHABLE
    assert "127.0.0.1" in str(failure.params["reason"])
    assert database_failure(ValueError("a bug")) is None


def test_the_cli_says_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "en", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "stats"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("packstation: cannot reach the database") and err.count("\n") == 1
