"""Counts for `packstation stats`: the dashboard's read service plus whole-table totals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from packstation.services.dashboard import (
    order_totals,
    read_dashboard,
    reading,
    scans_by_verdict,
)
from packstation.services.print_jobs import JobState
from packstation.storage.database import Database
from packstation.storage.tables import PackSession, PrintJob


def collect_stats(
    db: Database, since: datetime | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """Order, session, scan and print-job counts (scans since `since` when given), and
    today's figures exactly as the dashboard shows them."""
    with reading(db) as conn:
        totals = order_totals(conn)
        by_verdict = scans_by_verdict(conn, since)
        sessions_open = conn.scalar(select(func.count()).where(PackSession.state == "open")) or 0
        jobs = {
            str(state): int(n)
            for state, n in conn.execute(
                select(PrintJob.state, func.count()).group_by(PrintJob.state)
            )
        }
    board = read_dashboard(db, now=now)
    return {
        "orders_total": totals.total,
        "orders_packable": totals.packable,
        "orders_packed": totals.packed,
        "orders_intercepted": totals.intercepted,
        "orders_cancelled": totals.cancelled,
        "orders_refunded": totals.refunded,
        "orders_by_status": totals.by_status,
        "sessions_open": sessions_open,
        "scans_total": sum(by_verdict.values()),
        "scans_by_verdict": by_verdict,
        "print_jobs_pending": jobs.get(JobState.PENDING.value, 0)
        + jobs.get(JobState.FAILED.value, 0),
        "print_jobs_by_state": jobs,
        "since": since.isoformat() if since else None,
        "today": {
            "orders_packed": board.orders_today,
            "units_packed": board.units_today,
            "orders_this_hour": board.orders_this_hour,
            "units_this_hour": board.units_this_hour,
            "scans": board.scans_today,
            "wrong_scans": board.wrong_scans_today,
            "wrong_scan_rate": round(board.wrong_rate, 4),
            "parcels_intercepted": board.intercepts_today,
            "priority_waiting": {b.key: b.waiting for b in board.backlog},
            "print_jobs_held": sum(p.held for p in board.printers),
        },
    }
