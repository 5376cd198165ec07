"""BulkWriter: the import's inserts, on real SQLite files (helper thread) and PostgreSQL (COPY).

What must hold however the rows travel: every row stored once, in the order given (lines
find the orders inserted just before them), progress told on the caller's thread and
adding up, and a failure, in the database or in the caller, leaving nothing behind once
the transaction rolls back, with no helper thread still writing.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.errors import UniqueViolation
from sqlalchemy import func, select

from packstation.bootstrap import classifier
from packstation.importers.records import ParsedFile
from packstation.services.bulk import BulkWriter, bulk_insert, reserve_ids, stored_now
from packstation.services.importing import import_parsed
from packstation.services.order_store import LINES, ORDERS
from packstation.storage import sqlite_writer
from packstation.storage.database import Database
from packstation.storage.schema import upgrade
from packstation.storage.sqlite_writer import parameter_limit, rows_per_statement
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


def _helpers_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sqlite-inserts"]


@pytest.fixture
def helpers_started(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """Statements of 1,000 rows (so these tests' rows take several), and the helpers started."""
    monkeypatch.setattr(sqlite_writer, "ROWS_PER_STATEMENT", 1_000)
    started: list[threading.Thread] = []
    real_start = threading.Thread.start

    def spy(self: threading.Thread) -> None:
        if self.name == "sqlite-inserts":
            started.append(self)
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", spy)
    return started


def _threaded(db: Database, started: list[threading.Thread]) -> bool:
    """SQLite stores through a helper thread; PostgreSQL never starts one."""
    return bool(started) == (db.dialect == "sqlite")


def test_chunks_of_orders_then_their_lines_are_all_stored_and_told(
    db: Database, helpers_started: list[threading.Thread]
) -> None:
    told: list[tuple[int, int]] = []  # (rows, thread id)
    caller = threading.get_ident()
    with db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 10_000)
        with BulkWriter(
            conn, lambda n: told.append((n, threading.get_ident())), background=True
        ) as writer:
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                writer.insert(ORDERS, ORDER_COLUMNS, _orders(part, now))
                writer.insert(LINES, LINE_COLUMNS, _lines(part))
        assert not _helpers_alive()
    assert _threaded(db, helpers_started)
    expected_lines = sum(oid % 3 + 1 for oid in ids)
    assert _counts(db) == (10_000, expected_lines)
    assert sum(n for n, _ in told) == 10_000 + expected_lines
    assert {thread for _, thread in told} == {caller}
    with db.transaction() as conn:
        last = conn.execute(select(Order.order_no, Order.address).where(Order.id == ids[-1]))
        assert last.one() == (f"B{ids[-1]:08d}", f"杭州市西湖区文三路{ids[-1]}号")


def test_a_failing_statement_raises_in_the_caller_and_the_rollback_leaves_nothing(
    db: Database, helpers_started: list[threading.Thread]
) -> None:
    refused = (sqlite3.IntegrityError, UniqueViolation)
    with pytest.raises(refused) as caught, db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 9_000)
        with BulkWriter(conn, background=True) as writer:
            writer.insert(ORDERS, ORDER_COLUMNS, _orders(ids[:6_000], now))
            # the same order numbers again, under unused ids: the unique index refuses them
            again = [(ids[6_000 + i], *row[1:]) for i, row in enumerate(_orders(ids[:3_000], now))]
            writer.insert(ORDERS, ORDER_COLUMNS, (r for r in again))
            writer.insert(LINES, LINE_COLUMNS, _lines(ids[:6_000]))
    assert "order_no" in str(caught.value)
    assert not _helpers_alive()
    assert _threaded(db, helpers_started)
    assert _counts(db) == (0, 0)


def test_the_callers_own_error_wins_and_no_helper_is_left_writing(
    db: Database, helpers_started: list[threading.Thread]
) -> None:
    class StopError(Exception):
        pass

    def rows_then_fail(ids: list[int], now: object) -> Iterator[tuple[object, ...]]:
        yield from _orders(ids, now)
        raise StopError

    with pytest.raises(StopError), db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 8_000)
        with BulkWriter(conn, background=True) as writer:
            writer.insert(ORDERS, ORDER_COLUMNS, _orders(ids[:5_000], now))
            writer.insert(ORDERS, ORDER_COLUMNS, rows_then_fail(ids[5_000:], now))
    assert not _helpers_alive()
    assert _threaded(db, helpers_started)
    assert _counts(db) == (0, 0)


def test_a_short_insert_runs_inline_without_a_helper(
    db: Database, helpers_started: list[threading.Thread]
) -> None:
    with db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 3)
        bulk_insert(conn, ORDERS, ORDER_COLUMNS, list(_orders(ids, now)))
        bulk_insert(conn, LINES, LINE_COLUMNS, [])
    assert not helpers_started
    assert _counts(db) == (3, 0)


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    path = tmp_path / "sqlite-only.db"
    shutil.copy(sqlite_template, path)
    db = Database.from_url(f"sqlite:///{path}")
    yield db
    db.dispose()


def test_statements_fit_an_old_sqlites_999_parameter_limit(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as conn:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        assert rows_per_statement(parameter_limit(driver), len(ORDER_COLUMNS)) == 999 // 20
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 1_000)
        with BulkWriter(conn, background=True) as writer:
            writer.insert(ORDERS, ORDER_COLUMNS, _orders(ids, now))
            writer.insert(LINES, LINE_COLUMNS, _lines(ids))
    assert _counts(sqlite_db) == (1_000, sum(oid % 3 + 1 for oid in ids))


class _SlowConnection:
    """The helper's connection, a statement taking 0.3 s: room for a Ctrl-C meanwhile."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @property
    def in_transaction(self) -> bool:
        return self._connection.in_transaction

    def cursor(self) -> _SlowCursor:
        return _SlowCursor(self._connection.cursor())


class _SlowCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: list[object]) -> None:
        try:
            self._cursor.execute(sql, params)
        finally:
            time.sleep(0.3)

    def close(self) -> None:
        self._cursor.close()


def test_ctrl_c_while_the_writer_is_waited_for_leaves_nothing_and_no_thread(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C lands while the import waits for the helper's last statements: the wait goes
    on (the rest is skipped), then the interrupt rolls the whole file back."""
    monkeypatch.setattr(sqlite_writer, "ROWS_PER_STATEMENT", 100)
    real_run, real_stop = (
        sqlite_writer.BackgroundInserts._run,
        sqlite_writer.BackgroundInserts._stop,
    )
    waiting = threading.Event()

    def slow_run(self: sqlite_writer.BackgroundInserts) -> None:
        self._connection = _SlowConnection(self._connection)  # type: ignore[assignment]
        real_run(self)

    def stop(self: sqlite_writer.BackgroundInserts) -> None:
        waiting.set()
        real_stop(self)

    monkeypatch.setattr(sqlite_writer.BackgroundInserts, "_run", slow_run)
    monkeypatch.setattr(sqlite_writer.BackgroundInserts, "_stop", stop)

    def ctrl_c() -> None:  # a real SIGINT: it interrupts a blocked wait, as a terminal's does
        waiting.wait(10)
        time.sleep(0.1)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    threading.Thread(target=ctrl_c, daemon=True).start()
    with pytest.raises(KeyboardInterrupt), sqlite_db.transaction() as conn:
        now = stored_now(conn, ORDERS.c.imported_at)
        ids = reserve_ids(conn, ORDERS, 600)
        with BulkWriter(conn, background=True) as writer:
            writer.insert(ORDERS, ORDER_COLUMNS, _orders(ids, now))
    assert not _helpers_alive()
    time.sleep(0.4)  # a statement still queued would have run by now
    assert _counts(sqlite_db) == (0, 0)


def test_a_memory_database_imports_without_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """sqlite:// is one connection bound to its thread: no helper may touch it, and the
    import stores every row itself."""
    monkeypatch.setattr(sqlite_writer, "ROWS_PER_STATEMENT", 100)
    db = Database.from_url("sqlite://")
    try:
        upgrade(db.engine)
        orders = [order(f"M{n:05d}", TEE, MUG) for n in range(1_000)]
        summary = import_parsed(db, ParsedFile(format="csv", orders=orders), classifier(db))
        assert (summary.orders_created, summary.lines) == (1_000, 2_000)
        assert _counts(db) == (1_000, 2_000)
        assert not _helpers_alive()
    finally:
        db.dispose()


def test_a_ctrl_c_waits_for_the_statement_under_way_and_nothing_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper has passed its checks and is still binding a big statement when Ctrl-C
    comes: the wait must last until it is done (on Python 3.11 a retried Thread.join
    returned at once here), so the rollback that follows takes the statement with it."""
    connection = sqlite3.connect(tmp_path / "t.db", isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x INTEGER)")
    connection.execute("BEGIN IMMEDIATE")
    real_chain = sqlite_writer.chain

    class SlowChain:  # a 30k-parameter statement being built after the checks
        @staticmethod
        def from_iterable(rows: list[tuple[int]]) -> object:
            time.sleep(0.5)
            return real_chain.from_iterable(rows)

    monkeypatch.setattr(sqlite_writer, "chain", SlowChain)
    helper = sqlite_writer.BackgroundInserts(connection)
    helper.submit("INSERT INTO t (x) VALUES (?)", [(1,)])
    time.sleep(0.05)
    main = threading.main_thread().ident or 0
    threading.Timer(0.1, lambda: signal.pthread_kill(main, signal.SIGINT)).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        helper.abandon()
    assert time.monotonic() - started >= 0.4  # it waited for the statement
    assert not _helpers_alive()
    connection.rollback()
    time.sleep(0.2)
    assert sqlite3.connect(tmp_path / "t.db").execute("SELECT count(*) FROM t").fetchone() == (0,)
    connection.close()


def test_a_helper_that_dies_outside_a_statement_still_fails_the_caller(tmp_path: Path) -> None:
    """Whatever stops the helper must reach the caller, or rows it never stored would be
    committed as if they had been."""
    connection = sqlite3.connect(tmp_path / "d.db", isolation_level=None, check_same_thread=False)
    connection.execute("CREATE TABLE t (x INTEGER)")
    connection.execute("BEGIN IMMEDIATE")
    helper = sqlite_writer.BackgroundInserts(connection)

    class BrokenCounts:  # stands in for any failure outside the statement itself
        def put(self, _count: int) -> None:
            raise MemoryError("counting stored rows failed")

        def get_nowait(self) -> int:
            raise sqlite_writer.queue.Empty

    helper._stored = BrokenCounts()  # type: ignore[assignment]
    with pytest.raises(MemoryError):
        for n in range(6):
            helper.submit("INSERT INTO t (x) VALUES (?)", [(n,)])
        helper.close()
    helper.abandon()
    assert not _helpers_alive()
    connection.rollback()
    connection.close()
