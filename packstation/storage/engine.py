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
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError

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
    return _create(url, **kwargs)


def _create(url: str, **kwargs: Any) -> Engine:
    """create_engine, with a database this build cannot talk to as a UserError."""
    try:
        return create_engine(url, **kwargs)
    except (ImportError, NoSuchModuleError) as exc:
        scheme = url.split(":", 1)[0]
        raise UserError(
            f"不支持的数据库或未安装其驱动：{scheme}（支持 sqlite 和 postgresql）",
            f"unsupported database or its driver is not installed: {scheme} "
            "(sqlite and postgresql are supported)",
        ) from exc


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` and route it to psycopg 3; reject what is not a URL,
    and a SQLite file in a folder that does not exist (a typo must not quietly start an
    empty database somewhere new)."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise UserError(f"数据库地址无效：{url}", f"invalid database URL: {url}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    folder = _sqlite_folder(parsed)
    if folder is not None and not folder.is_dir():
        raise UserError(
            f"数据库文件夹不存在：{folder}",
            f"the folder of the database file does not exist: {folder}",
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_folder(parsed: URL) -> Path | None:
    """The folder a SQLite file URL puts its file in; None for memory and `file:` URIs
    (SQLite resolves those itself)."""
    database = parsed.database or ""
    uri = database.startswith("file:") or parsed.query.get("uri") is not None
    if not parsed.drivername.startswith("sqlite") or database in ("", ":memory:") or uri:
        return None
    return Path(database).expanduser().parent


# How long a SQLite writer waits for another's transaction before giving up (a bench's
# scan takes milliseconds, an import of 100k orders about 3 s).
BUSY_TIMEOUT_MS = 10_000


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    engine = _create(url, **kwargs)

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
