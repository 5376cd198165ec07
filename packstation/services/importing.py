"""Persisting parsed order and product files: idempotent, change-detecting, all or nothing.

One transaction per file: a file with any rejected row changes nothing. Re-importing the
same file creates nothing. An order whose status, address or lines changed is updated,
and if a bench had started it (or packed it) it is intercepted so the parcel is stopped.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy import Connection, Table, delete, select, update

from packstation.domain.codes import case_folded
from packstation.domain.orders import DONE_STATUSES, InterceptReason, OrderStatus
from packstation.importers import parse_files
from packstation.importers.records import (
    BarcodeSpec,
    ImportedOrder,
    ImportedProduct,
    ParsedFile,
    RowProblem,
)
from packstation.services.bulk import BulkWriter, bulk_insert, matching, reserve_ids, stored_now
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Order, OrderLine, PackSession, Product

PRODUCTS: Table = Product.__table__  # type: ignore[assignment]
BARCODES: Table = Barcode.__table__  # type: ignore[assignment]
ORDERS: Table = Order.__table__  # type: ignore[assignment]
LINES: Table = OrderLine.__table__  # type: ignore[assignment]
CHUNK = 500  # IN-list size: well under SQLite's and PostgreSQL's parameter limits
NEW_ORDERS_CHUNK = 5000  # new orders written (then their lines) per step
Progress = Callable[[int, int], None]
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


def import_parsed(
    db: Database,
    parsed: ParsedFile,
    classify: Classifier,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Store one parsed file in one transaction (rolled back on dry run or any problem)."""
    summary = ImportSummary(format=parsed.format, rejected=list(parsed.problems))
    if parsed.problems:
        return summary  # an invalid file changes nothing
    was_enabled = gc.isenabled()
    gc.disable()  # the rows built here are acyclic: the cyclic GC would only rescan them
    try:
        with db.transaction() as conn:
            products = _catalogue(parsed.products, parsed.orders)
            summary.products = _upsert_products(conn, products)
            _store_orders(conn, parsed.orders, classify, summary, progress)
            if dry_run:
                conn.rollback()
    finally:
        if was_enabled:
            gc.enable()
    return summary


# -- products ----------------------------------------------------------------------


def _catalogue(
    products: Sequence[ImportedProduct], orders: Sequence[ImportedOrder]
) -> dict[str, tuple[str, set[BarcodeSpec]]]:
    """Every SKU with its title and codes; the SKU text itself is always a 1-unit code."""
    catalogue: dict[str, tuple[str, set[BarcodeSpec]]] = {}

    def add(sku: str, title: str, barcodes: Sequence[BarcodeSpec]) -> None:
        entry = catalogue.get(sku)  # (250k lines, 5k SKUs: build nothing for a known one)
        if entry is None:
            catalogue[sku] = (title, {BarcodeSpec(sku, 1), *barcodes})
            return
        if barcodes:
            entry[1].update(barcodes)
        if title and not entry[0]:
            catalogue[sku] = (title, entry[1])

    for product in products:
        add(product.sku, product.title, product.barcodes)
    for order in orders:
        for line in order.lines:
            add(line.sku, line.title, line.barcodes)
    return catalogue


def _upsert_products(conn: Connection, catalogue: dict[str, tuple[str, set[BarcodeSpec]]]) -> int:
    ids: dict[str, int] = {}
    titles: dict[str, str] = {}
    for chunk in _chunks(list(catalogue)):
        for pid, sku, title in conn.execute(
            select(Product.id, Product.sku, Product.title).where(Product.sku.in_(chunk))
        ):
            ids[sku], titles[sku] = pid, title
    new = [sku for sku in catalogue if sku not in ids]
    new_ids = reserve_ids(conn, PRODUCTS, len(new))
    rows = [(pid, sku, catalogue[sku][0]) for pid, sku in zip(new_ids, new, strict=True)]
    bulk_insert(conn, PRODUCTS, ("id", "sku", "title"), rows)
    ids.update(zip(new, new_ids, strict=True))
    for sku, (title, _codes) in catalogue.items():
        if title and sku in titles and titles[sku] != title:
            conn.execute(update(Product).where(Product.id == ids[sku]).values(title=title))
    existing: set[tuple[str, int]] = set()
    for chunk in _chunks(list(ids.values())):
        existing.update(
            conn.execute(
                select(Barcode.code, Barcode.product_id).where(Barcode.product_id.in_(chunk))
            )
        )
    barcode_rows = [
        (spec.code, case_folded(spec.code), ids[sku], spec.units)
        for sku, (_title, codes) in catalogue.items()
        for spec in sorted(codes, key=lambda s: (s.code, s.units))
        if (spec.code, ids[sku]) not in existing
    ]
    columns = ("code", "code_folded", "product_id", "units")
    bulk_insert(conn, BARCODES, columns, _first_per_key(barcode_rows))
    return len(new)


def _first_per_key(rows: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """One row per (code, product): a file listing a code twice with two pack sizes keeps one."""
    seen: set[tuple[str, int]] = set()
    out = []
    for row in rows:
        key = (row[0], row[2])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


# -- orders ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    status: str
    version: int
    fingerprint: str
    intercept_reason: str | None


def _store_orders(
    conn: Connection,
    orders: Sequence[ImportedOrder],
    classify: Classifier,
    summary: ImportSummary,
    progress: Progress | None,
) -> None:
    done = total = 0
    now = stored_now(conn, ORDERS.c.imported_at)
    memo: dict[tuple[str, str, str, str], Destination] = {}

    def classify_once(address: str, province: str, city: str, district: str) -> Destination:
        """Each distinct address is classified once per file (exports repeat them)."""
        key = (address, province, city, district)
        where = memo.get(key)
        if where is None:
            where = memo[key] = classify(*key)
        return where

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    # One look-up and one id reservation for the whole file (order numbers are unique in
    # it; a stale read is caught by the version guard in `_update_order`). New orders go
    # in by chunks, each chunk's orders then its lines, stored while the next chunk is
    # built (BulkWriter); open sessions are read per chunk of changed orders, just before
    # its updates, as a bench may open one. Progress counts rows stored.
    existing = _existing(conn, [o.order_no for o in orders])
    fresh = [o for o in orders if o.order_no not in existing]
    fresh_lines = sum(len(o.lines) for o in fresh)
    total = len(orders) + fresh_lines
    ids = reserve_ids(conn, ORDERS, len(fresh))
    with BulkWriter(conn, stored=advance) as writer:
        for start in range(0, len(fresh), NEW_ORDERS_CHUNK):
            end = start + NEW_ORDERS_CHUNK
            orders_in, ids_in = fresh[start:end], ids[start:end]
            writer.insert(ORDERS, _INSERTED, _new_rows(orders_in, ids_in, classify_once, now))
            writer.insert(LINES, _LINE_COLUMNS, _line_rows(zip(ids_in, orders_in, strict=True)))
    summary.orders_created += len(fresh)
    summary.lines += fresh_lines
    for chunk in _chunks([o for o in orders if o.order_no in existing], size=2000):
        started = _started(conn, [existing[o.order_no].id for o in chunk])
        for order in chunk:
            old = existing[order.order_no]
            _update_order(conn, order, old, old.id in started, classify_once, summary)
        advance(len(chunk))


def _existing(conn: Connection, order_nos: list[str]) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    columns = (Order.id, Order.status, Order.version, Order.fingerprint, Order.intercept_reason)
    for where in matching(conn, Order.order_no, order_nos):
        for order_no, *values in conn.execute(select(Order.order_no, *columns).where(where)):
            found[order_no] = _Existing(*values)
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


def _order_row(order: ImportedOrder, classify: Classifier) -> tuple[object, ...]:
    """The imported columns of an order, in `_VALUES` order."""
    where = classify(order.address, order.province, order.city, order.district)
    return (
        order.order_no, order.platform, order.platform_order_no or order.order_no,
        order.recipient, order.phone, order.address, where.province or order.province,
        where.city or order.city, where.district or order.district, where.priority,
        where.ambiguous, order.carrier, order.waybill_no, order.remarks, fingerprint(order),
    )  # fmt: skip


_INSERTED = (*_VALUES, "id", "status", "version", "imported_at", "updated_at")


_LINE_COLUMNS = ("order_id", "sku", "title", "quantity")


def _new_rows(
    orders: list[ImportedOrder], ids: list[int], classify: Classifier, now: object
) -> Iterator[tuple[object, ...]]:
    for oid, order in zip(ids, orders, strict=True):
        yield (*_order_row(order, classify), oid, order.status.value, 1, now, now)


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
        **dict(zip(_VALUES, _order_row(order, classify), strict=True)),
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
    lines = "\x1e".join(
        f"{sku}\x1f{quantity}" for sku, quantity in sorted((x.sku, x.quantity) for x in order.lines)
    )
    return _digest(destination) + _digest(lines)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_files(
    db: Database,
    paths: Sequence[Path],
    classify: Classifier,
    *,
    format: str = "auto",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Parse and store files; each file (or Taobao pair) is its own all-or-nothing unit.

    `progress(done, total)` reports parsing and then storing, so a bar moves all the way.
    """
    parsed_files = parse_files(paths, format=format, progress=progress)
    total = ImportSummary(format=",".join(dict.fromkeys(p.format for p in parsed_files)))
    for parsed in parsed_files:
        total.add(import_parsed(db, parsed, classify, dry_run=dry_run, progress=progress))
    return total
