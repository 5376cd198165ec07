"""The print queue on both databases with the mock printer: print once, crash, supervisor
actions, moving, batches. Labels are read back from the mock's own ESC/POS decoding."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from packstation.bootstrap import PrinterAdapter, printer_for
from packstation.domain.shipments import internal_shipment_id
from packstation.importers.records import OrderStatus
from packstation.services.print_jobs import JobError
from packstation.services.print_queue import move_job, print_batch, reprint, void
from packstation.services.printing import PrintWorker
from packstation.services.users import PermissionDeniedError, add_user
from packstation.services.waybills import Sender, save_sender, waybill_for_order
from packstation.storage.database import Database
from packstation.storage.tables import Order, PrintJob
from tests.factories import MUG, TEE, load, order
from tests.integration.test_print_support import (
    Clock,
    audit_actions,
    codes,
    job,
    job_error,
    pack_one,
    supervisor,
)


class SimulatedCrash(BaseException):
    """The process dying: not an Exception, so nothing in the worker catches it."""


class CrashingPort:
    """A real mock printer, and a crash right before or right after the bytes go out."""

    def __init__(self, inner: PrinterAdapter, *, after_send: bool) -> None:
        self.inner, self.after_send = inner, after_send

    def print_label(self, image, red_bands, job_id):  # type: ignore[no-untyped-def]
        if self.after_send:
            self.inner.print_label(image, red_bands, job_id)
        raise SimulatedCrash

    def status(self):  # type: ignore[no-untyped-def]
        return self.inner.status()


def mock_worker(db: Database, port: PrinterAdapter, clock: Clock, **kw: object) -> PrintWorker:
    kw.setdefault("default_spec", "mock")
    return PrintWorker(db, lambda spec: port, clock=clock, **kw)  # type: ignore[arg-type]


def printed(port: PrinterAdapter) -> list:
    return port.printer.transport.printed_labels


def test_completing_a_box_prints_exactly_one_scannable_label(db: Database) -> None:
    job_id = pack_one(db, "T1", waybill_no="YT9000000001")
    port, clock = printer_for("mock"), Clock()
    worker = mock_worker(db, port, clock)
    report = worker.run_once()
    assert [(o.job_id, o.state) for o in report.outcomes] == [(job_id, "printed")]
    assert worker.run_once().outcomes == []  # nothing left: not printed twice
    clock.advance(3600)
    assert worker.run_once().outcomes == []
    labels = printed(port)
    assert len(labels) == 1 and labels[0].cut
    assert codes(labels[0].image) == {("Code128", "YT9000000001"), ("QRCode", "T1")}
    row = job(db, job_id)
    assert (row.state, row.attempts, row.error_code, row.error_params) == ("printed", 1, None, None)
    assert row.printed_at is not None


def test_order_without_waybill_gets_the_internal_id_never_stored_as_waybill(
    db: Database,
) -> None:
    pack_one(db, "T2")
    port = printer_for("mock")
    mock_worker(db, port, Clock()).run_once()
    with db.session() as session:
        order_row = session.scalar(select(Order).where(Order.order_no == "T2"))
        assert order_row is not None
        assert order_row.waybill_no == ""
        internal = internal_shipment_id(order_row.id)
    with db.transaction() as conn:
        data = waybill_for_order(conn, order_row.id)
    assert data.waybill_is_internal and data.waybill_no == internal
    assert internal.startswith("PS")
    assert ("Code128", internal) in codes(printed(port)[0].image)


def test_waybill_data_carries_priority_sender_and_items(db: Database) -> None:
    load(db, order("T3", TEE, MUG, address="北京市 朝阳区 建国路 1号", waybill_no="YT1"))
    save_sender(db, Sender("杭州一号仓", "0571-88888888", "杭州市 余杭区 仓前街道 1号"))
    with db.transaction() as conn:
        order_id = conn.scalar(select(Order.id).where(Order.order_no == "T3"))
        data = waybill_for_order(conn, order_id, bench="B7")
    assert data.priority is not None and data.priority.mark == "京"
    assert (data.sender_name, data.sender_phone) == ("杭州一号仓", "0571-88888888")
    assert "纯棉T恤 红色 M ×1" in data.item_summary and "陶瓷马克杯 ×1" in data.item_summary
    assert data.bench == "B7" and not data.waybill_is_internal and data.sort_text


@pytest.mark.parametrize("after_send", [True, False], ids=["after-send", "before-send"])
def test_crash_between_claim_and_mark_never_prints_twice(db: Database, after_send: bool) -> None:
    job_id = pack_one(db, "T4", waybill_no="YT4")
    port, clock = printer_for("mock"), Clock()
    crashing = PrintWorker(
        db,
        lambda spec: CrashingPort(port, after_send=after_send),
        default_spec="mock",
        clock=clock,
    )
    with pytest.raises(SimulatedCrash):
        crashing.run_once()
    # A fresh process, much later: the job is visible as "outcome unknown" and not retried.
    clock.advance(24 * 3600)
    restarted = mock_worker(db, port, clock)
    assert restarted.run_once().outcomes == []
    assert len(printed(port)) == (1 if after_send else 0)
    row, error = job(db, job_id), job_error(db, job_id)
    assert (row.state, row.attempts) == ("held", 1)
    assert (error.code, dict(error.params)) == ("outcome_unknown", {"cause": "interrupted"})
    # Moving it elsewhere does not release it either.
    boss = supervisor(db)
    assert move_job(db, job_id, "mock", *boss) is False
    assert restarted.run_once().outcomes == []
    assert job(db, job_id).state == "held"
    # A deliberate reprint is the way out, and prints exactly one more label.
    new_id = reprint(db, "T4", *boss)
    assert [o.job_id for o in restarted.run_once().outcomes] == [new_id]
    assert len(printed(port)) == (2 if after_send else 1)


def test_two_workers_racing_for_one_job_print_it_once(db: Database) -> None:
    job_id = pack_one(db, "T5", waybill_no="YT5")
    port, clock = printer_for("mock"), Clock()
    first, second = mock_worker(db, port, clock), mock_worker(db, port, clock)
    seen_by_first = first.due_jobs()
    assert [j.id for j in seen_by_first] == [job_id]
    assert second.run_once().printed == 1
    assert first.process(seen_by_first[0]) is None  # its compare-and-set finds the job taken
    assert len(printed(port)) == 1


def test_reprint_and_void_need_a_supervisor_pin_and_leave_audit_records(db: Database) -> None:
    job_id = pack_one(db, "T6", waybill_no="YT6")
    add_user(db, "boss", "supervisor", "2468")
    add_user(db, "pat", "packer", "1357")
    port, clock = printer_for("mock"), Clock()
    worker = mock_worker(db, port, clock)
    worker.run_once()
    for name, pin in (("boss", "0000"), ("pat", "1357"), ("nobody", "2468")):
        with pytest.raises(PermissionDeniedError):
            reprint(db, "T6", name, pin)
        with pytest.raises(PermissionDeniedError):
            void(db, job_id, name, pin)
    assert audit_actions(db) == []
    first = reprint(db, "T6", "boss", "2468")
    second = reprint(db, "T6", "boss", "2468")
    keys = {job(db, first).idempotency_key, job(db, second).idempotency_key}
    assert keys == {"reprint:T6:1", "reprint:T6:2"}
    assert job(db, first).reason == "reprint"
    void(db, second, "boss", "2468")
    assert [o.job_id for o in worker.run_once().outcomes] == [first]
    assert job(db, second).state == "void" and job(db, job_id).state == "printed"
    assert len(printed(port)) == 2
    assert audit_actions(db) == [
        ("boss", "print_reprint", "T6"),
        ("boss", "print_reprint", "T6"),
        ("boss", "print_void", str(second)),
    ]


def test_a_failed_job_moved_to_another_printer_prints_there_at_once(db: Database) -> None:
    job_id = pack_one(db, "T7", waybill_no="YT7")
    broken, spare, clock = printer_for("mock:paper_end"), printer_for("mock"), Clock()
    ports = {"mock:paper_end": broken, "mock": spare}
    worker = PrintWorker(db, ports.__getitem__, default_spec="mock:paper_end", clock=clock)
    assert worker.run_once().failed == 1
    assert job_error(db, job_id) == JobError("paper_end", {"printer": "mock:paper_end"})
    assert move_job(db, job_id, "mock", *supervisor(db)) is True
    outcomes = worker.run_once().outcomes  # no back-off wait after a deliberate move
    assert [(o.state, o.printer_spec) for o in outcomes] == [("printed", "mock")]
    assert len(printed(spare)) == 1 and printed(broken) == []
    assert job(db, job_id).printer_spec == "mock"
    assert ("boss", "print_move", str(job_id)) in audit_actions(db)


def test_moving_a_job_needs_a_supervisor_pin(db: Database) -> None:
    job_id = pack_one(db, "T7b", waybill_no="YT7B")
    add_user(db, "pat", "packer", "1357")
    for name, pin in (("pat", "1357"), ("nobody", "2468")):
        with pytest.raises(PermissionDeniedError):
            move_job(db, job_id, "file:/tmp/anything", name, pin)
    assert job(db, job_id).printer_spec is None and audit_actions(db) == []


def test_failed_jobs_back_off_exponentially_with_a_cap(db: Database) -> None:
    job_id = pack_one(db, "T8", waybill_no="YT8")
    port, clock = printer_for("mock:offline"), Clock()
    worker = mock_worker(db, port, clock)
    waits = []
    for _ in range(8):
        assert worker.run_once().failed == 1
        waited = 0
        while not worker.due_jobs():  # bounded: the cap is 300 s
            clock.advance(1)
            waited += 1
            assert waited <= 301
        waits.append(waited)
    assert waits == [5, 10, 20, 40, 80, 160, 300, 300]
    assert job(db, job_id).attempts == 8
    assert job_error(db, job_id).code == "offline"


def test_batch_queues_packable_orders_in_sort_order_once(db: Database) -> None:
    load(
        db,
        order("B3", TEE, address="广东省 广州市 天河区 体育西路 1号", waybill_no="ZT3"),
        order("B1", TEE, address="北京市 朝阳区 建国路 1号", waybill_no="ZT1"),
        order("B2", TEE, address="上海市 浦东新区 世纪大道 1号", waybill_no="ZT2"),
        order("B0", TEE, address="北京市 海淀区 中关村 1号", waybill_no="ZT0"),
        order("X9", TEE, address="北京市 朝阳区 建国路 2号", status=OrderStatus.CANCELLED),
    )
    with db.transaction() as conn:
        conn.execute(Order.__table__.update().where(Order.order_no == "B2").values(carrier="SF"))
    entries = print_batch(db, bench="pre", printer_spec="mock")
    # carrier, then city, then order number: SF before YTO; 北京市 before 广州市 (code point)
    assert [e.order_no for e in entries] == ["B2", "B0", "B1", "B3"]
    assert print_batch(db, bench="pre", printer_spec="mock") == []  # twice queues nothing
    port = printer_for("mock")
    report = mock_worker(db, port, Clock(), bench="pre").drain()
    assert [o.order_no for o in report.outcomes] == [e.order_no for e in entries]
    texts = [dict((f, t) for f, t in codes(label.image))["QRCode"] for label in printed(port)]
    assert texts == [e.order_no for e in entries]
    with db.session() as session:
        reasons = session.scalars(select(PrintJob.reason).distinct()).all()
        assert reasons == ["batch"]
        assert session.scalar(select(func.count()).select_from(PrintJob)) == 4


def test_a_label_that_cannot_be_rendered_fails_visibly_and_sends_nothing(db: Database) -> None:
    job_id = pack_one(db, "T9", waybill_no="YT 9 with spaces")
    port = printer_for("mock")
    report = mock_worker(db, port, Clock()).run_once()
    assert [o.state for o in report.outcomes] == ["failed"]
    assert job_error(db, job_id) == JobError("label_data", {"order_no": "T9"})
    assert len(port.printer.transport.jobs) == 0


def test_an_order_cancelled_after_packing_gets_no_label_and_waits_for_a_person(
    db: Database,
) -> None:
    job_id = pack_one(db, "T10", waybill_no="YT10")
    load(db, order("T10", TEE, waybill_no="YT10", status=OrderStatus.CANCELLED))
    port, clock = printer_for("mock"), Clock()
    worker = mock_worker(db, port, clock)
    outcomes = worker.run_once().outcomes
    assert [(o.state, o.error_code) for o in outcomes] == [("held", "intercepted")]
    assert job_error(db, job_id) == JobError(
        "intercepted", {"order_no": "T10", "stop": "cancelled"}
    )
    clock.advance(24 * 3600)
    assert worker.run_once().outcomes == []  # held, not retried
    assert len(port.printer.transport.jobs) == 0


def test_run_forever_in_a_thread_prints_and_stops_when_asked(db: Database) -> None:
    port = printer_for("mock")
    seen: list[str] = []
    worker = PrintWorker(
        db, lambda spec: port, default_spec="mock", on_job=lambda o: seen.append(o.state)
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        job_id = pack_one(db, "T11", waybill_no="YT11")
        for _ in range(400):  # bounded wait for the worker thread, not a timing assertion
            if job(db, job_id).state == "printed":
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert job(db, job_id).state == "printed" and seen == ["printed"]
    assert len(printed(port)) == 1


def test_a_job_with_no_printer_anywhere_fails_visibly_instead_of_going_nowhere(
    db: Database,
) -> None:
    job_id = pack_one(db, "T12", waybill_no="YT12", bench="B9")
    port, clock = printer_for("mock"), Clock()
    worker = PrintWorker(db, lambda spec: port, clock=clock)  # no default printer
    outcomes = worker.run_once().outcomes
    assert [(o.state, o.error_code) for o in outcomes] == [("failed", "no_printer")]
    assert job_error(db, job_id) == JobError("no_printer", {"bench": "B9"})
    move_job(db, job_id, "mock", *supervisor(db))
    assert [o.state for o in worker.run_once().outcomes] == ["printed"]
    assert len(printed(port)) == 1
