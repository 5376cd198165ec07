"""Storing one file's orders in the caller's transaction, straight through.

New orders are inserted in chunks (ids reserved first, see services.bulk). Orders the
database already has are then compared: unchanged ones are left alone, changed ones
updated, and intercepted if a bench had started or packed them. A re-import that would
change the destination or lines of many known orders is refused before anything is
updated (ChangesRefusedError), unless the caller accepts the changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from sqlalchemy import Connection, Table, delete, select, update

from packstation.domain.orders import DONE_STATUSES, InterceptReason, OrderStatus
from packstation.errors import UserError
from packstation.importers.records import ImportedOrder, RowProblem
from packstation.services.bulk import IdSource, bulk_insert, matching, stored_now
from packstation.storage.tables import Order, OrderLine, PackSession

ORDERS: Table = Order.__table__  # type: ignore[assignment]
LINES: Table = OrderLine.__table__  # type: ignore[assignment]
CHUNK = 5000  # orders looked up and inserted per step (the cancel button is heard between)
KNOWN_CHUNK = 2000  # known orders compared per read of the open sessions
# A re-import may change the destination or lines of at most this share of the known
# orders it names, or this many, whichever is more, unless the user accepts the changes.
CHANGE_SHARE = 0.05
CHANGE_COUNT = 10
T = TypeVar("T")
Stored = Callable[[int, int], None]  # (orders stored, orders in the file)


class Destination(Protocol):
    province: str | None
    city: str | None
    district: str | None
    priority: str | None
    ambiguous: bool


Classifier = Callable[[str, str, str, str], Destination]


@dataclass(frozen=True, slots=True)
class OrderChange:
    """What an import changes of an order the database had: `destination`, `lines`,
    `status` (the platform's, e.g. cancelled)."""

    order_no: str
    changed: tuple[str, ...]


@dataclass(slots=True)
class ImportSummary:
    format: str
    orders_created: int = 0
    orders_updated: int = 0
    orders_intercepted: int = 0
    orders_unchanged: int = 0
    lines: int = 0
    products_created: int = 0
    products_updated: int = 0
    rejected: list[RowProblem] = field(default_factory=list)  # the first of each file's
    rejected_total: int = 0  # rejected rows in all, listed or not
    skipped: list[RowProblem] = field(default_factory=list)
    changes: list[OrderChange] = field(default_factory=list)

    def add(self, other: ImportSummary) -> None:
        for name in (
            "orders_created", "orders_updated", "orders_intercepted", "orders_unchanged",
            "lines", "products_created", "products_updated", "rejected_total",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected.extend(other.rejected)
        self.skipped.extend(other.skipped)
        self.changes.extend(other.changes)


class ChangesRefusedError(UserError):
    """A re-import would change many known orders' destinations or lines (often a file
    saved through the wrong encoding, or another shop's export): refused, nothing stored."""

    def __init__(self, file: str, changes: list[OrderChange], known: int) -> None:
        large = [c for c in changes if _LARGE.intersection(c.changed)]
        shown = "、".join(c.order_no for c in large[:20]) + ("…" if len(large) > 20 else "")
        super().__init__(
            f"{file} 会修改已有订单中 {len(large)}/{known} 单的收货信息或商品（{shown}），"
            "超过 5%，未导入。请确认文件无误（编码、店铺）；确需修改请加 --accept-changes，"
            "可先用 --dry-run 查看全部修改。",
            f"{file} would change the destination or lines of {len(large)} of {known} known "
            f"orders ({shown}), more than 5%; nothing was imported. Check the file (encoding, "
            "shop); to apply the changes, add --accept-changes (--dry-run lists them all).",
        )
        self.file = file
        self.changes = changes
        self.known = known


_LARGE = {"destination", "lines"}


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    status: str
    version: int
    fingerprint: str
    intercept_reason: str | None


def store_orders(
    conn: Connection,
    orders: Sequence[ImportedOrder],
    classify: Classifier,
    summary: ImportSummary,
    *,
    file: str = "",
    accept_changes: bool = True,
    stored: Stored | None = None,
) -> None:
    """Insert the new orders, then update the known ones that changed (see module doc)."""
    classify_once = _memo(classify)
    now = stored_now(conn, ORDERS.c.imported_at)
    ids = IdSource(conn, ORDERS)
    total, done = len(orders), 0
    known: list[tuple[ImportedOrder, _Existing]] = []
    for chunk in _chunks(orders, CHUNK):
        found = _existing(conn, [o.order_no for o in chunk])
        fresh = [o for o in chunk if o.order_no not in found]
        known += [(o, found[o.order_no]) for o in chunk if o.order_no in found]
        _insert(conn, fresh, ids.take(len(fresh)), classify_once, now, summary)
        done += len(fresh)
        if stored is not None:
            stored(done, total)
    changes = [change for order, old in known if (change := _change_of(order, old)) is not None]
    summary.changes += changes
    large = sum(1 for c in changes if _LARGE.intersection(c.changed))
    if not accept_changes and large > CHANGE_COUNT and large > CHANGE_SHARE * len(known):
        raise ChangesRefusedError(file, changes, len(known))
    for part in _chunks(known, KNOWN_CHUNK):
        started = _started(conn, [old.id for _order, old in part])
        for order, old in part:
            _update_order(conn, order, old, old.id in started, classify_once, summary)
        done += len(part)
        if stored is not None:
            stored(done, total)


def _memo(classify: Classifier) -> Classifier:
    """Each distinct address is classified once per file (exports repeat them)."""
    memo: dict[tuple[str, str, str, str], Destination] = {}

    def classify_once(address: str, province: str, city: str, district: str) -> Destination:
        key = (address, province, city, district)
        where = memo.get(key)
        if where is None:
            where = memo[key] = classify(*key)
        return where

    return classify_once


def _insert(
    conn: Connection,
    fresh: Sequence[ImportedOrder],
    ids: list[int],
    classify: Classifier,
    now: object,
    summary: ImportSummary,
) -> None:
    if not fresh:
        return
    pairs = list(zip(ids, fresh, strict=True))
    bulk_insert(conn, ORDERS, _INSERTED, [_order_row(o, classify, oid, now) for oid, o in pairs])
    lines = sum(len(o.lines) for o in fresh)
    if lines:
        bulk_insert(conn, LINES, _LINE_COLUMNS, _line_rows(pairs))
    summary.orders_created += len(fresh)
    summary.lines += lines


def _change_of(order: ImportedOrder, old: _Existing) -> OrderChange | None:
    new_print = fingerprint(order)
    changed = []
    if new_print[:32] != old.fingerprint[:32]:
        changed.append("destination")
    if new_print[32:] != old.fingerprint[32:]:
        changed.append("lines")
    if _merged_status(old.status, order.status) != old.status:
        changed.append("status")
    return OrderChange(order.order_no, tuple(changed)) if changed else None


def _existing(conn: Connection, order_nos: list[str]) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    query = select(
        Order.order_no, Order.id, Order.status, Order.version, Order.fingerprint,
        Order.intercept_reason,
    )  # fmt: skip
    for where in matching(conn, Order.order_no, order_nos):
        for order_no, *values in conn.execute(query.where(where)):
            found[order_no] = _Existing(*values)  # type: ignore[arg-type]
    return found


def _started(conn: Connection, order_ids: list[int]) -> set[int]:
    """Orders a bench is packing right now."""
    started: set[int] = set()
    for where in matching(conn, PackSession.order_id, order_ids):
        started.update(
            conn.scalars(select(PackSession.order_id).where(where, PackSession.state == "open"))
        )
    return started


_VALUES = (
    "order_no", "platform", "platform_order_no", "recipient", "phone", "address", "province",
    "city", "district", "priority", "address_ambiguous", "carrier", "waybill_no", "remarks",
    "fingerprint",
)  # fmt: skip
_INSERTED = (*_VALUES, "id", "status", "version", "imported_at", "updated_at")
_LINE_COLUMNS = ("order_id", "sku", "title", "quantity")


def _order_row(
    o: ImportedOrder, classify: Classifier, oid: int = 0, now: object = None
) -> tuple[object, ...]:
    """An order's `_INSERTED` columns; the first len(`_VALUES`) are the imported ones.

    One flat tuple: this runs 100k times an import."""
    where = classify(o.address, o.province, o.city, o.district)
    return (
        o.order_no, o.platform, o.platform_order_no or o.order_no, o.recipient, o.phone,
        o.address, where.province or o.province, where.city or o.city,
        where.district or o.district, where.priority, where.ambiguous, o.carrier,
        o.waybill_no, o.remarks, fingerprint(o), oid, o.status.value, 1, now, now,
    )  # fmt: skip


def _line_rows(pairs: Iterable[tuple[int, ImportedOrder]]) -> Iterator[tuple[object, ...]]:
    return ((oid, x.sku, x.title, x.quantity) for oid, order in pairs for x in order.lines)


def _update_order(
    conn: Connection,
    order: ImportedOrder,
    old: _Existing,
    in_progress: bool,
    classify: Classifier,
    summary: ImportSummary,
) -> None:
    new_print = fingerprint(order)
    status = _merged_status(old.status, order.status)
    if new_print == old.fingerprint and status == old.status:
        summary.orders_unchanged += 1
        return
    reason = _change_reason(old, order, new_print)
    values: dict[str, object] = {
        **dict(zip(_VALUES, _order_row(order, classify)[: len(_VALUES)], strict=True)),
        "status": status,
        "version": old.version + 1,
        "updated_at": datetime.now(UTC),
    }
    stops_parcel = in_progress or old.status in DONE_STATUSES
    intercept = reason is not None and stops_parcel and old.intercept_reason is None
    if reason is not None and intercept:
        values["intercept_reason"] = reason.value
    written = conn.execute(
        update(Order)
        .where(Order.id == old.id, Order.status == old.status, Order.version == old.version)
        .values(**values)
    )
    if written.rowcount == 0:
        # A bench packed it (or another import changed it) after we read it: decide again
        # on what it is now, or a packed order could be made packable again.
        fresh = _existing(conn, [order.order_no])[order.order_no]
        in_progress = bool(_started(conn, [fresh.id]))
        _update_order(conn, order, fresh, in_progress, classify, summary)
        return
    if intercept:
        summary.orders_intercepted += 1
    if new_print[32:] != old.fingerprint[32:]:
        conn.execute(delete(OrderLine).where(OrderLine.order_id == old.id))
        if order.lines:
            bulk_insert(conn, LINES, _LINE_COLUMNS, _line_rows([(old.id, order)]))
        summary.lines += len(order.lines)
    summary.orders_updated += 1


def _merged_status(current: str, imported: OrderStatus) -> str:
    """A platform still saying `paid` does not undo our `packed`; anything else wins."""
    if current == OrderStatus.PACKED and imported == OrderStatus.PAID:
        return current
    return imported.value


def _change_reason(old: _Existing, order: ImportedOrder, new_print: str) -> InterceptReason | None:
    if order.status is OrderStatus.CANCELLED and old.status != OrderStatus.CANCELLED:
        return InterceptReason.CANCELLED
    if order.status is OrderStatus.REFUNDED and old.status != OrderStatus.REFUNDED:
        return InterceptReason.REFUNDED
    if new_print[32:] != old.fingerprint[32:]:
        return InterceptReason.LINES_CHANGED
    if new_print[:32] != old.fingerprint[:32]:
        return InterceptReason.ADDRESS_CHANGED
    return None


def fingerprint(order: ImportedOrder) -> str:
    """32 hex chars of destination + 32 of lines: tells which of the two changed."""
    destination = "\x1f".join(
        (order.recipient, order.phone, order.address, order.province, order.city, order.district)
    )
    if len(order.lines) == 1:  # the usual parcel: nothing to sort
        line = order.lines[0]
        lines = f"{line.sku}\x1f{line.quantity}"
    else:
        pairs = sorted([(x.sku, x.quantity) for x in order.lines])
        lines = "\x1e".join([f"{sku}\x1f{quantity}" for sku, quantity in pairs])
    return _digest(destination) + _digest(lines)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
