"""A database that fails under a command (server down, file locked, no access), as the
user's error: the driver's exception classes stay in storage."""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError

from packstation.errors import ErrorCode, UserError


def database_failure(exc: BaseException) -> UserError | None:
    """The UserError a database failure means to a user (`database_busy` for a SQLite
    file another writer held past the timeout, else `database_unreachable` with the
    driver's first line); None when `exc` is no such failure (a bug: let it show)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    reason = str(exc.orig or exc).strip().splitlines()[0]
    if "database is locked" in reason:
        return UserError(ErrorCode.DATABASE_BUSY)
    return UserError(ErrorCode.DATABASE_UNREACHABLE, reason=reason)
