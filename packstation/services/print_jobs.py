"""The print outbox: rows that say a label must be printed. Printing itself is a worker's job.

A completed session gets exactly one job, keyed by the session, so retrying a completion
(or a crash between commit and acknowledgement) can never queue a second label.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from packstation.domain.orders import OrderStatus
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession, PrintJob


class JobState(StrEnum):
    PENDING = "pending"
    PRINTED = "printed"
    FAILED = "failed"  # will be retried; `last_error` says why
    VOID = "void"


def completion_key(session_id: int) -> str:
    return f"session:{session_id}:completion"


def queue_completion_job(
    conn: Connection, session_id: int, order_id: int, bench: str, printer_spec: str | None
) -> int:
    """The completion job of a session: created once, returned again on every retry."""
    key = completion_key(session_id)
    existing = conn.scalar(select(PrintJob.id).where(PrintJob.idempotency_key == key))
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    try:
        with conn.begin_nested():
            return conn.scalar(
                insert(PrintJob)
                .values(
                    idempotency_key=key,
                    order_id=order_id,
                    session_id=session_id,
                    bench=bench,
                    printer_spec=printer_spec,
                    reason="completion",
                    state=JobState.PENDING.value,
                    created_at=now,
                    updated_at=now,
                )
                .returning(PrintJob.id)
            )
    except IntegrityError:  # a concurrent retry inserted it first
        return conn.scalar(select(PrintJob.id).where(PrintJob.idempotency_key == key))


def finish_session(
    conn: Connection, session_id: int, *, print_label: bool, printer_spec: str | None = None
) -> int | None:
    """Close a session as completed, mark its order packed, queue its label. Idempotent."""
    session = conn.execute(
        select(PackSession.order_id, PackSession.bench, PackSession.state).where(
            PackSession.id == session_id
        )
    ).one()
    now = datetime.now(UTC)
    if session.state == "open":
        conn.execute(
            update(PackSession)
            .where(PackSession.id == session_id, PackSession.state == "open")
            .values(state="completed", closed_at=now)
        )
        conn.execute(
            update(Order)
            .where(Order.id == session.order_id)
            .values(status=OrderStatus.PACKED.value, packed_at=now)
        )
    elif session.state != "completed":
        raise ValueError(f"session {session_id} is {session.state}, not open or completed")
    if not print_label:
        return None
    return queue_completion_job(conn, session_id, session.order_id, session.bench, printer_spec)


def complete_session(
    db: Database, session_id: int, *, print_label: bool = True, printer_spec: str | None = None
) -> int | None:
    """Complete (or re-complete, after a lost answer) a session in its own transaction."""
    with db.transaction() as conn:
        return finish_session(conn, session_id, print_label=print_label, printer_spec=printer_spec)
