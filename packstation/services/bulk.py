"""Bulk reads and writes for imports, inside the caller's transaction.

A 100k-order import through Core `insert()` spent more time building parameter dicts and
processing types per row (and, on SQLite, inserting row by row to get ids back in order)
than the database spent storing them. Here ids are reserved first, so rows go in by one
`executemany` (SQLite) or `COPY` (PostgreSQL) with nothing to read back; lookups of
thousands of keys go to PostgreSQL as one array parameter instead of 500-item IN lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Connection, Table, any_, func, literal, select, text

# One text value back instead of `count` rows: reading 100k rows costs more than drawing them.
BATCH = 5000  # rows per executemany, and per progress report
_NEXTVALS = text(
    "SELECT string_agg(nextval(s.seq)::text, ',') "
    "FROM (SELECT CAST(pg_get_serial_sequence(:t, 'id') AS regclass) AS seq) AS s "
    "CROSS JOIN generate_series(1, :n)"
)


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """Ids for `count` new rows of `table` (integer primary key `id`).

    SQLite: the transaction holds the write lock from its start (BEGIN IMMEDIATE, see
    storage.engine), so max(id)+1… is what SQLite itself would pick and nobody can take
    them meanwhile. PostgreSQL: drawn from the column's own sequence, as its default does.
    """
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        drawn: str = conn.scalar(_NEXTVALS, {"t": table.name, "n": count})
        return [int(i) for i in drawn.split(",")]
    start = (conn.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    stored: Callable[[int], None] | None = None,
) -> None:
    """Insert `rows` (tuples in `columns` order): COPY on PostgreSQL, executemany on SQLite.

    Values must already be what the driver stores: str, int, bool, None, and times from
    `stored_now` (no SQLAlchemy type processing happens here). `rows` may be a generator:
    COPY sends every 32 kB as it fills, so the server stores while the rest is built.
    `stored(n)` is told as every BATCH rows go to the database, and of the rest at the end.
    """
    if isinstance(rows, Sequence) and not rows:
        return  # not even an empty COPY's round trip
    names = ", ".join(columns)

    def tell(count: int) -> None:
        if stored and count:
            stored(count)

    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None
        sent = 0
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                sent += 1
                if not sent % BATCH:
                    tell(BATCH)
        tell(sent % BATCH)  # the COPY has finished: the rest is stored too
        return
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    pending = iter(rows)
    while batch := list(islice(pending, BATCH)):
        conn.exec_driver_sql(sql, batch)
        tell(len(batch))


def stored_now(conn: Connection, column: ColumnElement[datetime]) -> object:
    """The current time as the dialect stores `column` (SQLite: text), processed once."""
    now = datetime.now(UTC)
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(now) if process else now


IN_LIST = 500  # SQLite: well under its bound-parameter limit
ARRAY_BATCH = 20_000  # PostgreSQL: one array parameter per query


def matching(
    conn: Connection, column: ColumnElement[Any], values: Sequence[object]
) -> Iterator[ColumnElement[bool]]:
    """WHERE clauses that together select the rows whose `column` is in `values`."""
    if conn.dialect.name == "postgresql":
        array_type = ARRAY(column.type)
        for start in range(0, len(values), ARRAY_BATCH):
            batch = list(values[start : start + ARRAY_BATCH])
            yield column == any_(literal(batch, array_type))
        return
    for start in range(0, len(values), IN_LIST):
        yield column.in_(values[start : start + IN_LIST])
