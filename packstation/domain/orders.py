"""Order status and the intercept reasons that stop a parcel at the bench."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """Order status as the platforms report it, plus `packed` once a bench completed it."""

    PAID = "paid"  # packable
    PACKED = "packed"  # completed at a bench, label queued
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class InterceptReason(StrEnum):
    """Why a parcel must not ship: the order changed after the bench saw it."""

    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    ADDRESS_CHANGED = "address_changed"
    LINES_CHANGED = "lines_changed"


STOPPED_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
DONE_STATUSES = frozenset({OrderStatus.PACKED, OrderStatus.SHIPPED})


def stop_reason(status: str, intercept_reason: str | None, *, changed: bool = False) -> str | None:
    """Why an order's parcel must not ship now, or None.

    Cancelled or refunded wins; then the reason an import recorded; `changed` is a bench's
    own finding that the order is not the version it opened.
    """
    if status in STOPPED_STATUSES:
        return status
    if intercept_reason:
        return intercept_reason
    return "changed" if changed else None
