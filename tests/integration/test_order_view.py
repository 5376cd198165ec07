"""An order's state, box and print job as plain values (`services.order_view`): what the
CLI and the windows read instead of tables. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from packstation.domain.orders import InterceptReason, OrderStatus
from packstation.domain.verdicts import Verdict
from packstation.services.order_view import order_view
from packstation.storage.database import Database
from packstation.storage.tables import ScanEvent
from tests.factories import load, order
from tests.integration.helpers import count, station

TEE_CODE, SOCKS_CODE = "6901234567892", "6920000000012"


def test_an_order_nobody_opened_is_open_with_no_box_or_job(db: Database) -> None:
    load(db, order("T1001"))
    view = order_view(db, "T1001")
    assert view is not None
    assert (view.order_no, view.status, view.state) == ("T1001", "paid", "open")
    assert (view.stop, view.box, view.print_job) == (None, None, None)
    assert view.priority == "hangzhou"


def test_a_box_in_progress_and_a_completed_one_with_its_print_job(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    bench.scan("T1001")
    bench.scan(TEE_CODE)
    assert bench.box is not None
    session_id = bench.box.session_id
    half = order_view(db, "T1001", session_id=session_id)
    assert half is not None and half.state == "open"
    assert half.box is not None and (half.box.units_packed, half.box.units_required) == (1, 3)
    bench.scan(SOCKS_CODE)
    last = bench.scan(SOCKS_CODE)
    assert last.print_job_id is not None
    done = order_view(db, "T1001", session_id=session_id, print_job_id=last.print_job_id)
    assert done is not None
    assert (done.status, done.state) == (OrderStatus.PACKED.value, "completed")
    assert done.box is not None and done.box.units_packed == 3
    assert done.print_job is not None
    assert (done.print_job.id, done.print_job.state, done.print_job.reason) == (
        last.print_job_id, "pending", "completion"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        done.state = "open"  # type: ignore[misc]


def test_a_refunded_order_is_intercepted_and_an_unknown_one_is_none(db: Database) -> None:
    load(db, order("T1001", status=OrderStatus.REFUNDED))
    view = order_view(db, "T1001")
    assert view is not None
    assert (view.state, view.stop) == ("intercepted", InterceptReason.REFUNDED)
    assert order_view(db, "NOPE") is None


def test_a_scan_after_completion_is_judged_against_the_box_and_stored_nowhere(
    db: Database,
) -> None:
    load(db, order("T1001"))
    bench = station(db)
    *_, last = [bench.scan(code) for code in ("T1001", TEE_CODE, SOCKS_CODE, SOCKS_CODE)]
    assert last.verdict is Verdict.ORDER_COMPLETE and last.box is not None
    before = count(db, ScanEvent)
    extra = bench.judge_extra(last.box, TEE_CODE)
    assert (extra.verdict, extra.sku, extra.order_no) == (
        Verdict.OVER_QUANTITY, "TEE-RED-M", "T1001"
    )
    assert bench.judge_extra(last.box, "NOT-A-CODE").verdict is Verdict.UNKNOWN_CODE
    assert count(db, ScanEvent) == before
