"""The one handle services get: an engine plus an ORM session factory, no globals."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from packstation.storage.checkpoint import FALLBACK_PAGES, WalCheckpointer
from packstation.storage.engine import make_engine


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._checkpointer = _checkpointer_for(engine)
        if self._checkpointer is not None:  # also when the owner never calls dispose()
            weakref.finalize(self, self._checkpointer.stop)

    @classmethod
    def from_url(cls, url: str | None = None) -> Database:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM unit of work: commits on success, rolls back on any exception."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core transaction for hot paths (scans): fewer objects, same guarantees."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def side_reader(self) -> Iterator[Connection | None]:
        """A second connection to a SQLite file for reads that must not take the write lock
        (the app's transactions BEGIN IMMEDIATE); None for other databases.

        Its SELECTs run in autocommit on a plain engine and, in WAL mode, neither wait for
        nor block a writer (the dashboard's refresh beside the benches' scans).
        """
        if _sqlite_file(self.engine) is None:
            yield None
            return
        engine = create_engine(self.engine.url)
        try:
            with engine.connect() as connection:
                wal = connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                yield connection if wal else None
        finally:
            engine.dispose()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database given by path; None for PostgreSQL, memory and
    `file:` URI databases (their files are not plain paths)."""
    database = engine.url.database or ""
    uri = database.startswith("file:") or engine.url.query.get("uri") is not None
    if engine.dialect.name != "sqlite" or database in ("", ":memory:") or uri:
        return None
    return Path(database)


def _checkpointer_for(engine: Engine) -> WalCheckpointer | None:
    """A background checkpointer for a SQLite file, which then lets the log grow to
    FALLBACK_PAGES before a commit checkpoints it itself."""
    path = _sqlite_file(engine)
    if path is None:
        return None
    event.listen(engine, "connect", _raise_fallback_threshold)
    return WalCheckpointer(path).start()


def _raise_fallback_threshold(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}")
