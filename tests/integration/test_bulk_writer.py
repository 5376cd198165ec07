"""bulk_insert: the import's inserts, on real SQLite files (multi-row INSERTs) and
PostgreSQL (COPY).

What must hold: every row stored once, in the order given (lines find the orders
inserted just before them), statements that fit SQLite's parameter limit, and a failure
leaving nothing behind once the transaction rolls back.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.errors import UniqueViolation
from sqlalchemy import func, select

from packstation.bootstrap import classifier
from packstation.importers.records import ParsedFile
from packstation.services import bulk
from packstation.services.bulk import bulk_insert, reserve_ids, stored_now
from packstation.services.importing import import_parsed
from packstation.services.order_store import LINES, ORDERS
from packstation.storage.database import Database
from packstation.storage.schema import upgrade
from packstation.storage.tables import Order, OrderLine
from tests.factories import MUG, TEE, order

ORDER_COLUMNS = (
    "id", "order_no", "platform", "platform_order_no", "status", "recipient", "phone",
    "address", "province", "city", "district", "priority", "address_ambiguous", "carrier",
    "waybill_no", "remarks", "version", "fingerprint", "imported_at", "updated_at",
)  # fmt: skip
LINE_COLUMNS = ("order_id", "sku", "title", "quantity")
CHUNK = 2500


def _orders(ids: list[int], now: object, prefix: str = "B") -> Iterator[tuple[object, ...]]:
    for oid in ids:
        yield (
            oid, f"{prefix}{oid:08d}", "generic", f"{prefix}{oid:08d}", "paid", "张三",
            "13800000000", f"杭州市西湖区文三路{oid}号", "浙江省", "杭州市", "西湖区",
            "hangzhou", False, "", "", "", 1, "0" * 64, now, now,
        )  # fmt: skip


def _lines(ids: list[int]) -> Iterator[tuple[object, ...]]:
    for oid in ids:
        for n in range(1, oid % 3 + 2):  # 1 to 3 lines an order
            yield (oid, f"SKU-{n}", f"商品 {n}", n)


def _counts(db: Database) -> tuple[int, int]:
    with db.transaction() as conn:
        orders = conn.scalar(select(func.count()).select_from(Order))
        lines = conn.scalar(select(func.count()).select_from(OrderLine))
    return orders or 0, lines or 0


@pytest.fixture
def small_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Statements of 1,000 rows, so these tests' rows take several."""
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 1_000)


@pytest.mark.usefixtures("small_statements")
def test_chunks_of_orders_then_their_lines_are_all_stored(db: Database) -> None:
    with db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 10_000)
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            bulk_insert(conn, ORDERS, ORDER_COLUMNS, _orders(part, now))
            bulk_insert(conn, LINES, LINE_COLUMNS, _lines(part))
    expected_lines = sum(oid % 3 + 1 for oid in ids)
    assert _counts(db) == (10_000, expected_lines)
    with db.transaction() as conn:
        last = conn.execute(select(Order.order_no, Order.address).where(Order.id == ids[-1]))
        assert last.one() == (f"B{ids[-1]:08d}", f"杭州市西湖区文三路{ids[-1]}号")


@pytest.mark.usefixtures("small_statements")
def test_a_failing_statement_raises_and_the_rollback_leaves_nothing(db: Database) -> None:
    refused = (sqlite3.IntegrityError, UniqueViolation)
    with pytest.raises(refused) as caught, db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 9_000)
        bulk_insert(conn, ORDERS, ORDER_COLUMNS, _orders(ids[:6_000], now))
        # the same order numbers again, under unused ids: the unique index refuses them
        again = [(ids[6_000 + i], *row[1:]) for i, row in enumerate(_orders(ids[:3_000], now))]
        bulk_insert(conn, ORDERS, ORDER_COLUMNS, again)
    assert "order_no" in str(caught.value)
    assert _counts(db) == (0, 0)


def test_an_empty_insert_sends_nothing(db: Database) -> None:
    with db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 3)
        bulk_insert(conn, ORDERS, ORDER_COLUMNS, list(_orders(ids, now)))
        bulk_insert(conn, LINES, LINE_COLUMNS, [])
    assert _counts(db) == (3, 0)


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    path = tmp_path / "sqlite-only.db"
    shutil.copy(sqlite_template, path)
    db = Database.from_url(f"sqlite:///{path}")
    yield db
    db.dispose()


def test_statements_fit_an_old_sqlites_999_parameter_limit(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[int] = []
    real_sql = bulk._insert_sql.__wrapped__

    def counted(table: str, columns: tuple[str, ...], rows: int) -> str:
        statements.append(rows * len(columns))
        return real_sql(table, columns, rows)

    monkeypatch.setattr(bulk, "_insert_sql", counted)
    with sqlite_db.transaction() as conn:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 1_000)
        bulk_insert(conn, ORDERS, ORDER_COLUMNS, _orders(ids, now))
        bulk_insert(conn, LINES, LINE_COLUMNS, _lines(ids))
    assert _counts(sqlite_db) == (1_000, sum(oid % 3 + 1 for oid in ids))
    assert max(statements) <= 999 and len(statements) > 2


def test_a_memory_database_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """sqlite:// is one connection bound to its thread: the import stores every row on it."""
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 100)
    db = Database.from_url("sqlite://")
    try:
        upgrade(db.engine)
        orders = [order(f"M{n:05d}", TEE, MUG) for n in range(1_000)]
        summary = import_parsed(db, ParsedFile(format="csv", orders=orders), classifier(db))
        assert (summary.orders_created, summary.lines) == (1_000, 2_000)
        assert _counts(db) == (1_000, 2_000)
    finally:
        db.dispose()
