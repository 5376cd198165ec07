"""The fault matrix against the real TCP printer emulator over loopback, on both databases.

Each fault leaves the job queued (failed) with its reason code and printer and nothing
printed; once the fault clears and the back-off has passed, it prints exactly once. A
label that may have come out (sent, then silence or a fault) is held for a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.bootstrap import label_bytes, printer_emulator, printer_for
from packstation.cli.printing import sample_label_data
from packstation.labels import render_waybill
from packstation.services.print_jobs import JobError
from packstation.services.print_queue import move_job
from packstation.services.printing import PrintWorker
from packstation.storage.database import Database
from tests.integration.test_print_support import (
    Clock,
    codes,
    job,
    job_error,
    pack_one,
    supervisor,
)

# 100x180 mm at 203 dpi is ~144 kB of raster: more than the loopback socket buffers hold,
# so a slow or dropped printer is noticed while the label is still being sent.
SIZE = "100x180"
SHORT_WRITE_TIMEOUT = 0.5

FAULTS = [
    # fault, reason code, whether part of the label may have left (a torn half)
    ("offline", "offline", False),
    ("paper_end", "paper_end", False),
    ("cover_open", "cover_open", False),
    ("cutter_error", "printer_error", False),
    ("slow:4000", "timeout", True),
    ("drop_after:2000", "connection_lost", True),
]


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[object]:
    emu = printer_emulator("127.0.0.1", 0, str(tmp_path / "labels")).start()
    try:
        yield emu
    finally:
        emu.stop()


def worker_for(db: Database, spec: str, clock: Clock) -> PrintWorker:
    port = printer_for(spec, write_timeout=SHORT_WRITE_TIMEOUT, connect_timeout=2.0)
    return PrintWorker(db, lambda _spec: port, default_spec=spec, size=SIZE, clock=clock)


@pytest.mark.parametrize(("fault", "reason", "partial"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_leaves_the_job_queued_then_it_prints_once_cleared(
    db: Database, emulator, fault: str, reason: str, partial: bool
) -> None:
    job_id = pack_one(db, "F1", waybill_no="SF1400000001")
    clock = Clock()
    worker = worker_for(db, emulator.spec, clock)
    emulator.set_fault(fault)

    report = worker.run_once()
    assert [(o.job_id, o.state, o.error_code) for o in report.outcomes] == [
        (job_id, "failed", reason)
    ]
    row, error = job(db, job_id), job_error(db, job_id)
    assert (row.state, row.attempts, error.code) == ("failed", 1, reason)
    expected = {"printer": emulator.spec, **({"partial": True} if partial else {})}
    assert dict(error.params) == expected
    assert len(emulator.labels) == 0

    emulator.clear_fault()
    assert worker.run_once().outcomes == []  # still backing off: no hammering
    clock.advance(worker.backoff.delay(1).total_seconds())
    outcomes = worker.run_once().outcomes
    assert [(o.job_id, o.state) for o in outcomes] == [(job_id, "printed")]
    assert emulator.wait_for_labels(1, timeout=10)
    clock.advance(3600)
    assert worker.run_once().outcomes == []
    assert len(emulator.labels) == 1
    assert codes(emulator.labels[0].image) == {("Code128", "SF1400000001"), ("QRCode", "F1")}
    assert job(db, job_id).state == "printed"


@pytest.mark.parametrize(
    ("fault", "warning"),
    [("paper_near_end", "paper_near_end"), ("no_status", "unconfirmed"), ("slow:2000000", None)],
)
def test_printers_that_can_still_print_print_at_once(
    db: Database, emulator, fault: str, warning: str | None
) -> None:
    """Paper near end prints, and the warning reaches the caller with the outcome."""
    job_id = pack_one(db, "F2", waybill_no="SF1400000002")
    emulator.set_fault(fault)
    port = printer_for(emulator.spec, status_timeout=0.3)
    worker = PrintWorker(db, lambda _spec: port, default_spec=emulator.spec, clock=Clock())
    assert [(o.state, o.warning) for o in worker.run_once().outcomes] == [("printed", warning)]
    assert emulator.wait_for_labels(1, timeout=10)
    assert job(db, job_id).state == "printed" and len(emulator.labels) == 1


def test_unreachable_printer_fails_with_its_address_then_moves_to_a_working_one(
    db: Database, emulator, tmp_path: Path
) -> None:
    dead = printer_emulator("127.0.0.1", 0, None)
    dead_spec = dead.spec
    dead.stop()  # nothing listens there any more: connection refused
    job_id = pack_one(db, "F3", waybill_no="SF1400000003")
    clock = Clock()
    worker = PrintWorker(
        db, lambda spec: printer_for(spec, connect_timeout=2.0), default_spec=dead_spec, clock=clock
    )
    assert worker.run_once().failed == 1
    assert job_error(db, job_id) == JobError("connection", {"printer": dead_spec})
    move_job(db, job_id, emulator.spec, *supervisor(db))
    assert [o.state for o in worker.run_once().outcomes] == ["printed"]
    assert emulator.wait_for_labels(1, timeout=10) and len(emulator.labels) == 1


def test_connection_lost_after_the_whole_label_was_sent_is_held_not_reprinted(
    db: Database, emulator
) -> None:
    """The printer took every byte, then the link died: the label may exist, a person decides."""
    job_id = pack_one(db, "F4", waybill_no="SF1400000004")
    sample = render_waybill(sample_label_data(), SIZE, 203)  # raw raster: same length for all
    status_queries = 3 * 3  # DLE EOT 1, 2, 4 before sending
    emulator.set_fault(f"drop_after:{status_queries + len(label_bytes(sample.image))}")
    clock = Clock()
    report = worker_for(db, emulator.spec, clock).run_once()
    assert [(o.state, o.error_code) for o in report.outcomes] == [("held", "outcome_unknown")]
    assert emulator.wait_for_labels(1, timeout=10)
    error = job_error(db, job_id)
    assert dict(error.params) == {"printer": emulator.spec, "cause": "connection_lost"}
    assert job(db, job_id).state == "held"
    emulator.clear_fault()
    clock.advance(24 * 3600)
    assert worker_for(db, emulator.spec, clock).run_once().outcomes == []
    assert len(emulator.labels) == 1
