"""A bench killed mid-session loses nothing it acknowledged; nothing is acknowledged uncommitted.

The child (crash_child.py) prints `ACK ...` only after `scan()` returned. After SIGKILL the
database must hold every acknowledged unit and at most one more: the scan that committed
but died before its acknowledgement reached stdout.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from packstation.domain.verdicts import Verdict
from packstation.importers.records import BarcodeSpec, ImportedLine
from packstation.services.users import add_user
from packstation.storage.database import Database
from packstation.storage.engine import make_engine
from packstation.storage.tables import Order, PrintJob, ScanEvent
from tests.factories import load, order
from tests.integration.helpers import (
    LineReader,
    counted_units,
    open_sessions,
    row_counts,
    station,
)

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[2]
BOLTS = ImportedLine("BOLT-M6", "内六角螺栓 M6", 100_000, (BarcodeSpec("6970000000017"),))
BOLT_CODE = "6970000000017"
WAIT_S = 30.0  # generous: a loaded CI box; only reached when something is broken


class Child:
    """One bench process: resumes or opens `order_no` and scans bolts until killed."""

    def __init__(self, url: str, bench: str, order_no: str, count: int = 5000) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), url, bench, order_no, BOLT_CODE, str(count)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.out = LineReader(self.proc)
        self.seen: list[str] = []

    def read(self) -> str:
        try:
            line = self.out.next(WAIT_S)
        except EOFError:
            raise AssertionError(f"child ended early: {self._stderr()}") from None
        self.seen.append(line)
        return line

    def kill(self) -> list[str]:
        """SIGKILL, then every line the child managed to print before it died."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=WAIT_S)
        self.seen.extend(self.out.rest(WAIT_S))
        assert self.proc.returncode == -signal.SIGKILL, self._stderr()
        return self.seen

    def _stderr(self) -> str:
        assert self.proc.stderr is not None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT_S)
        return self.proc.stderr.read()[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT_S)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.close()


def acked_units(lines: list[str]) -> int:
    return sum(1 for line in lines
               if line.startswith(f"ACK {BOLT_CODE} ") and line.endswith(Verdict.OK.value))


def order_id(db: Database, order_no: str) -> int:
    with db.transaction() as conn:
        return conn.scalar(select(Order.id).where(Order.order_no == order_no)) or 0


def resumed_units(db_url: str, bench: str) -> int:
    """What a restarted bench finds: a new engine, a new station, resume()."""
    fresh = Database.from_url(db_url)
    try:
        box = station(fresh, bench).resume()
        assert box is not None, "the open session was lost"
        return box.units_packed
    finally:
        fresh.dispose()


def test_kill_after_n_acks_resumes_with_every_acked_unit_and_at_most_one_more(
        db: Database, db_url: str, children: list[Child]) -> None:
    load(db, order("C1", BOLTS))
    child = Child(db_url, "A", "C1")
    children.append(child)
    assert child.read() == "ACK C1 order_opened"
    for _ in range(5):
        assert child.read() == f"ACK {BOLT_CODE} ok"
    acked = acked_units(child.kill())
    assert acked >= 5
    packed = resumed_units(db_url, "A")
    assert acked <= packed <= acked + 1
    assert counted_units(db) == packed
    assert [s[2] for s in open_sessions(db, order_id(db, "C1"))] == ["A"]


def test_kills_at_random_moments_never_lose_an_acknowledged_scan(
        db: Database, db_url: str, children: list[Child]) -> None:
    load(db, order("C1", BOLTS))
    rng = random.Random(os.environ.get("PACKSTATION_TEST_SEED", "crash"))
    previous = 0  # units the database held after the last kill
    for _round in range(3):
        child = Child(db_url, "A", "C1")
        children.append(child)
        child.read()  # the box is open (or resumed): from here on it is a random moment
        time.sleep(rng.uniform(0.0, 0.4))
        lines = child.kill()
        acked = acked_units(lines)
        packed = resumed_units(db_url, "A")
        assert previous + acked <= packed <= previous + acked + 1, lines[-3:]
        assert counted_units(db) == packed
        assert len(open_sessions(db, order_id(db, "C1"))) == 1
        previous = packed
    assert row_counts(db)["pack_sessions"] == 1  # every restart resumed the same box


def test_a_kill_before_the_box_was_acknowledged_leaves_at_most_an_empty_open_box(
        db: Database, db_url: str, children: list[Child]) -> None:
    load(db, order("C1", BOLTS))
    child = Child(db_url, "A", "C1", count=0)
    children.append(child)
    time.sleep(0.05)  # somewhere in start-up, import, connect or the opening scan
    lines = child.kill()
    sessions = open_sessions(db, order_id(db, "C1"))
    if any(line.startswith("ACK C1") for line in lines):
        assert len(sessions) == 1
    assert len(sessions) <= 1
    assert counted_units(db) == 0


# -- committed before acknowledged -------------------------------------------------------

def scan_events(db: Database) -> int:
    with db.transaction() as conn:
        return conn.scalar(select(func.count()).select_from(ScanEvent)) or 0


def test_when_scan_returns_another_connection_already_sees_the_scan(db: Database,
                                                                    db_url: str) -> None:
    load(db, order("T1001"))
    observer = Database.from_url(db_url)
    try:
        bench = station(db)
        for seen, code in enumerate(("T1001", "6901234567892", "nope", "6920000000012",
                                     "6920000000012"), start=1):
            result = bench.scan(code)
            assert scan_events(observer) == seen
            with observer.transaction() as conn:
                latest = conn.scalar(select(ScanEvent.verdict).order_by(ScanEvent.id.desc()))
            assert latest == result.verdict.value
        with observer.transaction() as conn:
            assert conn.scalar(select(func.count()).select_from(PrintJob)) == 1
    finally:
        observer.dispose()


class CommitFails:
    """Makes every commit on one engine fail, as a full disk or a lost server would."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine

    def __enter__(self) -> CommitFails:
        event.listen(self.engine, "commit", self._fail)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "commit", self._fail)

    @staticmethod
    def _fail(_conn: Any) -> None:
        raise OSError("disk full (simulated)")


def test_a_unit_whose_commit_fails_is_neither_acknowledged_nor_stored_nor_counted(
        db: Database, db_url: str) -> None:
    load(db, order("T1001"))
    bench = station(db)
    bench.scan("T1001")
    bench.scan("6920000000012")
    observer = Database.from_url(db_url)  # another connection pool: what others can see
    try:
        before = row_counts(observer)
        with CommitFails(db), pytest.raises(OSError, match="disk full"):
            bench.scan("6920000000012")
        assert row_counts(observer) == before
    finally:
        observer.dispose()
    assert bench.box is not None and bench.box.units_packed == 1  # as the database says
    # The packer rescans the sock that got no answer: it is the second sock, not one too many.
    assert bench.scan("6920000000012").verdict is Verdict.OK
    assert bench.scan("6901234567892").verdict is Verdict.ORDER_COMPLETE
    assert counted_units(db) == 3


def test_a_completion_whose_commit_fails_leaves_the_box_open_and_no_label(
        db: Database) -> None:
    load(db, order("T1001", order().lines[0]))
    bench = station(db)
    bench.scan("T1001")
    before = row_counts(db)
    with CommitFails(db), pytest.raises(OSError):
        bench.scan("6901234567892")
    assert row_counts(db) == before
    assert len(open_sessions(db)) == 1
    assert bench.box is not None and bench.box.units_packed == 0
    done = bench.scan("6901234567892")
    assert done.verdict is Verdict.ORDER_COMPLETE and done.print_job_id is not None
    assert row_counts(db)["print_jobs"] == 1


def test_an_opening_whose_commit_fails_opens_nothing(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    with CommitFails(db), pytest.raises(OSError):
        bench.scan("T1001")
    assert bench.box is None and open_sessions(db) == []
    assert bench.scan("T1001").verdict is Verdict.ORDER_OPENED
    assert bench.scan("6901234567892").verdict is Verdict.OK


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[Database, Path]]:
    path = tmp_path / "locked.db"
    shutil.copy(sqlite_template, path)
    database = Database.from_url(f"sqlite:///{path}")
    yield database, path
    database.dispose()


def test_a_scan_blocked_by_a_locked_sqlite_file_raises_and_stores_nothing(
        sqlite_db: tuple[Database, Path]) -> None:
    db, path = sqlite_db
    load(db, order("T1001"))
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    impatient = Database(engine)
    locker = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        bench = station(impatient)
        bench.scan("T1001")
        before = row_counts(db)
        locker.execute("BEGIN IMMEDIATE")  # another writer holds the file
        with pytest.raises(OperationalError, match="locked"):
            bench.scan("6901234567892")
        locker.execute("ROLLBACK")
        assert row_counts(db) == before
        assert bench.box is not None and bench.box.units_packed == 0
        assert bench.scan("6901234567892").verdict is Verdict.OK
    finally:
        locker.close()
        impatient.dispose()


def test_a_take_over_whose_commit_fails_leaves_the_box_where_it_was(db: Database) -> None:
    add_user(db, "王主管", "supervisor", "2468")
    load(db, order("T1001"))
    old = station(db, "A")
    old.scan("T1001")
    old.scan("6901234567892")
    new = station(db, "B")
    with CommitFails(db), pytest.raises(OSError):
        new.take_over("T1001", "王主管", "2468")
    assert new.box is None
    assert [s[2] for s in open_sessions(db)] == ["A"]
    assert old.scan("6920000000012").verdict is Verdict.OK  # A never lost its box
