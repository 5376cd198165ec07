"""Order status and the intercept reasons that stop a parcel at the bench."""

from __future__ import annotations

from enum import StrEnum

from packstation.i18n.codes import MessageCode


class OrderStatus(StrEnum):
    """Order status as the platforms report it, plus `packed` once a bench completed it."""

    PAID = "paid"  # packable
    PACKED = "packed"  # completed at a bench, label queued
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class InterceptReason(MessageCode, namespace="intercept"):
    """Why a parcel must not ship: the order changed after the bench saw it."""

    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    ADDRESS_CHANGED = "address_changed"
    LINES_CHANGED = "lines_changed"
    CHANGED = "changed"  # a bench's own finding: not the version it opened


STOPPED_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
DONE_STATUSES = frozenset({OrderStatus.PACKED, OrderStatus.SHIPPED})


def stop_reason(
    status: str, intercept_reason: str | None, *, changed: bool = False
) -> InterceptReason | None:
    """Why an order's parcel must not ship now, or None.

    Cancelled or refunded wins; then the reason an import recorded; `changed` is a bench's
    own finding that the order is not the version it opened.
    """
    if status in STOPPED_STATUSES:
        return InterceptReason(status)
    if intercept_reason:
        return InterceptReason(intercept_reason)
    return InterceptReason.CHANGED if changed else None
