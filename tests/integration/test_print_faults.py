"""The fault matrix against the real TCP printer emulator over loopback, on both databases.

Each fault leaves the job queued (failed) with its reason in Chinese and English and
nothing printed; once the fault clears and the back-off has passed, it prints exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.bootstrap import label_bytes, printer_emulator, printer_for
from packstation.cli.printing import sample_label_data
from packstation.labels import render_waybill
from packstation.services.printing import PrintWorker
from packstation.services.waybills import move_job
from packstation.storage.database import Database
from tests.integration.test_print_support import Clock, codes, job, job_error, pack_one

# 100x180 mm at 203 dpi is ~144 kB of raster: more than the loopback socket buffers hold,
# so a slow or dropped printer is noticed while the label is still being sent.
SIZE = "100x180"
SHORT_WRITE_TIMEOUT = 0.5

FAULTS = [
    # fault, reason, Chinese words, English words
    ("offline", "offline", "离线", "offline"),
    ("paper_end", "paper_end", "缺纸", "out of paper"),
    ("cover_open", "cover_open", "盖未关好", "cover open"),
    ("cutter_error", "printer_error", "故障", "error"),
    ("slow:4000", "timeout", "超时", "Timed out"),
    ("drop_after:2000", "connection_lost", "连接中断", "connection"),
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


@pytest.mark.parametrize(("fault", "reason", "zh", "en"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_leaves_the_job_queued_then_it_prints_once_cleared(
    db: Database, emulator, fault: str, reason: str, zh: str, en: str
) -> None:
    job_id = pack_one(db, "F1", waybill_no="SF1400000001")
    clock = Clock()
    worker = worker_for(db, emulator.spec, clock)
    emulator.set_fault(fault)

    report = worker.run_once()
    assert [(o.job_id, o.state, o.reason) for o in report.outcomes] == [(job_id, "failed", reason)]
    row, error = job(db, job_id), job_error(db, job_id)
    assert (row.state, row.attempts, error.reason) == ("failed", 1, reason)
    assert zh in error.zh, error.zh
    assert en.lower() in error.en.lower(), error.en
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


@pytest.mark.parametrize("fault", ["paper_near_end", "no_status", "slow:2000000"])
def test_printers_that_can_still_print_print_at_once(db: Database, emulator, fault: str) -> None:
    job_id = pack_one(db, "F2", waybill_no="SF1400000002")
    emulator.set_fault(fault)
    port = printer_for(emulator.spec)
    worker = PrintWorker(db, lambda _spec: port, default_spec=emulator.spec, clock=Clock())
    assert [o.state for o in worker.run_once().outcomes] == ["printed"]
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
    error = job_error(db, job_id)
    assert error.reason == "connection" and dead_spec.removeprefix("tcp:") in error.zh
    assert "Cannot connect" in error.en
    move_job(db, job_id, emulator.spec, actor="packer-A")
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
    assert [(o.state, o.reason) for o in report.outcomes] == [("failed", "outcome_unknown")]
    assert emulator.wait_for_labels(1, timeout=10)
    error = job_error(db, job_id)
    assert "请检查面单" in error.zh and "check the label, reprint if missing" in error.en
    emulator.clear_fault()
    clock.advance(24 * 3600)
    assert worker_for(db, emulator.spec, clock).run_once().outcomes == []
    assert len(emulator.labels) == 1
