"""Small shared pieces for the integration tests: a hand-driven clock, row counts, and
actions run while another connection holds a lock."""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select, text

from packstation.domain.codes import CodeRules
from packstation.domain.verdicts import Verdict
from packstation.services.packing import PackingStation, StationSettings
from packstation.storage.database import Database
from packstation.storage.tables import Base, Order, PackSession, ScanEvent

HUMAN_PACE_S = 1.0  # a person rescanning: well outside the bounce window
WAIT_S = 30.0  # for a thread to reach a held lock, or to finish once it is released
T = TypeVar("T")


@dataclass
class ManualClock:
    """A monotonic clock the test drives: each reading moves on by `step` seconds."""

    now: float = 1000.0
    step: float = HUMAN_PACE_S

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def station(db: Database, bench: str = "A", *, clock: ManualClock | None = None,
            rules: CodeRules | None = None, single_item_wave: bool = False,
            print_on_completion: bool = True) -> PackingStation:
    settings = StationSettings(bench=bench, packer=f"packer-{bench}",
                               code_rules=rules or CodeRules(),
                               single_item_wave=single_item_wave,
                               print_on_completion=print_on_completion)
    return PackingStation(db, settings, clock=clock or ManualClock())


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table of the schema."""
    with db.transaction() as conn:
        return {table.name: conn.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def open_sessions(db: Database, order_id: int | None = None) -> list[tuple[int, int, str]]:
    """(session id, order id, bench) of every open session, optionally of one order."""
    query = select(PackSession.id, PackSession.order_id, PackSession.bench).where(
        PackSession.state == "open")
    if order_id is not None:
        query = query.where(PackSession.order_id == order_id)
    with db.transaction() as conn:
        return [tuple(row) for row in conn.execute(query.order_by(PackSession.id))]


def counted_units(db: Database, session_ids: list[int] | None = None) -> int:
    """Units the scan log says went into boxes (of some sessions, or of all)."""
    query = select(func.coalesce(func.sum(ScanEvent.units), 0))
    if session_ids is not None:
        query = query.where(ScanEvent.session_id.in_(session_ids))
    with db.transaction() as conn:
        return int(conn.scalar(query) or 0)


class LineReader:
    """Lines of a child's stdout, read by a thread so a wait can never hang the test."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(proc,), daemon=True)
        self._thread.start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def next(self, timeout: float = 30.0) -> str:
        """The next complete line; raises if the child ended or said nothing in time."""
        line = self._lines.get(timeout=timeout)
        if line is None:
            raise EOFError("child closed its stdout")
        return line.rstrip("\n")

    def rest(self, timeout: float = 30.0) -> list[str]:
        """Every remaining line until the child's stdout closes (after it died)."""
        lines = []
        while (line := self._lines.get(timeout=timeout)) is not None:
            if line.endswith("\n"):  # a line cut off by the kill was never acknowledged
                lines.append(line.rstrip("\n"))
        self._thread.join(timeout)
        return lines


def blocked_by(db: Database, pid: int) -> bool:
    """PostgreSQL: whether any backend is waiting for a lock held by backend `pid`."""
    with db.transaction() as conn:
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
            {"pid": pid}))


def run_while_held(db: Database, pid: int, action: Callable[[], T]) -> Callable[[], T]:
    """Start `action` in a thread and wait until it waits on backend `pid`'s locks.

    Returns a function that joins the thread (call it after the holder committed).
    """
    outcome: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not blocked_by(db, pid):
        assert thread.is_alive(), ("finished without waiting on the held lock", outcome, errors)
        assert time.monotonic() < deadline, "never reached the held lock"
        time.sleep(0.01)

    def finish() -> T:
        thread.join(WAIT_S)
        assert not thread.is_alive()
        assert not errors, errors
        return outcome[0]

    return finish


def scan_all(bench: PackingStation, *codes: str) -> list[Verdict]:
    return [bench.scan(code).verdict for code in codes]


def order_row(db: Database, order_no: str) -> tuple[str, str | None, int]:
    with db.transaction() as conn:
        row = conn.execute(select(Order.status, Order.intercept_reason, Order.id)
                           .where(Order.order_no == order_no)).one()
    return row.status, row.intercept_reason, row.id


def session_states(db: Database) -> list[tuple[str, str]]:
    with db.transaction() as conn:
        return [tuple(r) for r in conn.execute(
            select(PackSession.bench, PackSession.state).order_by(PackSession.id))]


def count(db: Database, table: type) -> int:
    with db.transaction() as conn:
        return conn.scalar(select(func.count()).select_from(table)) or 0
