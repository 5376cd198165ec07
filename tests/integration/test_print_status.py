"""The read side the packer window and dashboard poll, `print_now` (what `pack --printer`
calls), bench settings, and the 重打 n mark of a reprint, on both databases."""

from __future__ import annotations

import pytest
from PIL import ImageChops
from sqlalchemy import select

from packstation.bootstrap import printer_for
from packstation.errors import UserError
from packstation.labels import render_waybill
from packstation.services.benches import bench_settings, set_bench
from packstation.services.print_jobs import JobError, JobState
from packstation.services.print_queue import NeverPackedError, reprint
from packstation.services.print_status import (
    PrinterLamp,
    bench_printing,
    benches_printing,
    list_jobs,
)
from packstation.services.printer_port import PrintWarning
from packstation.services.printing import PrintWorker, print_now
from packstation.services.waybills import waybill_for_order
from packstation.storage.database import Database
from packstation.storage.tables import Order
from tests.factories import TEE, load, order
from tests.integration.test_print_queue import CrashingPort, SimulatedCrash
from tests.integration.test_print_support import Clock, job, pack_one, supervisor


def test_bench_printing_gives_the_lamp_and_the_jobs_by_state(db: Database) -> None:
    set_bench(db, "A", printer_spec="mock:paper_near_end")
    first, second = pack_one(db, "L1", bench="A"), pack_one(db, "L2", bench="A")
    clock = Clock()
    ports = {"mock:paper_near_end": printer_for("mock:paper_near_end")}
    worker = PrintWorker(db, ports.__getitem__, clock=clock, batch_limit=1)
    assert [(o.job_id, o.warning) for o in worker.run_once().outcomes] == [
        (first, PrintWarning.PAPER_NEAR_END)
    ]
    view = bench_printing(db, "A")
    assert view is not None and view.printer is PrinterLamp.PAPER_NEAR_END
    assert view.printer_spec == "mock:paper_near_end" and view.printer_seen_at is not None
    assert view.counts == {JobState.PRINTED: 1, JobState.PENDING: 1}
    assert [j.job_id for j in view.jobs_in(JobState.PENDING)] == [second]

    set_bench(db, "A", printer_spec="mock:paper_end")
    ports["mock:paper_end"] = printer_for("mock:paper_end")
    assert worker.run_once().failed == 1
    view = bench_printing(db, "A")
    assert view is not None and view.printer is PrinterLamp.PAPER_OUT
    [failed] = view.jobs_in(JobState.FAILED)
    assert failed.error == JobError("paper_end", {"printer": "mock:paper_end"})
    assert failed.retry_at is not None and failed.retry_at > failed.updated_at
    assert failed.order_no == "L2" and failed.printer_spec is None  # follows the bench's

    set_bench(db, "Idle")
    idle = bench_printing(db, "Idle")
    assert idle is not None and idle.printer is PrinterLamp.UNKNOWN and idle.counts == {}
    assert [b.bench for b in benches_printing(db)] == ["A", "Idle"]
    assert bench_printing(db, "Nobody") is None


def test_a_job_on_the_wire_shows_the_bench_printer_printing(db: Database) -> None:
    set_bench(db, "A")
    job_id = pack_one(db, "L3", bench="A")
    port = printer_for("mock")
    crashing = PrintWorker(
        db, lambda _s: CrashingPort(port, after_send=True), default_spec="mock", clock=Clock()
    )
    with pytest.raises(SimulatedCrash):
        crashing.run_once()
    view = bench_printing(db, "A")
    assert view is not None and view.printer is PrinterLamp.PRINTING
    assert [j.job_id for j in view.jobs_in(JobState.SENDING)] == [job_id]
    assert [v.state for v in list_jobs(db, bench="A")] == [JobState.SENDING]


def test_print_now_prints_one_job_on_the_given_printer_once(db: Database) -> None:
    job_id = pack_one(db, "N1", bench="A")  # the bench has no printer
    port = printer_for("mock")
    outcome = print_now(db, job_id, "mock", printers=lambda _s: port)
    assert (outcome.job_id, outcome.state, outcome.printer_spec) == (job_id, "printed", "mock")
    assert outcome.error is None and outcome.warning is None
    again = print_now(db, job_id, "mock", printers=lambda _s: port)
    assert (again.state, again.attempts) == ("printed", 1)
    assert len(port.printer.transport.printed_labels) == 1  # never twice
    assert job(db, job_id).printer_spec == "mock"


def test_print_now_reports_a_failure_and_a_warning(db: Database) -> None:
    job_id = pack_one(db, "N2")
    broken = print_now(db, job_id, "mock:cover_open", printers=printer_for)
    assert (broken.state, broken.error) == (
        "failed",
        JobError("cover_open", {"printer": "mock:cover_open"}),
    )
    low = print_now(db, job_id, "mock:paper_near_end", printers=printer_for)
    assert (low.state, low.warning) == ("printed", PrintWarning.PAPER_NEAR_END)
    with pytest.raises(UserError):
        print_now(db, 999_999, "mock", printers=printer_for)


def test_bench_settings_are_set_and_read_back(db: Database) -> None:
    assert bench_settings(db, "B1") is None
    settings = set_bench(db, "B1", printer_spec="tcp:10.0.0.7:9100", label_size="76x130")
    assert (settings.printer_spec, settings.label_size) == ("tcp:10.0.0.7:9100", "76x130")
    assert set_bench(db, "B1", label_size="100x180").printer_spec == "tcp:10.0.0.7:9100"
    with pytest.raises(UserError):
        set_bench(db, "B1", label_size="4x6")
    with pytest.raises(UserError):
        set_bench(db, " ", printer_spec="mock")


def test_a_reprinted_label_carries_its_reprint_mark(db: Database) -> None:
    job_id = pack_one(db, "R1", waybill_no="YT8000000001")
    port, clock = printer_for("mock"), Clock()
    worker = PrintWorker(db, lambda _s: port, default_spec="mock", clock=clock)
    worker.run_once()
    boss = supervisor(db)
    first, second = reprint(db, "R1", *boss), reprint(db, "R1", *boss)
    worker.run_once()
    printed = port.printer.transport.printed_labels
    assert len(printed) == 3 and job(db, job_id).state == "printed"
    with db.transaction() as conn:
        order_id = conn.scalar(select(Order.id).where(Order.order_no == "R1"))
        for n, label in enumerate(printed):
            data = waybill_for_order(
                conn, order_id, bench="A", printed_at=clock().astimezone(), reprint=n
            )
            expected = render_waybill(data, "100x150", 203).image
            got = label.image.crop((0, 0, *expected.size)).convert("1")
            assert ImageChops.difference(got.convert("L"), expected.convert("L")).getbbox() is None
    assert [job(db, j).idempotency_key for j in (first, second)] == ["reprint:R1:1", "reprint:R1:2"]


def test_the_waybill_of_an_order_never_packed_cannot_be_reprinted(db: Database) -> None:
    load(db, order("R2", TEE, waybill_no="YT8000000002"))
    with pytest.raises(NeverPackedError) as info:
        reprint(db, "R2", *supervisor(db))
    assert "R2" in info.value.zh and "never packed" in info.value.en
    assert list_jobs(db, include_done=True) == ()


def test_polling_a_bench_printer_records_its_lamp_for_every_pc(db: Database) -> None:
    set_bench(db, "A", printer_spec="mock:cover_open")
    worker = PrintWorker(db, printer_for, clock=Clock())
    assert worker.poll_printer("A") is PrinterLamp.COVER_OPEN
    view = bench_printing(db, "A")
    assert view is not None and view.printer is PrinterLamp.COVER_OPEN
    set_bench(db, "B")  # no printer set: nothing to ask
    assert worker.poll_printer("B") is PrinterLamp.UNKNOWN
