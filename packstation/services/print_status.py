"""What the packer window's printer lamp and the dashboard's queue view read: per bench,
its printer's last known state and its jobs by state, as plain frozen values.

Read-only and cheap enough to poll every second: one query for the benches, one for the
open jobs (bounded), one for counts. The state a worker last saw is stored on the bench
(`record_printer_state`), so every PC on the database sees the same lamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, func, select, update

from packstation.services.print_jobs import (
    OPEN_STATES,
    Backoff,
    JobError,
    JobState,
    aware,
)
from packstation.storage.database import Database
from packstation.storage.tables import Bench, Order, PrintJob


class PrinterLamp(StrEnum):
    """A bench printer's state as the window shows it."""

    READY = "ready"
    PRINTING = "printing"  # a job of this bench is on the wire now
    PAPER_NEAR_END = "paper_near_end"  # still prints; get a roll ready
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # switched off, unplugged or unreachable
    ERROR = "error"  # e.g. a cutter jam
    UNKNOWN = "unknown"  # never seen, or it does not answer status queries


@dataclass(frozen=True, slots=True)
class JobView:
    """One print job as the queue view shows it."""

    job_id: int
    order_no: str
    state: JobState
    reason: str  # completion | reprint | batch
    bench: str
    printer_spec: str | None
    attempts: int
    error: JobError | None
    created_at: datetime
    updated_at: datetime
    retry_at: datetime | None  # failed jobs: when the worker tries again


@dataclass(frozen=True, slots=True)
class BenchPrinting:
    """One bench: its printer settings, its printer's lamp and its jobs by state."""

    bench: str
    printer_spec: str | None
    label_size: str | None
    printer: PrinterLamp
    printer_seen_at: datetime | None
    counts: Mapping[JobState, int]
    jobs: Mapping[JobState, tuple[JobView, ...]] = field(default_factory=dict)

    def jobs_in(self, state: JobState) -> tuple[JobView, ...]:
        return self.jobs.get(state, ())


def record_printer_state(conn: Connection, bench: str, lamp: PrinterLamp, at: datetime) -> None:
    """Remember what a bench's printer last said (no row for an unregistered bench)."""
    conn.execute(
        update(Bench)
        .where(Bench.name == bench)
        .values(printer_state=lamp.value, printer_state_at=at)
    )


def _job_views(
    conn: Connection, benches: list[str] | None, states: tuple[JobState, ...], limit: int
) -> list[JobView]:
    backoff = Backoff()
    query = (
        select(
            PrintJob.id,
            Order.order_no,
            PrintJob.state,
            PrintJob.reason,
            PrintJob.bench,
            PrintJob.printer_spec,
            PrintJob.attempts,
            PrintJob.error_code,
            PrintJob.error_params,
            PrintJob.created_at,
            PrintJob.updated_at,
        )
        .join(Order, Order.id == PrintJob.order_id)
        .where(PrintJob.state.in_([s.value for s in states]))
        .order_by(PrintJob.id.desc())
        .limit(limit)
    )
    if benches is not None:
        query = query.where(PrintJob.bench.in_(benches))
    views = []
    for r in conn.execute(query):
        state = JobState(r.state)
        views.append(
            JobView(
                r.id,
                r.order_no,
                state,
                r.reason,
                r.bench,
                r.printer_spec,
                r.attempts,
                JobError.from_columns(r.error_code, r.error_params),
                aware(r.created_at),
                aware(r.updated_at),
                backoff.retry_at(r.updated_at, r.attempts) if state is JobState.FAILED else None,
            )
        )
    views.reverse()  # oldest first, as they print
    return views


def list_jobs(
    db: Database, *, bench: str | None = None, include_done: bool = False, limit: int = 1000
) -> tuple[JobView, ...]:
    """Open jobs (pending, sending, failed, held), oldest first; printed and void too on ask."""
    states = tuple(JobState) if include_done else OPEN_STATES
    with db.transaction() as conn:
        return tuple(_job_views(conn, [bench] if bench else None, states, limit))


def benches_printing(
    db: Database, benches: list[str] | None = None, *, jobs_per_bench: int = 200
) -> tuple[BenchPrinting, ...]:
    """Every registered bench (or those named), with its lamp and open jobs by state."""
    with db.transaction() as conn:
        query = select(
            Bench.name,
            Bench.printer_spec,
            Bench.label_size,
            Bench.printer_state,
            Bench.printer_state_at,
        ).order_by(Bench.name)
        if benches is not None:
            query = query.where(Bench.name.in_(benches))
        rows = conn.execute(query).all()
        names = [r.name for r in rows]
        counted = conn.execute(
            select(PrintJob.bench, PrintJob.state, func.count())
            .where(PrintJob.bench.in_(names))
            .group_by(PrintJob.bench, PrintJob.state)
        ).all()
        views = _job_views(conn, names, OPEN_STATES, jobs_per_bench * max(1, len(names)))
    counts: dict[str, dict[JobState, int]] = {n: {} for n in names}
    for bench, state, n in counted:
        counts[bench][JobState(state)] = int(n)
    by_bench: dict[str, dict[JobState, list[JobView]]] = {n: {} for n in names}
    for view in views:
        by_bench[view.bench].setdefault(view.state, []).append(view)
    result = []
    for r in rows:
        lamp = PrinterLamp(r.printer_state) if r.printer_state else PrinterLamp.UNKNOWN
        if counts[r.name].get(JobState.SENDING):
            lamp = PrinterLamp.PRINTING
        result.append(
            BenchPrinting(
                r.name,
                r.printer_spec or None,
                r.label_size,
                lamp,
                aware(r.printer_state_at) if r.printer_state_at else None,
                counts[r.name],
                {s: tuple(v) for s, v in by_bench[r.name].items()},
            )
        )
    return tuple(result)


def bench_printing(db: Database, bench: str) -> BenchPrinting | None:
    """One bench's lamp and jobs (None when no bench of that name was ever registered)."""
    found = benches_printing(db, [bench])
    return found[0] if found else None
