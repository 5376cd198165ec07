"""Bulk reads and writes for imports, inside the caller's transaction.

A 100k-order import through Core `insert()` spent more time building parameter dicts and
processing types per row (and, on SQLite, inserting row by row to get ids back in order)
than the database spent storing them. Here ids are reserved first, so rows go in with
nothing to read back: multi-row INSERTs on SQLite, `COPY` on PostgreSQL. Lookups of
thousands of keys go as one array (PostgreSQL) or JSON (SQLite) parameter.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain, islice
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Table,
    any_,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import QueryableAttribute

# Rows per SQLite statement, at most: as many as it may bind (SQLITE_MAX_VARIABLE_NUMBER,
# 32,766 by default since 3.32, 999 before) allow, up to this.
ROWS_PER_STATEMENT = 2000
# One text value back instead of `count` rows: reading 100k rows costs more than drawing them.
_NEXTVALS = text(
    "SELECT string_agg(nextval(s.seq)::text, ',') "
    "FROM (SELECT CAST(pg_get_serial_sequence(:t, 'id') AS regclass) AS seq) AS s "
    "CROSS JOIN generate_series(1, :n)"
)


class IdSource:
    """Ids for new rows of `table` (integer primary key `id`), drawn as they are needed.

    SQLite: the transaction holds the write lock from its start (BEGIN IMMEDIATE, see
    storage.engine), so max(id)+1… is what SQLite itself would pick and nobody can take
    them meanwhile. PostgreSQL: drawn from the column's own sequence, as its default does.
    """

    def __init__(self, conn: Connection, table: Table) -> None:
        self._conn = conn
        self._table = table
        self._next: int | None = None
        if conn.dialect.name != "postgresql":
            self._next = (conn.scalar(select(func.max(table.c.id))) or 0) + 1

    def take(self, count: int) -> list[int]:
        if count <= 0:
            return []
        if self._next is None:
            drawn: str = self._conn.scalar(_NEXTVALS, {"t": self._table.name, "n": count})
            return [int(i) for i in drawn.split(",")]
        start, self._next = self._next, self._next + count
        return list(range(start, start + count))


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """Ids for `count` new rows of `table`; see IdSource."""
    return IdSource(conn, table).take(count)


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Insert `rows` (tuples in `columns` order): COPY on PostgreSQL, multi-row INSERTs
    on SQLite.

    Values must already be what the driver stores: str, int, bool, None, and times from
    `stored_now` (no SQLAlchemy type processing happens here).
    """
    if isinstance(rows, Sequence) and not rows:
        return  # not even an empty COPY's round trip
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    assert isinstance(driver, sqlite3.Connection)
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
    remaining = iter(rows)
    cursor = driver.cursor()
    try:
        while batch := list(islice(remaining, per)):
            sql = _insert_sql(table.name, tuple(columns), len(batch))
            cursor.execute(sql, tuple(chain.from_iterable(batch)))
    finally:
        cursor.close()


@lru_cache(maxsize=16)
def _insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    """`INSERT … VALUES (?, …), …` for `rows` rows (cached: the statements are long)."""
    row = f"({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"


def stored_now(conn: Connection, column: ColumnElement[datetime]) -> object:
    """The current time as the dialect stores `column` (SQLite: text), processed once."""
    now = datetime.now(UTC)
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(now) if process else now


ARRAY_BATCH = 20_000  # PostgreSQL: one array parameter per query
JSON_BATCH = 20_000  # SQLite: one JSON array parameter per query


def matching(
    conn: Connection, column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[object]
) -> Iterator[ColumnElement[bool]]:
    """WHERE clauses that together select the rows whose `column` is in `values`.

    One parameter per query, not an IN list of hundreds: PostgreSQL gets an array,
    SQLite a JSON array it unpacks with json_each (its IN lists cap at 999 values on
    older builds, and building and sending them cost more than the lookups).
    """
    if conn.dialect.name == "postgresql":
        array_type = ARRAY(column.type)
        for start in range(0, len(values), ARRAY_BATCH):
            batch = list(values[start : start + ARRAY_BATCH])
            yield column == any_(literal(batch, array_type))
        return
    for start in range(0, len(values), JSON_BATCH):
        packed = json.dumps(list(values[start : start + JSON_BATCH]))
        yield column.in_(
            select(literal_column("value")).select_from(func.json_each(packed)).scalar_subquery()
        )
