"""The one handle services get: an engine plus an ORM session factory, no globals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from packstation.storage.checkpoint import WalCheckpointer
from packstation.storage.engine import make_engine


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._checkpointer = _checkpointer_for(engine)

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

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


def _checkpointer_for(engine: Engine) -> WalCheckpointer | None:
    """A background checkpointer for a SQLite file (none for memory or PostgreSQL)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    return WalCheckpointer(Path(database)).start()
