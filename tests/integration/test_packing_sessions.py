"""Boxes over time: take-overs, restarts, completion, and orders changed after import."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from packstation.domain.orders import OrderStatus
from packstation.domain.sessions import SessionState
from packstation.domain.verdicts import Verdict
from packstation.errors import ErrorCode, UserError
from packstation.importers.records import BarcodeSpec, ImportedLine, ImportedOrder
from packstation.services.print_jobs import complete_session
from packstation.services.users import USER_ACTIONS, PermissionDeniedError, add_user
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, PrintJob
from tests.factories import MUG, SOCKS, TEE, load, order
from tests.integration.helpers import (
    ManualClock,
    count,
    counted_units,
    open_sessions,
    order_row,
    row_counts,
    scan_all,
    session_states,
    station,
)

TEE_CODE, SOCKS_CODE, SOCKS_BOX, MUG_CODE = "6901234567892", "6920000000012", "SOCK5P-BOX", \
    "6930000000028"
PENS = ImportedLine("PEN-BLK", "中性笔 黑色", 12,
                    (BarcodeSpec("6940000000010"), BarcodeSpec("PEN-BOX-6", 6)))




# -- taking over -----------------------------------------------------------------------

@pytest.fixture
def people(db: Database) -> Database:
    add_user(db, "王主管", "supervisor", "2468")
    add_user(db, "小李", "packer", "1357")
    return db


def test_taking_over_needs_a_supervisor_and_the_right_pin(people: Database) -> None:
    db = people
    load(db, order("T1001"))
    station(db, "A").scan("T1001")
    before = row_counts(db)
    for name, pin in [("王主管", "0000"), ("小李", "1357"), ("nobody", "2468"), ("王主管", "")]:
        with pytest.raises(PermissionDeniedError):
            station(db, "B").take_over("T1001", name, pin)
    after = row_counts(db)  # only the wrong PINs are recorded (小李's PIN was right)
    assert {k: v - before[k] for k, v in after.items() if v != before[k]} == {
        "audit": 3,
        "login_throttle": 2,
    }
    assert [s[2] for s in open_sessions(db)] == ["A"]


def test_a_taken_over_box_continues_with_the_units_already_scanned(people: Database) -> None:
    db = people
    load(db, order("T1001"))
    old = station(db, "A")
    scan_all(old, "T1001", TEE_CODE, SOCKS_CODE)
    new = station(db, "B")
    taken = new.take_over("T1001", "王主管", "2468")
    assert (taken.verdict, taken.other_bench) == (Verdict.ORDER_OPENED, "A")
    assert new.box is not None and new.box.units_packed == 2
    refused = old.scan(SOCKS_CODE)  # the old bench does not know yet
    assert (refused.verdict, refused.other_bench) == (Verdict.IN_PROGRESS_ELSEWHERE, "B")
    assert old.box is None
    assert station(db, "A").resume() is None  # a restarted bench A has nothing to resume
    assert new.scan(TEE_CODE).verdict is Verdict.OVER_QUANTITY  # A's tee is in the box
    done = new.scan(SOCKS_CODE)
    assert done.verdict is Verdict.ORDER_COMPLETE and done.print_job_id is not None
    assert session_states(db) == [("A", "taken_over"), ("B", "completed")]
    assert counted_units(db) == 3
    with db.transaction() as conn:
        audit = conn.execute(select(AuditRecord.actor, AuditRecord.action,
                                    AuditRecord.target)
                             .where(AuditRecord.action.not_in(USER_ACTIONS))).all()
    assert [tuple(a) for a in audit] == [("王主管", "take_over", "T1001")]


def test_taking_over_an_order_nobody_has_open_just_opens_it(people: Database) -> None:
    db = people
    load(db, order("T1001"))
    bench = station(db, "B")
    assert bench.take_over("T1001", "王主管", "2468").verdict is Verdict.ORDER_OPENED
    assert [s[2] for s in open_sessions(db)] == ["B"]


# -- restart and completion ----------------------------------------------------------------

def test_resume_after_a_restart_has_exactly_the_committed_scans(db: Database,
                                                                db_url: str) -> None:
    load(db, order("T1001"), order("T1002", MUG))
    clock = ManualClock()
    bench = station(db, "A", clock=clock)
    scan_all(bench, "T1001", TEE_CODE, MUG_CODE, "junk", SOCKS_CODE)
    clock.step = 0.01
    assert bench.scan(SOCKS_CODE).verdict is Verdict.DUPLICATE_READ
    assert bench.box is not None
    before = bench.box

    fresh_db = Database.from_url(db_url)  # a new process: new engine, new station object
    try:
        restarted = station(fresh_db, "A")
        resumed = restarted.resume()
        assert resumed == before
        assert resumed is not None and resumed.units_packed == 2
        assert {line.sku: line.packed for line in resumed.lines} == {TEE.sku: 1, SOCKS.sku: 1}
        assert restarted.scan(SOCKS_CODE).verdict is Verdict.ORDER_COMPLETE
        assert station(fresh_db, "B").resume() is None  # another bench has nothing open
    finally:
        fresh_db.dispose()


def test_an_order_changed_while_the_bench_was_down_is_intercepted_after_resume(
        db: Database) -> None:
    load(db, order("T1001"))
    scan_all(station(db, "A"), "T1001", TEE_CODE)
    load(db, order("T1001", address="广东省 深圳市 南山区 科技园 1号"))  # bench A is down
    restarted = station(db, "A")
    assert restarted.resume() is not None
    result = restarted.scan(SOCKS_CODE)
    assert (result.verdict, result.intercept_reason) == (Verdict.INTERCEPTED, "address_changed")
    assert open_sessions(db) == []


def test_resume_with_nothing_open_returns_none(db: Database) -> None:
    load(db, order("T1001"))
    assert station(db, "A").resume() is None


def test_retrying_a_completion_returns_the_same_print_job(db: Database) -> None:
    load(db, order("T1001", MUG))
    bench = station(db)
    bench.scan("T1001")
    done = bench.scan(MUG_CODE)
    assert done.box is not None and done.print_job_id is not None
    session_id = done.box.session_id
    assert complete_session(db, session_id) == done.print_job_id
    assert complete_session(db, session_id) == done.print_job_id
    assert count(db, PrintJob) == 1
    assert session_states(db) == [("A", "completed")]


def test_a_cancelled_session_cannot_be_completed_and_says_so_in_both_languages(
    db: Database,
) -> None:
    load(db, order("T1001"))
    bench = station(db)
    opened = bench.scan("T1001")
    assert opened.box is not None
    bench.cancel_box()
    with pytest.raises(UserError) as refused:
        complete_session(db, opened.box.session_id)
    assert refused.value.code is ErrorCode.SESSION_CLOSED
    assert refused.value.params["state"] is SessionState.CANCELLED
    assert refused.value.message("en") == (
        f"session {opened.box.session_id} is cancelled: it cannot be completed"
    )
    assert refused.value.message("zh") == f"打包记录 {opened.box.session_id} 已取消，不能完成"
    assert session_states(db) == [("A", SessionState.CANCELLED)]
    assert count(db, PrintJob) == 0


def test_completing_an_open_session_twice_creates_one_job(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    opened = bench.scan("T1001")
    assert opened.box is not None
    first = complete_session(db, opened.box.session_id)
    assert first is not None
    assert complete_session(db, opened.box.session_id) == first
    assert count(db, PrintJob) == 1
    assert order_row(db, "T1001")[0] == OrderStatus.PACKED


def test_completing_a_cancelled_session_is_refused(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    opened = bench.scan("T1001")
    bench.cancel_box()
    assert opened.box is not None
    with pytest.raises(UserError, match="cancelled"):
        complete_session(db, opened.box.session_id)
    assert count(db, PrintJob) == 0


def test_a_bench_with_pre_printed_waybills_queues_no_label(db: Database) -> None:
    load(db, order("T1001", MUG))
    bench = station(db, print_on_completion=False)
    bench.scan("T1001")
    done = bench.scan(MUG_CODE)
    assert done.verdict is Verdict.ORDER_COMPLETE and done.print_job_id is None
    assert count(db, PrintJob) == 0


# -- changes after import ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        (order("T1001")._replace(status=OrderStatus.CANCELLED), "cancelled"),
        (order("T1001")._replace(status=OrderStatus.REFUNDED), "refunded"),
        (order("T1001", address="上海市 浦东新区 世纪大道 100号"), "address_changed"),
        (order("T1001", TEE), "lines_changed"),
        (order("T1001", TEE, SOCKS._replace(quantity=3)), "lines_changed"),
    ],
    ids=["cancelled", "refunded", "address", "line-removed", "quantity"],
)
def test_a_change_after_import_intercepts_the_box_in_progress(db: Database,
                                                              changed: ImportedOrder,
                                                              reason: str) -> None:
    load(db, order("T1001"))
    bench = station(db)
    scan_all(bench, "T1001", TEE_CODE)
    summary = load(db, changed)
    assert summary.orders_intercepted == 1
    stopped = bench.scan(SOCKS_CODE)
    assert (stopped.verdict, stopped.intercept_reason) == (Verdict.INTERCEPTED, reason)
    assert stopped.units == 0 and bench.box is None
    assert session_states(db) == [("A", "intercepted")]
    assert counted_units(db) == 1
    again = station(db, "B").scan("T1001")
    assert (again.verdict, again.intercept_reason) == (Verdict.INTERCEPTED, reason)
    assert count(db, PrintJob) == 0


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.REFUNDED])
def test_an_order_cancelled_by_a_re_import_is_intercepted_on_open(db: Database,
                                                                  status: OrderStatus) -> None:
    load(db, order("T1001"))
    load(db, order("T1001")._replace(status=status))
    result = station(db).scan("T1001")
    assert (result.verdict, result.intercept_reason) == (Verdict.INTERCEPTED, status.value)
    assert open_sessions(db) == []


def test_a_packed_order_whose_address_changed_is_intercepted_not_shipped(db: Database) -> None:
    load(db, order("T1001", MUG))
    bench = station(db)
    scan_all(bench, "T1001", MUG_CODE)
    summary = load(db, order("T1001", MUG, address="北京市 朝阳区 建国路 88号"))
    assert summary.orders_intercepted == 1
    result = bench.scan("T1001")
    assert (result.verdict, result.intercept_reason) == (Verdict.INTERCEPTED, "address_changed")


def test_an_address_change_before_packing_starts_is_simply_packed(db: Database) -> None:
    load(db, order("T1001", MUG))
    summary = load(db, order("T1001", MUG, address="北京市 朝阳区 建国路 88号"))
    assert (summary.orders_updated, summary.orders_intercepted) == (1, 0)
    bench = station(db)
    opened = bench.scan("T1001")
    assert opened.box is not None and opened.box.address == "北京市 朝阳区 建国路 88号"
    assert bench.scan(MUG_CODE).verdict is Verdict.ORDER_COMPLETE


def test_a_change_to_an_order_at_another_bench_does_not_touch_this_box(db: Database) -> None:
    load(db, order("T1001"), order("T1002", MUG))
    bench = station(db)
    scan_all(bench, "T1001", TEE_CODE)
    load(db, order("T1002", MUG)._replace(status=OrderStatus.CANCELLED))
    assert bench.scan(SOCKS_CODE).verdict is Verdict.OK


def test_re_importing_the_same_records_creates_nothing(db: Database) -> None:
    records = (order("T1001", waybill_no="YT1"), order("T1002", MUG, PENS),
               order("T1003", status=OrderStatus.CANCELLED))
    first = load(db, *records)
    assert first.orders_created == 3
    before = row_counts(db)
    again = load(db, *records)
    assert (again.orders_created, again.orders_updated, again.orders_intercepted,
            again.orders_unchanged, again.products_created) == (0, 0, 0, 3, 0)
    assert row_counts(db) == before


def test_re_importing_an_order_that_is_being_packed_unchanged_keeps_the_box(
        db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    scan_all(bench, "T1001", TEE_CODE)
    assert load(db, order("T1001")).orders_unchanged == 1
    assert scan_all(bench, SOCKS_CODE, SOCKS_CODE) == [Verdict.OK, Verdict.ORDER_COMPLETE]


# -- properties over random scan sequences ---------------------------------------------------

_CODES = [TEE_CODE, SOCKS_CODE, SOCKS_BOX, MUG_CODE, "6940000000010", "PEN-BOX-6", TEE.sku,
          "sock-5p", "UNKNOWN-1", f"010{TEE_CODE}"]
_examples = itertools.count()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(quantities=st.tuples(st.integers(1, 3), st.integers(0, 2), st.integers(0, 7)),
       scans=st.lists(st.tuples(st.sampled_from(_CODES), st.sampled_from([0.05, 0.5, 2.0])),
                      max_size=14))
def test_random_scan_sequences_keep_the_box_the_log_and_the_outbox_in_step(
        db: Database, db_url: str, quantities: tuple[int, int, int],
        scans: list[tuple[str, float]]) -> None:
    n = next(_examples)  # one database for all examples: each gets its own order and bench
    tee, socks, pens = quantities
    lines = [TEE._replace(quantity=tee)]
    lines += [SOCKS._replace(quantity=socks)] if socks else []
    lines += [PENS._replace(quantity=pens)] if pens else []
    load(db, order(f"H{n}", *lines), order(f"M{n}", MUG))
    clock = ManualClock()
    bench = station(db, f"bench-{n}", clock=clock)
    opened = bench.scan(f"H{n}")
    assert opened.box is not None
    session = opened.box.session_id
    required = {line.sku: line.quantity for line in lines}
    completed = False
    for code, step in scans:
        clock.step = step
        result = bench.scan(code)
        if completed:  # the box is closed: product codes open nothing
            assert result.verdict in (Verdict.NOT_FOUND, Verdict.DUPLICATE_READ)
            continue
        assert (result.units > 0) == result.verdict.accepted
        box = result.box
        assert box is not None
        assert all(line.packed <= required[line.sku] for line in box.lines)
        assert counted_units(db, [session]) == box.units_packed
        completed = result.verdict is Verdict.ORDER_COMPLETE
        assert completed == (box.units_packed == box.units_required)
        assert (result.print_job_id is not None) == completed
    with db.transaction() as conn:
        jobs = conn.scalar(select(func.count()).select_from(PrintJob)
                           .where(PrintJob.session_id == session))
    assert jobs == (1 if completed else 0)
    fresh = Database.from_url(db_url)
    try:
        assert station(fresh, f"bench-{n}").resume() == bench.box
    finally:
        fresh.dispose()
