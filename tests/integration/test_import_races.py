"""An import and a bench, or two imports, touching one order at the same moment
(PostgreSQL, deterministic).

One side runs for real in a thread; the other is held inside an open transaction doing
exactly the writes the real code does, until the real side is seen waiting on its lock
(`pg_blocking_pids`). Then it commits and the real side must still get it right: a parcel
changed after import is stopped, and a packed order is never made packable again.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, create_engine, insert, select, text, update

from packstation.bootstrap import classifier
from packstation.domain.verdicts import Verdict
from packstation.services import importing
from packstation.services.importing import ImportSummary, import_files
from packstation.storage.database import Database
from packstation.storage.schema import upgrade
from packstation.storage.tables import Order, PackSession, PrintJob
from tests.conftest import DATA, PG_URL
from tests.factories import MUG, load, order
from tests.integration.helpers import (
    WAIT_S,
    open_sessions,
    row_counts,
    run_while_held,
    station,
)

pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)

MUG_CODE = "6930000000028"
NEW_ADDRESS = "上海市 浦东新区 世纪大道 100号"


@contextmanager
def held_transaction(db_url: str) -> Iterator[tuple[Connection, int]]:
    """A connection in an open transaction and its backend pid; committed on exit."""
    other = Database.from_url(db_url)
    try:
        with other.engine.connect() as conn:
            trans = conn.begin()
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            assert pid is not None
            yield conn, pid
            trans.commit()
    finally:
        other.dispose()


def order_state(db: Database, order_no: str) -> tuple[str, str | None, str]:
    with db.transaction() as conn:
        row = conn.execute(select(Order.status, Order.intercept_reason, Order.address)
                           .where(Order.order_no == order_no)).one()
    return row.status, row.intercept_reason, row.address


def order_id(db: Database, order_no: str) -> int:
    with db.transaction() as conn:
        return conn.scalar(select(Order.id).where(Order.order_no == order_no)) or 0


def test_an_import_waiting_on_a_completing_bench_intercepts_the_packed_order(
        db: Database, db_url: str) -> None:
    """The import read the order while a bench had it open; the bench completes first."""
    load(db, order("T1", MUG))
    bench = station(db, "A")
    opened = bench.scan("T1")
    assert opened.box is not None
    with held_transaction(db_url) as (conn, pid):  # the bench's completing transaction
        conn.execute(update(PackSession).where(PackSession.id == opened.box.session_id)
                     .values(state="completed", closed_at=datetime.now(UTC)))
        conn.execute(update(Order).where(Order.order_no == "T1")
                     .values(status="packed", packed_at=datetime.now(UTC)))
        finish = run_while_held(db, pid, lambda: load(db, order("T1", MUG,
                                                                address=NEW_ADDRESS)))
    summary: ImportSummary = finish()
    assert summary.orders_intercepted == 1
    status, reason, address = order_state(db, "T1")
    assert (status, reason, address) == ("packed", "address_changed", NEW_ADDRESS)
    assert station(db, "B").scan("T1").verdict is Verdict.INTERCEPTED


def test_an_import_waiting_on_a_wave_bench_never_makes_the_packed_order_packable_again(
        db: Database, db_url: str) -> None:
    """A wave bench opens and completes in one transaction: the import saw no open box."""
    load(db, order("W1", MUG))
    with held_transaction(db_url) as (conn, pid):
        session = conn.scalar(insert(PackSession).values(
            order_id=order_id(db, "W1"), bench="A", state="open", order_version=1,
            opened_at=datetime.now(UTC)).returning(PackSession.id))
        conn.execute(update(PackSession).where(PackSession.id == session)
                     .values(state="completed", closed_at=datetime.now(UTC)))
        conn.execute(update(Order).where(Order.order_no == "W1")
                     .values(status="packed", packed_at=datetime.now(UTC)))
        finish = run_while_held(db, pid, lambda: load(db, order("W1", MUG,
                                                                address=NEW_ADDRESS)))
    finish()
    status, reason, _address = order_state(db, "W1")
    assert (status, reason) == ("packed", "address_changed")
    again = station(db, "B", single_item_wave=True).scan(MUG_CODE)
    assert again.verdict is Verdict.NOT_FOUND  # not a second parcel for W1
    assert station(db, "C").scan("W1").verdict is Verdict.INTERCEPTED


def test_a_completing_scan_waiting_on_an_import_is_intercepted_not_completed(
        db: Database, db_url: str) -> None:
    """The import changed the order while the bench's last scan was on its way."""
    load(db, order("T1", MUG))
    bench = station(db, "A")
    bench.scan("T1")
    with held_transaction(db_url) as (conn, pid):  # the import's transaction
        conn.execute(update(Order).where(Order.order_no == "T1").values(
            address=NEW_ADDRESS, version=Order.version + 1, intercept_reason="address_changed",
            updated_at=datetime.now(UTC)))
        finish = run_while_held(db, pid, lambda: bench.scan(MUG_CODE))
    result = finish()
    assert (result.verdict, result.intercept_reason) == (Verdict.INTERCEPTED, "address_changed")
    assert row_counts(db)["print_jobs"] == 0
    assert open_sessions(db) == []
    status, _reason, _address = order_state(db, "T1")
    assert status == "paid"  # not packed: the parcel is stopped at the bench


def test_without_a_race_the_last_unit_still_completes_with_one_label(db: Database) -> None:
    load(db, order("T1", MUG))
    bench = station(db, "A")
    bench.scan("T1")
    assert bench.scan(MUG_CODE).verdict is Verdict.ORDER_COMPLETE
    with db.transaction() as conn:
        assert conn.scalar(select(PrintJob.id)) is not None


def test_two_imports_of_one_file_at_once_take_turns(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The later one waits for the earlier one's transaction, then finds its orders: an
    import and a re-import, not a unique-violation error from the later one's COPY."""
    paths = [DATA / "orders_generic.csv"]
    held: list[int] = []  # the first import's backend, once it has stored its orders
    release = threading.Event()
    real_upsert = importing._upsert_products

    def upsert(conn: Connection, catalogue: dict[str, object]) -> int:
        if threading.current_thread().name == "first-import":
            held.append(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() or 0)
            release.wait(WAIT_S)
        return real_upsert(conn, catalogue)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "_upsert_products", upsert)
    first: list[ImportSummary] = []
    thread = threading.Thread(
        target=lambda: first.append(import_files(db, paths, classifier(db))), name="first-import"
    )
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not held:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.01)
    try:
        finish = run_while_held(db, held[0], lambda: import_files(db, paths, classifier(db)))
    finally:  # a failure above must not leave the first import holding its lock
        release.set()
        thread.join(WAIT_S)
    second = finish()
    [earlier] = first
    assert earlier.orders_created == 9 and earlier.rejected == []
    assert (second.orders_created, second.orders_unchanged, second.products_created) == (0, 9, 0)
    assert row_counts(db)["orders"] == 9


def test_imports_into_another_schema_do_not_wait_for_this_ones(db: Database) -> None:
    """The turn is per schema (per database as the app sees it): parallel test runs and
    benchmarks, each in a schema of its own on one server, do not queue behind each other."""
    other_schema = f"pstest_other_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{other_schema}"'))
    other = Database.from_url(f"{PG_URL}?options=-csearch_path%3D{other_schema}")
    try:
        upgrade(other.engine)
        with db.transaction() as holding:
            importing._one_import_at_a_time(holding)  # an import is running in this schema
            done: list[ImportSummary] = []
            thread = threading.Thread(
                target=lambda: done.append(
                    import_files(other, [DATA / "orders_generic.csv"], classifier(other))
                )
            )
            thread.start()
            thread.join(WAIT_S)
            assert done and done[0].orders_created == 9, "it waited for the other schema"
    finally:
        other.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{other_schema}" CASCADE'))
        admin.dispose()
