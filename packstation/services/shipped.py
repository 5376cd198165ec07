"""Packed orders as rows for the platforms' batch-shipping upload, and the packed orders
left out of it with the reason, so nobody has to guess why a parcel is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from packstation.domain.orders import DONE_STATUSES
from packstation.importers.export import PLATFORMS, ShippedRow
from packstation.storage.database import Database
from packstation.storage.tables import Order

INTERCEPTED = "intercepted"  # a supervisor must release it first (`order release`)
NO_WAYBILL = "no_waybill"  # packed with an internal id: attach one (`order waybill`)
OTHER_PLATFORM = "other_platform"  # belongs in another platform's upload


@dataclass(frozen=True, slots=True)
class LeftOut:
    order_no: str
    reason: str  # INTERCEPTED, NO_WAYBILL or OTHER_PLATFORM
    detail: str = ""  # the intercept reason


@dataclass(frozen=True, slots=True)
class ShippedExport:
    rows: list[ShippedRow]
    left_out: list[LeftOut]

    def left_out_for(self, reason: str) -> list[LeftOut]:
        return [o for o in self.left_out if o.reason == reason]


def shipped_export(db: Database, format_: str, since: datetime | None = None) -> ShippedExport:
    """Orders packed (or shipped) since `since`, oldest first, that `format_`'s upload can
    take; every other packed order of the period is in `left_out` with its reason."""
    query = (
        select(
            Order.order_no,
            Order.platform_order_no,
            Order.platform,
            Order.carrier,
            Order.waybill_no,
            Order.packed_at,
            Order.intercept_reason,
        )
        .where(Order.status.in_(sorted(DONE_STATUSES)), Order.packed_at.is_not(None))
        .order_by(Order.packed_at, Order.id)
    )
    if since is not None:
        query = query.where(Order.packed_at >= since)
    wanted = PLATFORMS.get(format_)
    rows: list[ShippedRow] = []
    left_out: list[LeftOut] = []
    with db.transaction() as conn:
        for found in conn.execute(query):
            row = ShippedRow(
                found.order_no,
                found.platform_order_no,
                found.platform,
                found.carrier,
                found.waybill_no,
                found.packed_at,
            )
            if found.intercept_reason is not None:
                left_out.append(LeftOut(row.order_no, INTERCEPTED, found.intercept_reason))
            elif wanted is not None and row.platform.lower() not in wanted:
                left_out.append(LeftOut(row.order_no, OTHER_PLATFORM))
            elif not row.waybill_no:
                left_out.append(LeftOut(row.order_no, NO_WAYBILL))
            else:
                rows.append(row)
    return ShippedExport(rows, left_out)
