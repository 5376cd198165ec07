"""What state an order is in, its box and its print job, as plain values.

The CLI (`pack`) and the windows read an order through this, never through tables: the
answer is frozen dataclasses of strings and numbers, detached from any session.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from packstation.domain.orders import DONE_STATUSES, InterceptReason, stop_reason
from packstation.domain.sessions import SessionState
from packstation.services.boxes import Box
from packstation.services.open_box import load_box
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession, PrintJob

# What `pack --json` says of an order (DESIGN.md): its session's end, else its status.
ORDER_STATES = frozenset(
    {SessionState.OPEN, SessionState.COMPLETED, SessionState.INTERCEPTED, SessionState.CANCELLED}
)


@dataclass(frozen=True, slots=True)
class PrintJobView:
    """One print job: which, where it stands, why it was made, on which printer."""

    id: int
    state: str
    reason: str
    printer_spec: str | None
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as a bench or a script sees it after (or while) packing it."""

    order_no: str
    status: str
    priority: str | None
    stop: InterceptReason | None  # why its parcel must not ship now, or None
    state: str  # one of ORDER_STATES
    box: Box | None  # the box of the session asked about
    print_job: PrintJobView | None


def order_view(
    db: Database,
    order_no: str,
    *,
    session_id: int | None = None,
    print_job_id: int | None = None,
) -> OrderView | None:
    """The order `order_no` with the session `session_id` and print job `print_job_id`
    (a caller's own: a script reports what it did, not what another bench did); None when
    there is no such order."""
    with db.transaction() as conn:
        order = conn.execute(
            select(Order.status, Order.intercept_reason, Order.priority).where(
                Order.order_no == order_no
            )
        ).one_or_none()
        if order is None:
            return None
        session_state, box = None, None
        if session_id is not None:
            session_state = conn.scalar(
                select(PackSession.state).where(PackSession.id == session_id)
            )
            box = load_box(conn, session_id).box if session_state is not None else None
        job = (
            conn.execute(
                select(
                    PrintJob.id,
                    PrintJob.state,
                    PrintJob.reason,
                    PrintJob.printer_spec,
                    PrintJob.idempotency_key,
                ).where(PrintJob.id == print_job_id)
            ).one_or_none()
            if print_job_id is not None
            else None
        )
    stop = stop_reason(order.status, order.intercept_reason)
    return OrderView(
        order_no=order_no,
        status=order.status,
        priority=order.priority,
        stop=stop,
        state=_state(order.status, stop, session_state),
        box=box,
        print_job=None if job is None else PrintJobView(*job),
    )


def _state(status: str, stop: InterceptReason | None, session_state: str | None) -> str:
    if stop is not None:
        return SessionState.INTERCEPTED.value
    if session_state in ORDER_STATES:
        return session_state
    return (SessionState.COMPLETED if status in DONE_STATUSES else SessionState.OPEN).value
