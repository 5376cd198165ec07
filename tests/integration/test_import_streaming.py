"""Into a SQLite file, a Taobao pair's orders are stored while its order report is read.

So a problem found late in the file meets orders already written in its transaction:
the file must still change nothing. Batches are made small here (a few orders, a few
rows per statement, so SQLite's helper thread writes them) to stream small files.
PostgreSQL stores after parsing (nothing is streamed) and must end the same. Each test
runs with the order report read in this process and by a worker process.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from packstation.bootstrap import classifier
from packstation.errors import UserError
from packstation.importers import assemble, worker
from packstation.importers.assemble import Emit
from packstation.importers.records import ImportedOrder, OrderStatus, ParsedFile, RowProblem
from packstation.services import importing, order_store
from packstation.services.importing import import_files
from packstation.services.order_store import ImportSummary, OrderStore
from packstation.storage import sqlite_writer
from packstation.storage.database import Database
from packstation.storage.tables import Order, OrderLine
from tests.factories import TEE
from tests.importers.conftest import csv_text
from tests.importers.platforms import (
    TAOBAO_ITEMS_OLD,
    TAOBAO_ORDERS_OLD,
    rows_for,
    taobao_item,
    taobao_order,
)
from tests.integration.helpers import row_counts

pytestmark = pytest.mark.usefixtures("order_report_reader")
ORDERS = 60


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Orders handed on 8 at a time (and a worker's rows sent so), statements of 5 rows;
    the sizes of the batches stored while the file was read (before `finish`)."""
    monkeypatch.setattr(assemble, "EMIT_BATCH", 8)
    monkeypatch.setattr(worker, "FRAME_ITEMS", 8)  # a worker sends its rows as often
    monkeypatch.setattr(sqlite_writer, "ROWS_PER_STATEMENT", 5)
    streamed: list[int] = []
    real_add = order_store.OrderStore.add

    def add(self: order_store.OrderStore, orders: list[object]) -> None:
        streamed.append(len(orders))
        real_add(self, orders)  # type: ignore[arg-type]

    monkeypatch.setattr(order_store.OrderStore, "add", add)
    return streamed


def number(n: int) -> str:
    return f"35000000000000{n:05d}"


def pair(tmp: Path, late: dict[str, str] | None = None) -> list[Path]:
    """ORDERS orders of one or two lines; `late` overrides cells of the last order."""
    orders, items = [], []
    for n in range(ORDERS):
        values = late if late and n == ORDERS - 1 else {}
        orders.append(taobao_order(number(n), **values))
        items.append(taobao_item(number(n), "TEE-RED-M"))
        if n % 2:
            items.append(taobao_item(number(n), "MUG-01", qty="2"))
    order_path = tmp / "ExportOrderList202611110001.csv"
    item_path = tmp / "ExportOrderDetailList202611110001.csv"
    order_path.write_bytes(csv_text(rows_for(TAOBAO_ORDERS_OLD, orders)).encode("gbk"))
    item_path.write_bytes(csv_text(rows_for(TAOBAO_ITEMS_OLD, items)).encode("gbk"))
    return [order_path, item_path]


def streams(db: Database) -> bool:
    return db.dialect == "sqlite"


def helpers_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sqlite-inserts"]


def test_every_order_streamed_lands_and_progress_ends_full(
    db: Database, tmp_path: Path, batches: list[int]
) -> None:
    told: list[tuple[int, int]] = []
    summary = import_files(
        db, pair(tmp_path), classifier(db), progress=lambda d, t: told.append((d, t))
    )
    if streams(db):
        assert len(batches) >= 6 and sum(batches) == ORDERS  # most stored while reading
    else:
        assert batches == []  # all stored by `finish`, once read
    assert (summary.orders_created, summary.lines, summary.rejected) == (ORDERS, 90, [])
    assert row_counts(db)["orders"] == ORDERS and row_counts(db)["order_lines"] == 90
    done = [d for d, _t in told]
    assert done == sorted(done) and told[-1][0] == told[-1][1]
    again = import_files(db, pair(tmp_path), classifier(db))
    assert (again.orders_created, again.orders_unchanged) == (0, ORDERS)


def test_a_bad_row_after_orders_were_stored_changes_nothing(
    db: Database, tmp_path: Path, batches: list[int]
) -> None:
    before = row_counts(db)
    summary = import_files(db, pair(tmp_path, {"订单状态": "已发货了吗"}), classifier(db))
    assert sum(batches) >= ORDERS - 8 or not streams(db)  # all but the last batch went in
    assert [(Path(p.file).name, p.row, p.column) for p in summary.rejected] == [
        ("ExportOrderList202611110001.csv", ORDERS + 1, "订单状态")
    ]
    assert (summary.orders_created, summary.lines) == (0, 0)
    assert row_counts(db) == before
    assert not helpers_alive()


def test_excel_numbers_late_in_the_file_refuse_it_and_store_nothing(
    db: Database, tmp_path: Path, batches: list[int]
) -> None:
    before = row_counts(db)
    with pytest.raises(UserError, match="科学计数法"):
        import_files(db, pair(tmp_path, {"订单编号": "3.50000000000001E+18"}), classifier(db))
    assert sum(batches) >= ORDERS - 8 or not streams(db)
    assert row_counts(db) == before
    assert not helpers_alive()


def test_a_streamed_dry_run_stores_nothing_and_counts_what_it_would(
    db: Database, tmp_path: Path, batches: list[int]
) -> None:
    before = row_counts(db)
    summary = import_files(db, pair(tmp_path), classifier(db), dry_run=True)
    assert bool(batches) == streams(db)
    assert (summary.orders_created, summary.lines) == (ORDERS, 90)
    assert row_counts(db) == before


def test_the_side_reader_sees_the_database_as_it_was_before_the_import(
    db: Database, tmp_path: Path
) -> None:
    """What the streamed lookups rely on (SQLite files): the import's own uncommitted rows
    stay invisible to it, and it never waits on the import's write lock."""
    import_files(db, pair(tmp_path), classifier(db))
    with db.side_reader() as reader, db.transaction() as conn:
        if db.dialect != "sqlite":
            assert reader is None  # PostgreSQL looks up on the import's own connection
            return
        assert reader is not None
        conn.execute(delete(OrderLine))
        conn.execute(delete(Order))
        assert conn.scalar(select(func.count()).select_from(Order)) == 0
        assert reader.scalar(select(func.count()).select_from(Order)) == ORDERS
    memory = Database.from_url("sqlite://")
    with memory.side_reader() as none:
        assert none is None  # another connection would be another, empty database
    memory.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # PostgreSQL does not stream
def test_a_file_with_problems_is_reported_even_if_a_streamed_batch_failed(
    db: Database,
) -> None:
    """The file's own problems are what the user must see, not the error of a batch that
    was going to be rolled back anyway (here a batch repeating an order)."""
    a = ImportedOrder(number(1), "taobao", OrderStatus.PAID, "张伟", lines=(TEE,))
    problem = RowProblem("f.csv", 3, "订单状态", "bad status", "bad_status")

    def parse(emit: Emit | None) -> ParsedFile:
        assert emit is not None
        emit([a, a])  # the helper's INSERT fails on the unique order number
        time.sleep(0.3)
        return ParsedFile(format="taobao", orders=[a], problems=[problem])

    summary = importing._import(db, "taobao", parse, classifier(db), False, None)
    assert summary.rejected == [problem] and summary.orders_created == 0
    assert row_counts(db)["orders"] == 0
    assert not helpers_alive()


def test_a_streamed_store_tells_progress_against_the_estimate_until_the_file_is_read(
    db: Database,
) -> None:
    """While batches go in, the file's estimated rows are the total (the exact one is only
    known at the end); `finish` then counts to the exact total."""
    told: list[tuple[int, int]] = []
    orders = [
        ImportedOrder(number(n), "taobao", OrderStatus.PAID, "张伟", lines=(TEE,))
        for n in range(400)
    ]
    summary = ImportSummary(format="taobao")
    classify = classifier(db)  # reads the rules: before the write transaction begins
    with (
        db.transaction() as conn,
        db.side_reader() as reader,
        OrderStore(conn, reader or conn, classify, lambda d, t: told.append((d, t)), 1000) as store,
    ):
        store.add(orders[:200])
        store.add(orders[200:])
        streamed = list(told)
        store.finish(orders, summary)
    assert summary.orders_created == 400
    assert streamed and {t for _d, t in streamed} == {1000}  # moving while streamed
    assert told[-1] == (800, 800)  # 400 orders + 400 lines, exact at the end
