"""Engines for the two supported databases, configured for durability.

SQLite: WAL + synchronous=FULL, so a committed scan survives a power cut, and
BEGIN IMMEDIATE so two processes never fail a read-to-write upgrade mid-transaction.
The log is copied back into the file in the background (storage.checkpoint, started by
storage.database), so the automatic checkpoint inside a commit is only a fallback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from packstation.errors import UserError

ENV_VAR = "PACKSTATION_DB"


def default_url() -> str:
    """`$PACKSTATION_DB`, else a SQLite file in the user data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    path = user_data_path("PackStation", appauthor=False, ensure_exists=True) / "packstation.db"
    return f"sqlite:///{path}"


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = normalise_url(url or default_url())
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    # No pool_pre_ping: it costs a round trip on every scan (a third of a unit scan's wait
    # on local PostgreSQL). A connection the server dropped fails its next transaction
    # before anything is acknowledged; SQLAlchemy then replaces the pool's connections.
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(url, **kwargs)


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` and route it to psycopg 3; reject what is not a URL."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise UserError(f"数据库地址无效：{url}", f"invalid database URL: {url}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return parsed.render_as_string(hide_password=False)


# How long a SQLite writer waits for another's transaction before giving up (a bench's
# scan takes milliseconds, an import of 100k orders about 3 s).
BUSY_TIMEOUT_MS = 10_000


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Straight to the driver (a full SQLAlchemy execution here cost ~70 µs a scan),
        # with its errors raised as SQLAlchemy would (a locked file is OperationalError).
        try:
            conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise DBAPIError.instance("BEGIN IMMEDIATE", (), exc, sqlite3.Error) from exc

    return engine
