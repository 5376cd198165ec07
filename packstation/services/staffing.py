"""The staffing estimate from live data: the backlog now and the pace of the last hour.

Three indexed queries: orders waiting per priority city (one pass over the covering index
ix_orders_backlog: status, intercept_reason, priority), orders packed in the last hour
(packed_at index) and the benches that completed them (pack_sessions by order id). The
arithmetic is the domain's (`domain.staffing`), so the figures are the ones tested by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from sqlalchemy import func, select

from packstation.domain.orders import OrderStatus
from packstation.domain.staffing import (
    PACE_WINDOW,
    Backlog,
    Pace,
    StaffingEstimate,
    cutoff_at,
    estimate,
)
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession


def local_now() -> datetime:
    return datetime.now(UTC).astimezone()


def staffing_estimate(
    db: Database, cutoff: time, *, clock: Callable[[], datetime] = local_now
) -> StaffingEstimate:
    """The estimate at `clock()` for a cutoff given as a clock time (HH:MM)."""
    now = clock()
    backlog, pace = live_figures(db, now)
    return estimate(now, cutoff_at(now, cutoff), backlog, pace)


def live_figures(db: Database, now: datetime) -> tuple[Backlog, Pace]:
    """The backlog at `now` and the pace over the window before it."""
    now = now.astimezone(UTC)  # SQLite compares stored UTC wall times as text
    waiting = (Order.status == OrderStatus.PAID.value) & Order.intercept_reason.is_(None)
    recent = Order.packed_at.between(now - PACE_WINDOW, now)
    with db.transaction() as conn:
        by_priority = conn.execute(
            select(Order.priority, func.count()).where(waiting).group_by(Order.priority)
        ).all()
        packed = conn.scalar(
            select(func.count()).select_from(Order).where(recent)
        ) or 0
        benches = conn.scalar(
            select(func.count(func.distinct(PackSession.bench)))
            .select_from(Order)
            .join(PackSession, PackSession.order_id == Order.id)
            .where(recent, PackSession.state == "completed")
        ) or 0
    total = sum(int(n) for _key, n in by_priority)
    by_city = {str(key): int(n) for key, n in sorted(by_priority, key=str) if key is not None}
    backlog = Backlog(total, by_city)
    return backlog, Pace(int(packed), int(benches))
