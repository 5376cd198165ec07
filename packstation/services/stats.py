"""Counts for `stats --json` and, later, the supervisor dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from packstation.domain.orders import OrderStatus
from packstation.services.print_jobs import JobState
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession, PrintJob, ScanEvent


def collect_stats(db: Database, since: datetime | None = None) -> dict[str, Any]:
    """Order, session, scan and print-job counts; scans limited to `since` when given."""
    with db.transaction() as conn:
        by_status = dict(
            conn.execute(select(Order.status, func.count()).group_by(Order.status)).all()
        )
        intercepted = (
            conn.scalar(select(func.count()).where(Order.intercept_reason.is_not(None))) or 0
        )
        packable = (
            conn.scalar(
                select(func.count()).where(
                    Order.status == OrderStatus.PAID.value, Order.intercept_reason.is_(None)
                )
            )
            or 0
        )
        scans = select(ScanEvent.verdict, func.count()).group_by(ScanEvent.verdict)
        if since is not None:
            scans = scans.where(ScanEvent.at >= since)
        by_verdict = dict(conn.execute(scans).all())
        sessions_open = conn.scalar(select(func.count()).where(PackSession.state == "open")) or 0
        jobs = dict(
            conn.execute(select(PrintJob.state, func.count()).group_by(PrintJob.state)).all()
        )
    return {
        "orders_total": sum(by_status.values()),
        "orders_packable": packable,
        "orders_packed": by_status.get(OrderStatus.PACKED.value, 0)
        + by_status.get(OrderStatus.SHIPPED.value, 0),
        "orders_intercepted": intercepted,
        "orders_by_status": by_status,
        "sessions_open": sessions_open,
        "scans_total": sum(by_verdict.values()),
        "scans_by_verdict": by_verdict,
        "print_jobs_pending": jobs.get(JobState.PENDING.value, 0)
        + jobs.get(JobState.FAILED.value, 0),
        "print_jobs_by_state": jobs,
        "since": since.isoformat() if since else None,
    }
