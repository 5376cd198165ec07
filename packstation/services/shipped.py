"""Packed orders as rows for the platforms' batch-shipping upload."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from packstation.domain.orders import DONE_STATUSES
from packstation.importers.export import ShippedRow
from packstation.storage.database import Database
from packstation.storage.tables import Order


def shipped_rows(db: Database, since: datetime | None = None) -> list[ShippedRow]:
    """Orders packed (or shipped) since `since`, oldest first; intercepted ones never."""
    query = (
        select(
            Order.order_no,
            Order.platform_order_no,
            Order.platform,
            Order.carrier,
            Order.waybill_no,
            Order.packed_at,
        )
        .where(
            Order.status.in_(sorted(DONE_STATUSES)),
            Order.intercept_reason.is_(None),
            Order.packed_at.is_not(None),
        )
        .order_by(Order.packed_at, Order.id)
    )
    if since is not None:
        query = query.where(Order.packed_at >= since)
    with db.transaction() as conn:
        return [ShippedRow(*row) for row in conn.execute(query)]
