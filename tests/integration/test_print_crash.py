"""A real crash: the print worker process is killed (SIGKILL) while a label is on the wire.

The job must end `held` ("outcome unknown"), no later worker may print it again on its
own, and a supervisor's reprint prints exactly one more label.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.bootstrap import printer_emulator, printer_for
from packstation.services.print_queue import reprint
from packstation.services.printing import PrintWorker
from packstation.services.users import add_user
from packstation.storage.database import Database
from tests.integration.test_print_support import Clock, codes, job, job_error, pack_one

POLL_S = 0.05
MAX_WAIT_S = 30.0


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[object]:
    emu = printer_emulator("127.0.0.1", 0, str(tmp_path / "labels")).start()
    try:
        yield emu
    finally:
        emu.stop()


def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition with a hard limit, so a broken child fails the test, never hangs it."""
    deadline = time.monotonic() + MAX_WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(POLL_S)


def test_worker_killed_mid_send_never_prints_the_label_twice(
    db: Database, db_url: str, emulator
) -> None:
    job_id = pack_one(db, "K1", waybill_no="SF1500000001")
    emulator.set_fault("slow:2000")  # the label takes over a minute: plenty of time to kill
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packstation",
            "--db",
            db_url,
            "print-queue",
            "--printer",
            emulator.spec,
            "--size",
            "100x180",
            "--interval",
            "0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Status is asked after the claim committed and before the label goes out.
        wait_until(
            lambda: emulator.status_requests >= 3 or child.poll() is not None,
            "the worker to start sending",
        )
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=MAX_WAIT_S) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
    emulator.clear_fault()
    wait_until(lambda: emulator.partial >= 1, "the emulator to see the cut-off label")

    assert job(db, job_id).state == "sending"  # what the killed worker left behind

    clock = Clock()
    clock.advance(24 * 3600)
    port = printer_for(emulator.spec)
    worker = PrintWorker(db, lambda spec: port, default_spec=emulator.spec, clock=clock)
    assert worker.run_once().outcomes == []
    assert len(emulator.labels) == 0
    row, error = job(db, job_id), job_error(db, job_id)
    assert (row.state, row.attempts, error.code) == ("held", 1, "outcome_unknown")
    assert error.params == {"cause": "interrupted"}

    add_user(db, "boss", "supervisor", "2468")
    new_id = reprint(db, "K1", "boss", "2468")
    assert [(o.job_id, o.state) for o in worker.run_once().outcomes] == [(new_id, "printed")]
    assert emulator.wait_for_labels(1, timeout=10) and len(emulator.labels) == 1
    assert codes(emulator.labels[0].image) == {("Code128", "SF1500000001"), ("QRCode", "K1")}
