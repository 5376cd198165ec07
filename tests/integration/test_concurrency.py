"""Two benches opening the same order at the same moment: exactly one session, one loser.

At most one open session per order is the database's rule (a partial unique index), not
process memory: each bench below has its own engine, thread or process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from packstation.domain.verdicts import Verdict
from packstation.services.boxes import ScanResult
from packstation.services.packing import PackingStation
from packstation.services.users import add_user
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession, PrintJob
from tests.factories import MUG, load, order
from tests.integration.helpers import (
    WAIT_S,
    LineReader,
    open_sessions,
    row_counts,
    run_while_held,
    station,
)

CHILD = Path(__file__).with_name("race_child.py")
REPO = Path(__file__).resolve().parents[2]
ROUNDS = 20
MUG_CODE = "6930000000028"


@pytest.fixture
def race_orders(db: Database) -> list[str]:
    numbers = [f"R{n:03d}" for n in range(ROUNDS)]
    load(db, *(order(no, MUG) for no in numbers))
    return numbers


def assert_one_winner(db: Database, order_no: str, results: dict[str, tuple[str, str]]) -> None:
    """`results`: bench -> (verdict, other bench). One opened, the other was told where."""
    by_verdict = {verdict: bench for bench, (verdict, _other) in results.items()}
    assert set(by_verdict) == {Verdict.ORDER_OPENED.value,
                               Verdict.IN_PROGRESS_ELSEWHERE.value}, (order_no, results)
    winner = by_verdict[Verdict.ORDER_OPENED.value]
    loser = by_verdict[Verdict.IN_PROGRESS_ELSEWHERE.value]
    assert results[loser][1] == winner
    with db.transaction() as conn:
        order_id = conn.scalar(select(Order.id).where(Order.order_no == order_no))
    assert [bench for _sid, _oid, bench in open_sessions(db, order_id)] == [winner]


def race(benches: dict[str, Database],
         action: Callable[[PackingStation], ScanResult]) -> dict[str, ScanResult]:
    """Run `action` on one fresh station per bench, each in its own thread, released at once."""
    barrier = threading.Barrier(len(benches), timeout=WAIT_S)
    results: dict[str, ScanResult] = {}
    errors: list[BaseException] = []

    def run(bench: str, bench_db: Database) -> None:
        try:
            bench_station = station(bench_db, bench)
            barrier.wait()
            results[bench] = action(bench_station)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in benches.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    return results


@pytest.fixture
def bench_dbs(db_url: str) -> Iterator[dict[str, Database]]:
    """Two benches, each with its own engine (its own connection pool)."""
    benches = {"A": Database.from_url(db_url), "B": Database.from_url(db_url)}
    yield benches
    for bench_db in benches.values():
        bench_db.dispose()


def test_two_threads_opening_one_order_at_once_get_one_session(
        db: Database, bench_dbs: dict[str, Database], race_orders: list[str]) -> None:
    for order_no in race_orders:
        results = race(bench_dbs, lambda bench, order_no=order_no: bench.scan(order_no))
        assert_one_winner(db, order_no, {
            bench: (r.verdict.value, r.other_bench or "-") for bench, r in results.items()})
    assert len(open_sessions(db)) == ROUNDS
    assert row_counts(db)["pack_sessions"] == ROUNDS


def test_two_single_item_wave_benches_never_open_the_same_order(
        db: Database, db_url: str, race_orders: list[str]) -> None:
    benches = {name: Database.from_url(db_url) for name in ("A", "B")}
    two_mugs = MUG._replace(quantity=2)
    load(db, *(order(f"W{n:02d}", two_mugs) for n in range(10)))  # after R*: the R* go first

    def wave_scan(bench: PackingStation) -> ScanResult:
        bench.settings = replace(bench.settings, single_item_wave=True)
        return bench.scan(MUG_CODE)

    try:
        opened: list[str] = []
        for _round in range(ROUNDS // 2):
            results = race(benches, wave_scan)
            assert {r.verdict for r in results.values()} == {Verdict.ORDER_COMPLETE}
            opened += [r.order_no or "" for r in results.values()]
    finally:
        for bench_db in benches.values():
            bench_db.dispose()
    assert sorted(opened) == race_orders  # each single-mug order exactly once, oldest first
    assert open_sessions(db) == []
    assert row_counts(db)["print_jobs"] == ROUNDS


def test_a_wave_bench_and_a_bench_opening_by_number_never_pack_one_order_twice(
        db: Database, bench_dbs: dict[str, Database], race_orders: list[str]) -> None:
    """A wave bench opens and completes a one-mug order in one transaction: a bench opening
    the same order by its number at that moment must not get a box for a packed order."""

    def oldest_waiting() -> str:
        with db.transaction() as conn:
            return conn.scalar(
                select(Order.order_no).where(Order.status == "paid").order_by(Order.id)) or ""

    for _round in range(ROUNDS // 2):
        target = oldest_waiting()

        def act(bench: PackingStation, target: str = target) -> ScanResult:
            if bench.settings.bench == "A":
                bench.settings = replace(bench.settings, single_item_wave=True)
                return bench.scan(MUG_CODE)
            return bench.scan(target)

        results = race(bench_dbs, act)
        assert results["A"].verdict is Verdict.ORDER_COMPLETE
        by_number = results["B"]
        assert by_number.verdict in (Verdict.ORDER_OPENED, Verdict.ALREADY_PACKED,
                                     Verdict.IN_PROGRESS_ELSEWHERE), by_number
        if by_number.verdict is Verdict.ORDER_OPENED:
            assert results["A"].order_no != target
            finisher = station(bench_dbs["B"], "B")
            assert finisher.resume() is not None
            assert finisher.scan(MUG_CODE).verdict is Verdict.ORDER_COMPLETE
        with db.transaction() as conn:
            per_order = conn.execute(select(PrintJob.order_id, func.count())
                                     .group_by(PrintJob.order_id)).all()
        assert all(n == 1 for _order, n in per_order), per_order
        assert open_sessions(db) == []


class Bench:
    def __init__(self, url: str, name: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), url, name], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.out = LineReader(self.proc)

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        try:
            self.proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=WAIT_S)


@pytest.fixture
def two_benches(db_url: str) -> Iterator[list[Bench]]:
    benches = [Bench(db_url, "A"), Bench(db_url, "B")]
    yield benches
    for bench in benches:
        bench.close()


def test_two_processes_opening_one_order_at_once_get_one_session(
        db: Database, race_orders: list[str], two_benches: list[Bench]) -> None:
    for bench in two_benches:
        assert bench.out.next(WAIT_S) == "READY"
    for order_no in race_orders:
        for bench in two_benches:  # both get the order as close together as pipes allow
            assert bench.proc.stdin is not None
            bench.proc.stdin.write(order_no + "\n")
        for bench in two_benches:
            assert bench.proc.stdin is not None
            bench.proc.stdin.flush()
        results = {}
        for bench in two_benches:
            scanned, verdict, other = bench.out.next(WAIT_S).split(" ")
            assert scanned == order_no
            results[bench.name] = (verdict, other)
        assert_one_winner(db, order_no, results)
    assert len(open_sessions(db)) == ROUNDS
    assert row_counts(db)["pack_sessions"] == ROUNDS


def test_two_supervisors_taking_over_one_box_at_once_leave_one_session(
        db: Database, db_url: str) -> None:
    add_user(db, "王主管", "supervisor", "2468")
    numbers = [f"K{n:02d}" for n in range(5)]
    load(db, *(order(no) for no in numbers))
    benches = {name: Database.from_url(db_url) for name in ("B", "C")}
    take_overs = 0
    try:
        for order_no in numbers:
            station(db, "A").scan(order_no)
            results = race(benches, lambda bench, order_no=order_no: bench.take_over(
                order_no, "王主管", "2468"))
            verdicts = sorted(r.verdict.value for r in results.values())
            # Serialised (SQLite), the second supervisor takes the box from the first; in a
            # true race (PostgreSQL) the second is told where the box went.
            assert verdicts in (["order_opened", "order_opened"],
                                ["in_progress_elsewhere", "order_opened"]), verdicts
            with db.transaction() as conn:
                order_id = conn.scalar(select(Order.id).where(Order.order_no == order_no))
            (session,) = open_sessions(db, order_id)
            holder = results[session[2]]
            assert holder.verdict is Verdict.ORDER_OPENED and holder.box is not None
            take_overs += verdicts.count("order_opened")
            # the supervisor's creation, then only take-overs that happened
            assert row_counts(db)["audit"] == 1 + take_overs
    finally:
        for bench_db in benches.values():
            bench_db.dispose()


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_bench_that_waited_on_an_open_and_complete_in_one_transaction_sees_it_packed(
        db: Database, db_url: str) -> None:
    """Deterministic form of the race above: bench B's session insert waits on a wave
    bench's uncommitted open-and-complete of the same order; after that commits, B must
    answer already_packed, not open a box for a packed order."""
    load(db, order("R1", MUG))
    with db.transaction() as conn:
        order_id = conn.scalar(select(Order.id).where(Order.order_no == "R1"))
    wave = Database.from_url(db_url)
    try:
        with wave.engine.connect() as conn:
            trans = conn.begin()  # what a wave bench's one transaction does, held open
            wave_pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() or 0
            session_id = conn.scalar(insert(PackSession).values(
                order_id=order_id, bench="A", state="open", order_version=1,
                opened_at=datetime.now(UTC)).returning(PackSession.id))
            conn.execute(update(PackSession).where(PackSession.id == session_id)
                         .values(state="completed"))
            conn.execute(update(Order).where(Order.id == order_id).values(status="packed"))
            # B's session insert now waits on the index
            finish = run_while_held(db, wave_pid, lambda: station(db, "B").scan("R1"))
            trans.commit()
        result = [finish()]
    finally:
        wave.dispose()
    assert [r.verdict for r in result] == [Verdict.ALREADY_PACKED]
    assert open_sessions(db) == []
    with db.transaction() as conn:
        benches = conn.scalars(select(PackSession.bench)).all()
    assert benches == ["A"]  # B's session was taken back



@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_completing_scan_that_waited_on_a_take_over_does_not_seal_the_moved_box(
        db: Database, db_url: str) -> None:
    """A supervisor moves bench A's box to bench B while A scans its last unit. A's scan
    waits for the take-over; once that commits, A must hear the box moved, and the order
    must stay unpacked with no label queued (B now holds the box)."""
    load(db, order("R1", MUG))
    bench_a = station(db, "A")
    assert bench_a.scan("R1").verdict is Verdict.ORDER_OPENED
    session_a = bench_a.box.session_id if bench_a.box else None
    supervisor = Database.from_url(db_url)
    try:
        with supervisor.engine.connect() as conn:
            trans = conn.begin()  # what `take_over` writes, held open
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() or 0
            conn.execute(update(PackSession).where(PackSession.id == session_a)
                         .values(state="taken_over"))
            order_id = conn.scalar(select(Order.id).where(Order.order_no == "R1"))
            conn.execute(insert(PackSession).values(
                order_id=order_id, bench="B", state="open", order_version=1,
                taken_over_from=session_a, opened_at=datetime.now(UTC)))
            # A's scan now waits on the take-over
            finish = run_while_held(db, pid, lambda: bench_a.scan(MUG_CODE))
            trans.commit()
        result = [finish()]
    finally:
        supervisor.dispose()
        bench_a.close()
    assert [(r.verdict, r.other_bench) for r in result] == [(Verdict.IN_PROGRESS_ELSEWHERE, "B")]
    with db.transaction() as conn:
        assert conn.scalar(select(Order.status).where(Order.order_no == "R1")) == "paid"
        assert conn.scalar(select(func.count()).select_from(PrintJob)) == 0
    assert [bench for _sid, _oid, bench in open_sessions(db)] == ["B"]
