"""The SQL behind a bench's scans, kept to a few round trips per scan; the flow and its
rules are in `services/packing.py` and `services/open_box.py`.

Statements are built once, with bound parameters: building a Core statement and its
cache key on every call cost more CPU than running it on SQLite, and every scan waits
for it (benchmarks/bench_scan.py). Functions take the caller's connection, so a scan's
reads and writes share one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import aliased

from packstation.domain.codes import ScannedCode, case_folded
from packstation.domain.orders import InterceptReason, OrderStatus, stop_reason
from packstation.domain.scanning import CodeMatch, Resolution
from packstation.domain.sessions import SessionState
from packstation.domain.shipments import order_id_from_shipment_id
from packstation.storage.conflicts import insert_unless_exists
from packstation.storage.driver import DriverStatement
from packstation.storage.tables import (
    OPEN_SESSION_WHERE,
    Barcode,
    Bench,
    Order,
    OrderLine,
    PackSession,
    Product,
    ScanEvent,
)


class OrderRow(NamedTuple):
    """An order as the bench reads it, with the bench holding it open (if any)."""

    id: int
    order_no: str
    status: str
    version: int
    intercept_reason: str | None
    platform: str
    recipient: str
    address: str
    province: str
    city: str
    district: str
    priority: str | None
    address_ambiguous: bool
    carrier: str
    waybill_no: str
    open_session: int | None
    open_bench: str | None


_OPEN = PackSession.state == SessionState.OPEN.value
_ORDER_COLUMNS = (
    Order.id,
    Order.order_no,
    Order.status,
    Order.version,
    Order.intercept_reason,
    Order.platform,
    Order.recipient,
    Order.address,
    Order.province,
    Order.city,
    Order.district,
    Order.priority,
    Order.address_ambiguous,
    Order.carrier,
    Order.waybill_no,
)
_CODE: BindParameter[str] = bindparam("code")
# The order a code names, with the bench holding it open (if any), in one round trip.
_FIND_ORDER = DriverStatement(
    select(
        *_ORDER_COLUMNS, PackSession.id.label("open_session"), PackSession.bench.label("open_bench")
    )
    .outerjoin(PackSession, and_(PackSession.order_id == Order.id, _OPEN))
    .where(
        or_(Order.order_no == _CODE, Order.platform_order_no == _CODE, Order.waybill_no == _CODE)
    )
    .order_by((Order.order_no == _CODE).desc(), Order.id)
    .limit(1)
)
_ORDER_BY_ID = DriverStatement(
    select(
        *_ORDER_COLUMNS, PackSession.id.label("open_session"), PackSession.bench.label("open_bench")
    )
    .outerjoin(PackSession, and_(PackSession.order_id == Order.id, _OPEN))
    .where(Order.id == bindparam("order_id"))
)
_OTHER_LINE = aliased(OrderLine)
_OLDEST_SINGLE_ITEM = DriverStatement(
    select(
        *_ORDER_COLUMNS,
        literal(None).label("open_session"),
        literal(None).label("open_bench"),
    )
    .join(OrderLine, OrderLine.order_id == Order.id)
    .where(
        OrderLine.sku == bindparam("sku"),
        OrderLine.quantity >= bindparam("units"),
        Order.status == OrderStatus.PAID.value,
        Order.intercept_reason.is_(None),
        ~exists().where(and_(_OTHER_LINE.order_id == Order.id, _OTHER_LINE.id != OrderLine.id)),
        ~exists().where(and_(PackSession.order_id == Order.id, _OPEN)),
    )
    .order_by(Order.imported_at, Order.id)
    .limit(1)
)
# The conflict target is the partial unique index: its predicate must be written as in it.
_SESSION_COLUMNS = (
    "order_id",
    "bench",
    "packer",
    "state",
    "order_version",
    "taken_over_from",
    "opened_at",
)
_INSERT_SESSION = {
    dialect: DriverStatement(statement.values({c: bindparam(c) for c in _SESSION_COLUMNS}))
    for dialect, statement in insert_unless_exists(
        PackSession, [PackSession.order_id], PackSession.id, where=text(OPEN_SESSION_WHERE)
    ).items()
}
_INSERT_BENCH = insert_unless_exists(Bench, [Bench.name], Bench.id)
_OPEN_BENCH_OF_ORDER = select(PackSession.bench).where(
    PackSession.order_id == bindparam("order_id"), _OPEN
)
# The order's state and lines in one round trip, read after this bench's session insert.
_ORDER_NOW = DriverStatement(
    select(
        Order.status,
        Order.version,
        Order.intercept_reason,
        OrderLine.sku,
        OrderLine.title,
        OrderLine.quantity,
    )
    .outerjoin(OrderLine, OrderLine.order_id == Order.id)
    .where(Order.id == bindparam("order_id"))
    .order_by(OrderLine.id)
)
# A scan into an open box reads its session, its order and what the code stands for in
# one round trip, and locks both rows (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
# the database): an import cannot change the order, nor a supervisor move the box, between
# this read and a seal. A lock that had to wait returns the row as the other transaction
# left it. The session first, as a take-over locks them (no deadlock between the two).
_KEY_SLOTS = 4  # a scan has at most 4 lookup keys (code, GTIN-14, EAN-13, UPC-A)
_SCAN_CONTEXT = DriverStatement(
    select(
        PackSession.state,
        Order.status,
        Order.version,
        Order.intercept_reason,
        Barcode.code,
        Product.sku,
        Barcode.units,
    )
    .select_from(PackSession)
    .join(Order, Order.id == PackSession.order_id)
    .outerjoin(Barcode, Barcode.code.in_([bindparam(f"k{i}") for i in range(_KEY_SLOTS)]))
    .outerjoin(Product, Product.id == Barcode.product_id)
    .where(PackSession.id == bindparam("session_id"))
    .with_for_update(of=(PackSession, Order))
)
_SCAN_COLUMNS = (
    "session_id",
    "order_id",
    "bench",
    "packer",
    "at",
    "raw_code",
    "code",
    "verdict",
    "sku",
    "units",
)
_INSERT_SCAN = DriverStatement(
    insert(ScanEvent).values({name: bindparam(name) for name in _SCAN_COLUMNS})
)
_RESOLVE_EXACT = (
    select(Barcode.code, Product.sku, Barcode.units)
    .join(Product, Product.id == Barcode.product_id)
    .where(Barcode.code.in_(bindparam("keys", expanding=True)))
)
_RESOLVE_FOLDED = (
    select(Product.sku, Barcode.units)
    .join(Product, Product.id == Barcode.product_id)
    .where(Barcode.code_folded == bindparam("folded"))
)
_BENCH_SESSION = (
    select(PackSession.id)
    .where(PackSession.bench == bindparam("bench"), _OPEN)
    .order_by(PackSession.id.desc())
    .limit(1)
)
_CLOSE_SESSION = (
    update(PackSession)
    .where(PackSession.id == bindparam("session_id"), _OPEN)
    .values(state=bindparam("state"), closed_at=bindparam("now"))
)


def _first_order(
    statement: DriverStatement, conn: Connection, params: dict[str, Any]
) -> OrderRow | None:
    rows = statement.rows(conn, params)
    return OrderRow._make(rows[0]) if rows else None


def find_order(conn: Connection, scanned: ScannedCode) -> OrderRow | None:
    """The order a code names: order number, platform order number, waybill number, or
    the internal shipment id printed on labels of orders without a carrier number.

    A number scanned with Caps Lock on arrives with every letter's case swapped; that
    reading is tried second, so an exact match always wins.
    """
    if not scanned.usable:
        return None
    for code in dict.fromkeys((scanned.code, scanned.code.swapcase())):
        row = _first_order(_FIND_ORDER, conn, {"code": code})
        if row:
            return row
    internal = order_id_from_shipment_id(scanned.code.upper())
    if internal is not None:
        return _first_order(_ORDER_BY_ID, conn, {"order_id": internal})
    return None


def order_by_id(conn: Connection, order_id: int) -> OrderRow | None:
    return _first_order(_ORDER_BY_ID, conn, {"order_id": order_id})


def oldest_single_item_order(conn: Connection, sku: str, units: int) -> OrderRow | None:
    """The oldest packable order of just `sku` that a scan of `units` units fits.

    One statement, so the row the caller checks again after inserting its session is the
    row it chose by (a second read could already see another bench's packed order).
    """
    return _first_order(_OLDEST_SINGLE_ITEM, conn, {"sku": sku, "units": units})


def open_bench_of(conn: Connection, order_id: int) -> str | None:
    return conn.scalar(_OPEN_BENCH_OF_ORDER, {"order_id": order_id})


def register_bench(conn: Connection, bench: str, printer_spec: str | None) -> None:
    """The bench row, created on its first start. An empty printer spec means none is
    configured for the bench: the print worker then uses the one it was given."""
    conn.execute(
        _INSERT_BENCH[conn.dialect.name],
        {
            "name": bench,
            "printer_spec": printer_spec or "",
            "created_at": datetime.now(UTC),
        },
    )


def bench_session(conn: Connection, bench: str) -> int | None:
    return conn.scalar(_BENCH_SESSION, {"bench": bench})


def insert_session(
    conn: Connection,
    order_id: int,
    version: int,
    bench: str,
    packer: str,
    taken_over_from: int | None = None,
) -> int | None:
    """A new open session, or None when the database says one is open already."""
    inserted = _INSERT_SESSION[conn.dialect.name].rows(
        conn,
        {
            "order_id": order_id,
            "bench": bench,
            "packer": packer,
            "state": SessionState.OPEN.value,
            "order_version": version,
            "taken_over_from": taken_over_from,
            "opened_at": datetime.now(UTC),
        },
    )
    return int(inserted[0][0]) if inserted else None


@dataclass(frozen=True, slots=True)
class OrderNow:
    """An order as it is at this point of the transaction: its state and its lines."""

    state: tuple[str, int, str | None]  # status, version, intercept reason
    lines: tuple[tuple[str, str, int], ...]  # sku, title, quantity

    def unchanged_since(self, order: OrderRow) -> bool:
        return self.state == (order.status, order.version, order.intercept_reason)


def order_now(conn: Connection, order_id: int) -> OrderNow:
    """The order re-read after this bench's session row went in.

    A bench that opens and completes an order in one transaction (a single-item wave)
    leaves no open session behind, so the unique index cannot stop another bench that read
    the order before that commit; on PostgreSQL this read, a new statement after the insert
    waited for that commit, sees it (SQLite's BEGIN IMMEDIATE let no other writer in since
    this transaction's first read). The lines come with it: the new box needs them.
    """
    rows = _ORDER_NOW.rows(conn, {"order_id": order_id})
    status, version, intercept_reason = rows[0][:3]
    lines = tuple((sku, title, qty) for _s, _v, _i, sku, title, qty in rows if sku is not None)
    return OrderNow((status, version, intercept_reason), lines)


def discard_session(conn: Connection, session_id: int) -> None:
    """Take back a session inserted in this transaction (nothing refers to it yet)."""
    conn.execute(delete(PackSession).where(PackSession.id == session_id))


def close_session(conn: Connection, session_id: int, state: SessionState) -> bool:
    """Close a session that is still open; False when it was closed (or moved) already."""
    closed = conn.execute(
        _CLOSE_SESSION,
        {"session_id": session_id, "state": state.value, "now": datetime.now(UTC)},
    )
    return closed.rowcount == 1


@dataclass(frozen=True, slots=True)
class ScanContext:
    session_open: bool
    stop_reason: InterceptReason | None  # why the parcel must stop now; None: carry on
    resolution: Resolution


def scan_context(
    conn: Connection, session_id: int, version: int, scanned: ScannedCode | None
) -> ScanContext:
    """Whether the box is still this bench's to fill, whether its order still stands, and
    (for `scanned`) which products the code stands for."""
    keys = list(scanned.keys) if scanned is not None and scanned.usable else [""]
    slots = {f"k{i}": keys[min(i, len(keys) - 1)] for i in range(_KEY_SLOTS)}
    rows = _SCAN_CONTEXT.rows(conn, {"session_id": session_id, **slots})
    state, status, current_version, intercept_reason = rows[0][:4]
    resolution = Resolution(())
    if scanned is not None and scanned.usable:
        found = [row[4:] for row in rows if row[4] is not None]
        resolution = _best_match(scanned, found) or _folded_match(conn, scanned)
    return ScanContext(
        session_open=state == SessionState.OPEN,
        stop_reason=stop_reason(status, intercept_reason, changed=current_version != version),
        resolution=resolution,
    )


def resolve(conn: Connection, scanned: ScannedCode) -> Resolution:
    """Products a code stands for: exact keys first, then a Caps-Lock-flipped match."""
    if not scanned.usable:
        return Resolution(())
    rows = conn.execute(_RESOLVE_EXACT, {"keys": list(scanned.keys)}).all()
    return _best_match(scanned, rows) or _folded_match(conn, scanned)


def _best_match(scanned: ScannedCode, rows: Sequence[Sequence[Any]]) -> Resolution | None:
    """The matches of the best key that matched anything (keys are ordered best first)."""
    for key in scanned.keys:
        matches = {CodeMatch(sku, units) for code, sku, units in rows if code == key}
        if matches:
            return Resolution(_sorted(matches))
    return None


def _folded_match(conn: Connection, scanned: ScannedCode) -> Resolution:
    folded = conn.execute(_RESOLVE_FOLDED, {"folded": case_folded(scanned.code)}).all()
    return Resolution(_sorted({CodeMatch(sku, units) for sku, units in folded}))


def _sorted(matches: set[CodeMatch]) -> tuple[CodeMatch, ...]:
    return tuple(sorted(matches, key=lambda m: (m.sku, m.units)))


def log_scan(conn: Connection, values: dict[str, Any]) -> None:
    _INSERT_SCAN.execute(conn, values)


# -- the box of a stored session (resume, take-over) ------------------------------------

_SESSION = select(
    PackSession.order_id, PackSession.order_version, PackSession.taken_over_from
).where(PackSession.id == bindparam("session_id"))
_LINES = DriverStatement(
    select(OrderLine.sku, OrderLine.title, OrderLine.quantity)
    .where(OrderLine.order_id == bindparam("order_id"))
    .order_by(OrderLine.id)
)
_PACKED_IN_SESSIONS = (
    select(ScanEvent.sku, func.sum(ScanEvent.units))
    .where(ScanEvent.session_id.in_(bindparam("sessions", expanding=True)), ScanEvent.units > 0)
    .group_by(ScanEvent.sku)
)


class StoredSession(NamedTuple):
    order_id: int
    order_version: int
    taken_over_from: int | None


def stored_session(conn: Connection, session_id: int) -> StoredSession:
    """The order a session packs, the order version it opened and the session it took over."""
    return StoredSession(*conn.execute(_SESSION, {"session_id": session_id}).one())


def order_lines(conn: Connection, order_id: int) -> list[tuple[Any, ...]]:
    """(sku, title, quantity) of each line of an order, in import order."""
    return _LINES.rows(conn, {"order_id": order_id})


def session_chain(conn: Connection, session_id: int, previous: int | None) -> list[int]:
    """This session and the ones it took over: their units are in the same box."""
    chain = [session_id]
    while previous is not None:
        chain.append(previous)
        previous = stored_session(conn, previous).taken_over_from
    return chain


def packed_units(conn: Connection, session_ids: Sequence[int]) -> dict[str, int]:
    """Units counted per SKU in these sessions (committed scan events)."""
    return {
        sku: int(units)
        for sku, units in conn.execute(_PACKED_IN_SESSIONS, {"sessions": list(session_ids)})
        if sku is not None  # counted units always name their SKU
    }
