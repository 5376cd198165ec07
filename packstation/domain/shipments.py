"""Shipment ids the app issues for orders without a carrier waybill number.

`PS` + the order's id in 10 digits: printed on the label (which says it is internal,
never a carrier's number) and scannable at the bench like a waybill number.
"""

from __future__ import annotations

import re

INTERNAL_PREFIX = "PS"
_INTERNAL = re.compile(rf"^{INTERNAL_PREFIX}(\d{{10}})$")


def internal_shipment_id(order_id: int) -> str:
    return f"{INTERNAL_PREFIX}{order_id:010d}"


def order_id_from_shipment_id(code: str) -> int | None:
    """The order id an internal shipment id stands for; None for any other code."""
    match = _INTERNAL.match(code)
    return int(match.group(1)) if match else None
