"""The box open at a bench, rebuilt from the database: what the order needs and exactly
the units committed for it (including those of the sessions it took over)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection

from packstation.domain.scanning import CodeMatch
from packstation.services.boxes import Box, LineProgress
from packstation.storage.packing import (
    OrderRow,
    discard_session,
    order_by_id,
    order_lines,
    order_now,
    packed_units,
    session_chain,
    stored_session,
)


@dataclass(slots=True)
class OpenBox:
    """The box open at a bench: what the order needs and what is in it (committed)."""

    box: Box
    version: int
    required: dict[str, int]
    packed: dict[str, int]

    def count(self, match: CodeMatch) -> None:
        packed = self.packed[match.sku] = self.packed.get(match.sku, 0) + match.units
        lines = tuple(
            replace(line, packed=packed) if line.sku == match.sku else line
            for line in self.box.lines
        )  # only the counted line changes (the packer waits for this)
        self.box = replace(self.box, lines=lines)


def box_for_new_session(conn: Connection, session_id: int, order: OrderRow) -> OpenBox | None:
    """The empty box of a session inserted in this transaction for `order`, or None (and
    the session taken back) when the order was packed or changed after it was read:
    the caller then judges the order as it is now. One read: the order and its lines."""
    now = order_now(conn, order.id)
    if not now.unchanged_since(order):
        discard_session(conn, session_id)
        return None
    return _box(session_id, order, now.state[1], now.lines, {})


def load_box(conn: Connection, session_id: int) -> OpenBox:
    """The box of a stored session with exactly its committed units (and those of the
    sessions it took over)."""
    session = stored_session(conn, session_id)
    order = order_by_id(conn, session.order_id)
    assert order is not None
    lines = order_lines(conn, order.id)
    packed = packed_units(conn, session_chain(conn, session_id, session.taken_over_from))
    return _box(session_id, order, session.order_version, lines, packed)


def _box(
    session_id: int,
    order: OrderRow,
    version: int,
    lines: Sequence[Sequence[Any]],
    packed: dict[str, int],
) -> OpenBox:
    required: dict[str, int] = {}
    titles: dict[str, str] = {}
    for sku, title, quantity in lines:
        required[sku] = required.get(sku, 0) + quantity
        titles.setdefault(sku, title)
    box = Box(
        session_id=session_id,
        order_id=order.id,
        order_no=order.order_no,
        platform=order.platform,
        recipient=order.recipient,
        address=order.address,
        province=order.province,
        city=order.city,
        district=order.district,
        priority=order.priority,
        address_ambiguous=bool(order.address_ambiguous),  # SQLite's driver says 0/1
        carrier=order.carrier,
        waybill_no=order.waybill_no,
        lines=tuple(LineProgress(sku, titles[sku], qty, 0) for sku, qty in required.items()),
    )
    return OpenBox(box=_with_packed(box, packed), version=version, required=required, packed=packed)


def _with_packed(box: Box, packed: dict[str, int]) -> Box:
    return replace(
        box, lines=tuple(replace(line, packed=int(packed.get(line.sku, 0))) for line in box.lines)
    )
