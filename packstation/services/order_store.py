"""Storing one file's orders: batches handed on while the file is read (`add`), the rest after.

New orders go through a BulkWriter as they arrive. When lookups have a connection of
their own (a SQLite file in WAL mode, see Database.side_reader), a helper thread stores
them while the next ones are read: the writer's connection is busy then, and what a
lookup must see is the database as it was before this import, which is what the second
connection sees while the import holds the write lock. Otherwise everything runs on the
one connection, in turn. Orders that already exist wait for `finish`: once every new
row is in, they are compared, updated when their status, address or lines changed, and
intercepted if a bench had started or packed them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, TypeVar

from sqlalchemy import Connection, Table, delete, select, update

from packstation.domain.orders import DONE_STATUSES, InterceptReason, OrderStatus
from packstation.importers.records import ImportedOrder, RowProblem
from packstation.services.bulk import BulkWriter, IdSource, bulk_insert, matching, stored_now
from packstation.services.import_progress import Progress
from packstation.storage.tables import Order, OrderLine, PackSession

ORDERS: Table = Order.__table__  # type: ignore[assignment]
LINES: Table = OrderLine.__table__  # type: ignore[assignment]
NEW_ORDERS_CHUNK = 5000
KNOWN_CHUNK = 2000  # known orders compared per read of the open sessions
T = TypeVar("T")


class Destination(Protocol):
    province: str | None
    city: str | None
    district: str | None
    priority: str | None
    ambiguous: bool


Classifier = Callable[[str, str, str, str], Destination]


@dataclass(slots=True)
class ImportSummary:
    format: str
    orders_created: int = 0
    orders_updated: int = 0
    orders_intercepted: int = 0
    orders_unchanged: int = 0
    lines: int = 0
    products: int = 0
    rejected: list[RowProblem] = field(default_factory=list)

    def add(self, other: ImportSummary) -> None:
        for name in (
            "orders_created", "orders_updated", "orders_intercepted", "orders_unchanged",
            "lines", "products",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected.extend(other.rejected)


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    status: str
    version: int
    fingerprint: str
    intercept_reason: str | None


class OrderStore:
    """One file's orders in the caller's transaction: `add` batches while the file is
    read, then `finish` with all of them. Leaving the `with` block waits for the writer,
    so that on an error the caller rolls back with nothing still being written."""

    def __init__(
        self,
        conn: Connection,
        lookup: Connection,
        classify: Classifier,
        progress: Progress | None = None,
        expected_rows: int = 0,
    ) -> None:
        self._conn = conn
        self._lookup = lookup
        self._classify = classify
        self._progress = progress
        self._now = stored_now(conn, ORDERS.c.imported_at)
        self._memo: dict[tuple[str, str, str, str], Destination] = {}
        self._ids = IdSource(conn, ORDERS)
        # A helper thread writes only if lookups need not use `conn` meanwhile.
        self._writer = BulkWriter(conn, self._stored, background=lookup is not conn)
        self._seen: set[str] = set()
        self._known: list[tuple[ImportedOrder, _Existing]] = []
        self._created = self._lines = 0
        self._done = 0
        # Rows to store + known orders to compare: exact once the file is read; until
        # then the file's estimated rows (orders + item rows ≈ orders + lines), so the
        # bar moves while a streamed file is stored.
        self._total = 0
        self._expected = expected_rows

    def add(self, orders: Sequence[ImportedOrder]) -> None:
        """Write this batch's new orders now; keep the known ones for `finish`."""
        self._write(self._new_of(orders))

    def finish(self, orders: Sequence[ImportedOrder], summary: ImportSummary) -> None:
        """Write the orders `add` has not seen, then compare and update the known ones."""
        rest = [o for o in orders if o.order_no not in self._seen]
        fresh = [o for chunk in _chunks(rest, NEW_ORDERS_CHUNK) for o in self._new_of(chunk)]
        fresh_lines = sum(len(o.lines) for o in fresh)
        self._total = self._created + self._lines + len(fresh) + fresh_lines + len(self._known)
        self._stored(0)
        # SQLite: each chunk's lines follow its orders, so the helper has lines to store
        # while the next orders are built. PostgreSQL: one COPY per table, which its
        # server stores while the rows are built (a COPY per chunk measured 0.4 s slower).
        step = NEW_ORDERS_CHUNK if self._conn.dialect.name == "sqlite" else max(len(fresh), 1)
        for chunk in _chunks(fresh, step):
            self._write(chunk)
        self._writer.close()  # every new row is in: the connection is free again
        summary.orders_created += self._created
        summary.lines += self._lines
        for known in _chunks(self._known, KNOWN_CHUNK):
            started = _started(self._conn, [old.id for _order, old in known])
            for order, old in known:
                _update_order(
                    self._conn, order, old, old.id in started, self._classify_once, summary
                )
            self._stored(len(known))

    def abandon(self) -> None:
        """Stop writing (waiting for the writer, raising nothing): the caller rolls back."""
        self._writer.abandon()

    def __enter__(self) -> OrderStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._writer.__exit__(kind, error, traceback)

    def _new_of(self, orders: Sequence[ImportedOrder]) -> list[ImportedOrder]:
        """The orders the database does not have yet; the others go to `_known`."""
        found = _existing(self._lookup, [o.order_no for o in orders])
        fresh: list[ImportedOrder] = []
        for order in orders:
            self._seen.add(order.order_no)
            old = found.get(order.order_no)
            if old is None:
                fresh.append(order)
            else:
                self._known.append((order, old))
        return fresh

    def _write(self, fresh: Sequence[ImportedOrder]) -> None:
        if not fresh:
            return
        ids = self._ids.take(len(fresh))
        classify, now = self._classify_once, self._now
        rows = (_order_row(o, classify, oid, now) for oid, o in zip(ids, fresh, strict=True))
        self._writer.insert(ORDERS, _INSERTED, rows)
        lines = sum(len(o.lines) for o in fresh)
        if lines:  # (an empty COPY is still a round trip)
            self._writer.insert(LINES, _LINE_COLUMNS, _line_rows(zip(ids, fresh, strict=True)))
        self._created += len(fresh)
        self._lines += lines

    def _stored(self, count: int) -> None:
        self._done += count
        total = self._total or self._expected
        if self._progress and total:
            self._progress(min(self._done, total), total)

    def _classify_once(self, address: str, province: str, city: str, district: str) -> Destination:
        """Each distinct address is classified once per file (exports repeat them)."""
        key = (address, province, city, district)
        where = self._memo.get(key)
        if where is None:
            where = self._memo[key] = self._classify(*key)
        return where


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

    One flat tuple: this runs 100k times an import, beside the writer."""
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
