"""Bulk reads and writes for imports, inside the caller's transaction.

A 100k-order import through Core `insert()` spent more time building parameter dicts and
processing types per row (and, on SQLite, inserting row by row to get ids back in order)
than the database spent storing them. Here ids are reserved first, so rows go in by
multi-row INSERTs (SQLite; for an import, stored on a helper thread while the next batch
is built, see storage.sqlite_writer) or `COPY` (PostgreSQL) with nothing to read back;
lookups of thousands of keys go as one array (PostgreSQL) or JSON (SQLite) parameter.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain, islice
from types import TracebackType
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

from packstation.storage.sqlite_writer import (
    BackgroundInserts,
    insert_sql,
    parameter_limit,
    rows_per_statement,
)

# One text value back instead of `count` rows: reading 100k rows costs more than drawing them.
BATCH = 5000  # rows per COPY progress report
_NEXTVALS = text(
    "SELECT string_agg(nextval(s.seq)::text, ',') "
    "FROM (SELECT CAST(pg_get_serial_sequence(:t, 'id') AS regclass) AS seq) AS s "
    "CROSS JOIN generate_series(1, :n)"
)


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """Ids for `count` new rows of `table` (integer primary key `id`); see IdSource."""
    return IdSource(conn, table).take(count)


class IdSource:
    """Ids for new rows of `table` (integer primary key `id`), drawn as they are needed.

    SQLite: the transaction holds the write lock from its start (BEGIN IMMEDIATE, see
    storage.engine), so max(id)+1… is what SQLite itself would pick and nobody can take
    them meanwhile; max(id) is read once, so later draws need the connection no more (a
    helper thread may be writing on it). PostgreSQL: drawn from the column's own
    sequence, as its default does, one round trip per draw.
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


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    stored: Callable[[int], None] | None = None,
) -> None:
    """Insert `rows` (tuples in `columns` order) in one go; see BulkWriter."""
    with BulkWriter(conn, stored) as writer:
        writer.insert(table, columns, rows)


class BulkWriter:
    """Inserts for one transaction: COPY on PostgreSQL, multi-row INSERTs on SQLite.

    Values must already be what the driver stores: str, int, bool, None, and times from
    `stored_now` (no SQLAlchemy type processing happens here). `rows` may be a generator,
    and rows are stored while the rest are built: COPY sends every 32 kB as it fills. On
    SQLite with `background`, a helper thread stores each statement (storage.sqlite_writer)
    while the caller builds the next: the caller must then leave the
    connection alone until `close` or `abandon`, and the connection must allow other
    threads (a SQLite file through SQLAlchemy does). Statements run in the order given,
    so lines inserted after their orders find them. `stored(n)` is told, on the caller's
    thread, of rows stored. Leaving the block waits for every row and raises the first
    error, as the driver raised it (sqlite3 / psycopg).
    """

    def __init__(
        self,
        conn: Connection,
        stored: Callable[[int], None] | None = None,
        *,
        background: bool = False,
    ) -> None:
        self._conn = conn
        self._stored = stored
        self._background = background and conn.dialect.name == "sqlite"
        self._helper: BackgroundInserts | None = None
        self._limit = 0  # SQLite's parameter limit, read before any helper runs
        if conn.dialect.name == "sqlite":
            self._limit = parameter_limit(self._sqlite())

    def insert(
        self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> None:
        if isinstance(rows, Sequence) and not rows:
            return  # not even an empty COPY's round trip
        if self._conn.dialect.name == "postgresql":
            self._copy(table.name, columns, rows)
        else:
            self._insert_sqlite(table.name, tuple(columns), iter(rows))

    def close(self) -> None:
        """Wait until every row is stored; raise the helper's error, if it met one.

        No inserts after `close` or `abandon`."""
        if self._helper is not None:
            self._helper.close()
            self._tell(self._helper.stored())

    def abandon(self) -> None:
        """Wait until the helper has stopped, raising nothing: the caller will roll back."""
        if self._helper is not None:
            self._helper.abandon()

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            self.close()
        else:
            self.abandon()  # the caller's error wins

    def _tell(self, count: int) -> None:
        if self._stored and count:
            self._stored(count)

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        driver = self._conn.connection.driver_connection
        assert driver is not None
        sent = 0
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                sent += 1
                if not sent % BATCH:
                    self._tell(BATCH)
        self._tell(sent % BATCH)  # the COPY has finished: the rest is stored too

    def _insert_sqlite(
        self, table: str, columns: tuple[str, ...], rows: Iterator[Sequence[object]]
    ) -> None:
        driver = self._sqlite()
        per = rows_per_statement(self._limit, len(columns))
        while batch := list(islice(rows, per)):
            sql = insert_sql(table, columns, len(batch))
            if not self._background:
                driver.execute(sql, tuple(chain.from_iterable(batch)))
                self._tell(len(batch))
                continue
            if self._helper is None:
                self._helper = BackgroundInserts(driver)
            self._helper.submit(sql, batch)
            self._tell(self._helper.stored())

    def _sqlite(self) -> sqlite3.Connection:
        driver = self._conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return driver


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
