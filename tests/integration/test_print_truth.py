""""Printed" means the printer took every byte and answered (issue 11 §3), against the real
TCP emulator: a slow printer is not marked printed while the label is still in flight, and
a printer that goes away right after the send leaves the job held, not printed.

The emulator's speed is 20 kB/s here (the issue used 5 kB/s): enough for ~50 kB of the
label to still sit in the socket buffers when the write returns, with a shorter test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from packstation.printers.transport_tcp import TcpTransport

from packstation.bootstrap import printer_emulator, printer_for
from packstation.services.printing import JobOutcome, PrintWorker
from packstation.storage.database import Database
from tests.integration.test_print_support import Clock, job, job_error, pack_one

SIZE = "76x130"  # ~80 kB of raster: about 4 s at the emulator's 20 kB/s
SLOW = "slow:20000"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[object]:
    emu = printer_emulator("127.0.0.1", 0, str(tmp_path / "labels")).start()
    try:
        yield emu
    finally:
        emu.stop()


def test_a_slow_printer_job_is_printed_only_after_the_printer_took_every_byte(
    db: Database, emulator
) -> None:
    job_id = pack_one(db, "S1", waybill_no="SF1600000001")
    emulator.set_fault(SLOW)
    labels_out_when_marked: list[int] = []

    def seen(outcome: JobOutcome) -> None:
        labels_out_when_marked.append(emulator.printed)

    port = printer_for(emulator.spec)
    worker = PrintWorker(
        db, lambda _spec: port, default_spec=emulator.spec, size=SIZE, clock=Clock(), on_job=seen
    )
    outcomes = worker.run_once().outcomes
    assert [(o.job_id, o.state, o.warning) for o in outcomes] == [(job_id, "printed", None)]
    assert labels_out_when_marked == [1]  # the whole label was out before "printed"
    assert job(db, job_id).state == "printed"


def test_a_printer_stopped_right_after_the_send_leaves_the_job_held_not_printed(
    db: Database, emulator
) -> None:
    """The issue's scenario: stop the emulator the moment the last byte left."""
    job_id = pack_one(db, "S2", waybill_no="SF1600000002")
    emulator.set_fault(SLOW)

    class StopAfterSend(TcpTransport):
        def write(self, data: bytes) -> None:
            super().write(data)
            if len(data) > 100:  # the label, not a status query
                emulator.stop()

    port = printer_for(emulator.spec)
    port.printer.transport = StopAfterSend(emulator.host, emulator.port)
    clock = Clock()
    worker = PrintWorker(db, lambda _spec: port, default_spec=emulator.spec, size=SIZE, clock=clock)
    outcomes = worker.run_once().outcomes
    assert [(o.state, o.error_code) for o in outcomes] == [("held", "outcome_unknown")]
    row, error = job(db, job_id), job_error(db, job_id)
    assert (row.state, row.printed_at) == ("held", None)
    assert error.params["cause"] in ("connection_lost", "no_answer")
    assert emulator.printed == 0  # no label ever came out
    clock.advance(24 * 3600)
    assert worker.run_once().outcomes == []  # held: never retried on its own


def test_silence_after_the_send_is_held_even_if_the_label_then_comes_out(
    db: Database, emulator
) -> None:
    """A printer that answered before the label and not after it: the label may or may not
    exist, so a person decides (here it did come out: the job must still not be retried)."""
    job_id = pack_one(db, "S3", waybill_no="SF1600000003")
    emulator.set_fault(SLOW)

    class SilentAfterSend(TcpTransport):
        def write(self, data: bytes) -> None:
            super().write(data)
            if len(data) > 100:
                emulator.set_fault("no_status")  # keeps printing, stops answering

    port = printer_for(emulator.spec, ack_timeout=3.0)
    port.printer.transport = SilentAfterSend(emulator.host, emulator.port)
    clock = Clock()
    worker = PrintWorker(db, lambda _spec: port, default_spec=emulator.spec, size=SIZE, clock=clock)
    outcomes = worker.run_once().outcomes
    assert [(o.state, o.error_code) for o in outcomes] == [("held", "outcome_unknown")]
    assert job_error(db, job_id).params["cause"] == "no_answer"
    assert emulator.wait_for_labels(1, timeout=10)
    emulator.clear_fault()
    clock.advance(24 * 3600)
    assert worker.run_once().outcomes == [] and emulator.printed == 1
