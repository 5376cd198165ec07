"""Core statements run straight on the transaction's DB-API connection, for the scan path.

A bench waits for every scan. Through `Connection.execute` a statement costs SQLAlchemy
≈30–45 µs of Python before SQLite spends 2–6 µs on it, so the few statements every scan
runs go to the driver directly: still written with Core and compiled by SQLAlchemy once
per dialect, with each column type's bind processor applied, so the SQL and the stored
values are what `execute` would have produced. Results come back as plain tuples, so use
this only where no result processing is needed (strings, integers, NULL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    positions: tuple[str, ...] | None  # parameter order for positional drivers (SQLite)
    defaults: Mapping[str, Any]  # values bound in the statement itself ('open', …)
    processors: Mapping[str, Callable[[Any], Any]]


class DriverStatement:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement  # the Core statement, to build larger ones from
        self._prepared: dict[str, _Prepared] = {}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run it in `conn`'s transaction and return every row."""
        return self._run(conn, params, fetch=True)

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run it in `conn`'s transaction; the number of rows it changed."""
        return self._run(conn, params, fetch=False)

    def _run(self, conn: Connection, params: Mapping[str, Any], *, fetch: bool) -> Any:
        prepared = self._prepared.get(conn.dialect.name) or self._prepare(conn.dialect)
        values = {**prepared.defaults, **params}
        for name, process in prepared.processors.items():
            values[name] = process(values[name])
        args: Sequence[Any] | Mapping[str, Any] = (
            tuple(values[name] for name in prepared.positions)
            if prepared.positions is not None
            else values
        )
        driver = conn.connection.driver_connection
        assert driver is not None
        cursor = driver.cursor()
        try:
            cursor.execute(prepared.sql, args)
            return cursor.fetchall() if fetch else cursor.rowcount
        except conn.dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy would raise it
            raise DBAPIError.instance(
                prepared.sql, args, exc, conn.dialect.loaded_dbapi.Error
            ) from exc
        finally:
            cursor.close()

    def _prepare(self, dialect: Dialect) -> _Prepared:
        compiled = self.statement.compile(dialect=dialect)
        processors = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        prepared = _Prepared(
            sql=compiled.string,
            positions=positions,
            defaults={
                name: bind.effective_value
                for name, bind in compiled.binds.items()
                if not bind.required
            },
            processors=processors,
        )
        self._prepared[dialect.name] = prepared
        return prepared
