"""The bench's packing flow: open an order, verify every scan, complete the box.

Every scan is committed (scan event, and on the last unit the completion and its print
job) before `scan` returns, so nothing is acknowledged that a crash could take back. The
open box is kept in memory for speed but is always rebuilt from the database on resume.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from packstation.domain.codes import CodeRules, ScannedCode, case_folded, normalise
from packstation.domain.orders import DONE_STATUSES, STOPPED_STATUSES, OrderStatus
from packstation.domain.scanning import (
    DEFAULT_BOUNCE_WINDOW_S,
    CodeMatch,
    Resolution,
    is_bounce,
    judge_unit,
)
from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.services.audit import record_audit
from packstation.services.boxes import Box, LineProgress, ScanResult
from packstation.services.print_jobs import finish_session
from packstation.services.users import require_supervisor
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Order, OrderLine, PackSession, Product, ScanEvent

RAW_KEPT = 512  # characters of a raw scan kept in the log (a 10 kB paste is not a barcode)


@dataclass(frozen=True, slots=True)
class StationSettings:
    bench: str
    packer: str = ""
    code_rules: CodeRules = field(default_factory=CodeRules)
    bounce_window_s: float = DEFAULT_BOUNCE_WINDOW_S
    single_item_wave: bool = False  # a product code opens the oldest single-item order
    print_on_completion: bool = True  # False for pre-printed waybills
    printer_spec: str | None = None


@dataclass(slots=True)
class _OpenBox:
    box: Box
    version: int
    required: dict[str, int]
    packed: dict[str, int]


class PackingStation:
    """One bench. Not thread-safe: a bench scans one code at a time."""

    def __init__(
        self,
        db: Database,
        settings: StationSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.settings = settings
        self._clock = clock
        self._open: _OpenBox | None = None
        self._last_code: str | None = None
        self._last_at: float | None = None

    @property
    def box(self) -> Box | None:
        return self._open.box if self._open else None

    def resume(self) -> Box | None:
        """After a restart: the bench's open session with exactly its committed scans."""
        with self.db.transaction() as conn:
            session_id = conn.scalar(
                select(PackSession.id)
                .where(PackSession.bench == self.settings.bench, PackSession.state == "open")
                .order_by(PackSession.id.desc())
                .limit(1)
            )
            self._open = _load_box(conn, session_id) if session_id is not None else None
        return self.box

    def scan(self, raw: str, *, live: bool = True) -> ScanResult:
        """Judge one scan and commit it before answering.

        `live` scans come from a scanner: the same code again inside the bounce window is
        a double read. Scripted scans (`live=False`) are each a deliberate unit.
        """
        now = self._clock()
        scanned = normalise(raw, self.settings.code_rules)
        bounce = live and is_bounce(
            scanned.code,
            self._last_code,
            None if self._last_at is None else now - self._last_at,
            self.settings.bounce_window_s,
        )
        with self._unchanged_on_failure(), self.db.transaction() as conn:
            self._last_code, self._last_at = scanned.code, now
            if bounce:
                return self._log(conn, raw, scanned, Verdict.DUPLICATE_READ)
            if self._open is None:
                return self._open_order(conn, raw, scanned)
            return self._scan_unit(conn, raw, scanned)

    @contextmanager
    def _unchanged_on_failure(self) -> Iterator[None]:
        """A scan whose transaction fails leaves the bench as the database has it.

        The in-memory box is updated before the commit; if the commit (or anything
        before it) fails, the scan was never stored, so it must not be counted either.
        """
        saved = None if self._open is None else replace(self._open, packed=dict(self._open.packed))
        last = self._last_code, self._last_at
        try:
            yield
        except BaseException:
            self._open = saved
            self._last_code, self._last_at = last
            raise

    def cancel_box(self) -> None:
        """The packer abandons the open box (units go back to the shelf)."""
        if self._open is None:
            return
        with self.db.transaction() as conn:
            _close_session(conn, self._open.box.session_id, "cancelled")
        self._open = None

    def take_over(self, order_code: str, supervisor: str, pin: str) -> ScanResult:
        """Move an order's open session from another bench to this one (supervisor only)."""
        actor = require_supervisor(self.db, supervisor, pin)
        if self._open is not None:
            raise UserError(
                "本工位还有未完成的包裹，请先完成或取消",
                "this bench has an open box: complete or cancel it first",
            )
        scanned = normalise(order_code, self.settings.code_rules)
        with self._unchanged_on_failure(), self.db.transaction() as conn:
            order = _find_order(conn, scanned)
            if order is None:
                raise UserError(f"找不到订单：{scanned.code}", f"order not found: {scanned.code}")
            old = conn.execute(_OPEN_SESSION_OF_ORDER, {"order_id": order.id}).first()
            if old is None:
                return self._open_order(conn, order_code, scanned)
            moved = _close_session(conn, old.id, "taken_over")
            session_id = (
                self._insert_session(conn, order.id, order.version, taken_over_from=old.id)
                if moved
                else None
            )
            if session_id is None:  # another supervisor moved the box first
                now_at = conn.execute(_OPEN_SESSION_OF_ORDER, {"order_id": order.id}).first()
                return self._log(
                    conn,
                    order_code,
                    scanned,
                    Verdict.IN_PROGRESS_ELSEWHERE,
                    order_id=order.id,
                    order_no=order.order_no,
                    other_bench=now_at.bench if now_at else None,
                )
            record_audit(
                conn,
                actor,
                "take_over",
                order.order_no,
                {"from_bench": old.bench, "to_bench": self.settings.bench},
            )
            self._open = _load_box(conn, session_id)
            return self._log(conn, order_code, scanned, Verdict.ORDER_OPENED, other_bench=old.bench)

    # -- opening -----------------------------------------------------------------

    def _open_order(self, conn: Connection, raw: str, scanned: ScannedCode) -> ScanResult:
        if not scanned.usable:
            return self._log(conn, raw, scanned, Verdict.NOT_FOUND)
        order = _find_order(conn, scanned)
        if order is None:
            if self.settings.single_item_wave:
                return self._open_single_item(conn, raw, scanned)
            return self._log(conn, raw, scanned, Verdict.NOT_FOUND)
        if order.status in STOPPED_STATUSES or order.intercept_reason:
            return self._log(
                conn,
                raw,
                scanned,
                Verdict.INTERCEPTED,
                order_id=order.id,
                order_no=order.order_no,
                intercept_reason=order.intercept_reason or order.status,
            )
        if order.status in DONE_STATUSES:
            return self._log(
                conn,
                raw,
                scanned,
                Verdict.ALREADY_PACKED,
                order_id=order.id,
                order_no=order.order_no,
            )
        return self._start_session(conn, raw, scanned, order)

    def _start_session(
        self, conn: Connection, raw: str, scanned: ScannedCode, order: _OrderRow
    ) -> ScanResult:
        existing = conn.execute(_OPEN_SESSION_OF_ORDER, {"order_id": order.id}).first()
        if existing is not None and existing.bench != self.settings.bench:
            return self._log(
                conn,
                raw,
                scanned,
                Verdict.IN_PROGRESS_ELSEWHERE,
                order_id=order.id,
                order_no=order.order_no,
                other_bench=existing.bench,
            )
        if existing is not None:
            session_id = existing.id  # this bench's own box, e.g. after a restart
        else:
            session_id = self._insert_session(conn, order.id, order.version)
            if session_id is None:  # another bench won the race for this order
                other = conn.scalar(
                    select(PackSession.bench).where(
                        PackSession.order_id == order.id, PackSession.state == "open"
                    )
                )
                return self._log(
                    conn,
                    raw,
                    scanned,
                    Verdict.IN_PROGRESS_ELSEWHERE,
                    order_id=order.id,
                    order_no=order.order_no,
                    other_bench=other,
                )
            if not _unchanged_since_read(conn, order):  # packed or changed while we waited
                _discard_session(conn, session_id)
                return self._open_order(conn, raw, scanned)  # judge it as it is now
        self._open = _load_box(conn, session_id)
        return self._log(conn, raw, scanned, Verdict.ORDER_OPENED)

    def _insert_session(
        self, conn: Connection, order_id: int, version: int, taken_over_from: int | None = None
    ) -> int | None:
        """A new open session, or None when the database says one is open already."""
        try:
            with conn.begin_nested():
                return conn.scalar(
                    _INSERT_SESSION,
                    {
                        "order_id": order_id,
                        "bench": self.settings.bench,
                        "packer": self.settings.packer,
                        "state": "open",
                        "order_version": version,
                        "taken_over_from": taken_over_from,
                        "opened_at": datetime.now(UTC),
                    },
                )
        except IntegrityError:
            return None

    def _open_single_item(self, conn: Connection, raw: str, scanned: ScannedCode) -> ScanResult:
        resolution = _resolve(conn, scanned)
        match = resolution.match
        if match is None:
            verdict = Verdict.AMBIGUOUS_CODE if resolution.ambiguous else Verdict.NOT_FOUND
            return self._log(conn, raw, scanned, verdict)
        for _attempt in range(5):  # other benches may grab the same candidates
            order = _oldest_single_item_order(conn, match.sku, match.units)
            if order is None:
                return self._log(conn, raw, scanned, Verdict.NOT_FOUND, sku=match.sku)
            session_id = self._insert_session(conn, order.id, order.version)
            if session_id is not None and not _unchanged_since_read(conn, order):
                _discard_session(conn, session_id)  # another bench packed it meanwhile
            elif session_id is not None:
                self._open = _load_box(conn, session_id)
                result = self._scan_unit(conn, raw, scanned, resolution=resolution)
                if result.verdict is Verdict.OK:
                    return replace(result, verdict=Verdict.ORDER_OPENED)
                return result
        return self._log(conn, raw, scanned, Verdict.IN_PROGRESS_ELSEWHERE, sku=match.sku)

    # -- scanning units ----------------------------------------------------------

    def _scan_unit(
        self, conn: Connection, raw: str, scanned: ScannedCode, resolution: Resolution | None = None
    ) -> ScanResult:
        assert self._open is not None
        box = self._open.box
        order = conn.execute(_ORDER_OF_SESSION, {"session_id": box.session_id}).one()
        if order.state != "open":  # taken over or closed by a supervisor elsewhere
            self._open = None
            other = conn.scalar(
                select(PackSession.bench).where(
                    PackSession.order_id == box.order_id, PackSession.state == "open"
                )
            )
            return self._log(
                conn,
                raw,
                scanned,
                Verdict.IN_PROGRESS_ELSEWHERE,
                order_id=box.order_id,
                order_no=box.order_no,
                other_bench=other,
            )
        reason = _intercept_reason(
            order.status, order.intercept_reason, changed=order.version != self._open.version
        )
        if reason is not None:
            return self._intercept(conn, raw, scanned, box, reason)
        resolution = resolution or _resolve(conn, scanned)
        verdict = judge_unit(self._open.required, self._open.packed, resolution)
        match = resolution.match
        if verdict is Verdict.ORDER_COMPLETE:
            # Seal the box only on the order as it is now: lock it (PostgreSQL) and look
            # again, so an import that changed it meanwhile stops the parcel instead.
            latest = conn.execute(_LOCK_ORDER, {"order_id": box.order_id}).one()
            reason = _intercept_reason(
                latest.status, latest.intercept_reason, changed=latest.version != self._open.version
            )
            if reason is not None:
                return self._intercept(conn, raw, scanned, box, reason)
        if not verdict.accepted or match is None:
            return self._log(
                conn,
                raw,
                scanned,
                verdict,
                session_id=box.session_id,
                order_id=box.order_id,
                order_no=box.order_no,
                sku=match.sku if match else None,
                candidates=tuple(m.sku for m in resolution.matches),
            )
        self._open.packed[match.sku] = self._open.packed.get(match.sku, 0) + match.units
        self._open.box = _with_packed(box, self._open.packed)
        packed_box = self._open.box
        job_id = None
        if verdict is Verdict.ORDER_COMPLETE:
            job_id = self._complete(conn, packed_box)
        return self._log(
            conn,
            raw,
            scanned,
            verdict,
            box=packed_box,
            sku=match.sku,
            units=match.units,
            print_job_id=job_id,
        )

    def _intercept(
        self, conn: Connection, raw: str, scanned: ScannedCode, box: Box, reason: str
    ) -> ScanResult:
        _close_session(conn, box.session_id, "intercepted")
        self._open = None
        return self._log(
            conn,
            raw,
            scanned,
            Verdict.INTERCEPTED,
            session_id=box.session_id,
            order_id=box.order_id,
            order_no=box.order_no,
            intercept_reason=reason,
        )

    def _complete(self, conn: Connection, box: Box) -> int | None:
        self._open = None
        return finish_session(
            conn,
            box.session_id,
            print_label=self.settings.print_on_completion,
            printer_spec=self.settings.printer_spec,
        )

    def _log(
        self,
        conn: Connection,
        raw: str,
        scanned: ScannedCode,
        verdict: Verdict,
        *,
        session_id: int | None = None,
        order_id: int | None = None,
        order_no: str | None = None,
        sku: str | None = None,
        units: int = 0,
        print_job_id: int | None = None,
        other_bench: str | None = None,
        intercept_reason: str | None = None,
        candidates: tuple[str, ...] = (),
        box: Box | None = None,
    ) -> ScanResult:
        """Append the scan event (in the caller's transaction) and build the answer.

        The answer's box is the one this scan concerned: the open box, or the box the
        scan just completed.
        """
        box = box or self.box
        if box is not None:
            session_id = session_id or box.session_id
            order_id = order_id or box.order_id
            order_no = order_no or box.order_no
        conn.execute(
            _INSERT_SCAN,
            {
                "session_id": session_id,
                "order_id": order_id,
                "bench": self.settings.bench,
                "packer": self.settings.packer,
                "at": datetime.now(UTC),
                "raw_code": _loggable(raw),
                "code": scanned.code,
                "verdict": verdict.value,
                "sku": sku,
                "units": units,
            },
        )
        return ScanResult(
            verdict=verdict,
            code=scanned.code,
            order_no=order_no,
            sku=sku,
            units=units,
            box=box,
            print_job_id=print_job_id,
            other_bench=other_bench,
            intercept_reason=intercept_reason,
            candidates=candidates if verdict is Verdict.AMBIGUOUS_CODE else (),
        )


def _loggable(raw: str) -> str:
    """The raw scan as the log can keep it: capped, and storable on every backend.

    PostgreSQL text cannot hold NUL (shown as U+2400 instead), and neither database can
    store a lone surrogate (undecodable bytes in a command line: shown as "?").
    """
    kept = raw[:RAW_KEPT].replace("\x00", "\u2400")
    return kept.encode("utf-8", "replace").decode("utf-8")


# -- queries ---------------------------------------------------------------------

# Hot-path statements are built once, with bound parameters: building a Core statement and
# its cache key on every call cost more CPU than running it on SQLite, and each scan waits
# for it (benchmarks/bench_scan.py). The SQL is the same as building them inline.
_CODE = bindparam("code")
_FIND_ORDER = (
    select(Order.id, Order.order_no, Order.status, Order.version, Order.intercept_reason)
    .where(
        or_(Order.order_no == _CODE, Order.platform_order_no == _CODE, Order.waybill_no == _CODE)
    )
    .order_by((Order.order_no == _CODE).desc(), Order.id)
    .limit(1)
)
_OPEN_SESSION_OF_ORDER = select(PackSession.id, PackSession.bench).where(
    PackSession.order_id == bindparam("order_id"), PackSession.state == "open"
)
_INSERT_SESSION = insert(PackSession).returning(PackSession.id)
_ORDER_OF_SESSION = (
    select(Order.status, Order.version, Order.intercept_reason, PackSession.state)
    .join(PackSession, PackSession.order_id == Order.id)
    .where(PackSession.id == bindparam("session_id"))
)
_INSERT_SCAN = insert(ScanEvent)
_LOCK_ORDER = (
    select(Order.status, Order.version, Order.intercept_reason)
    .where(Order.id == bindparam("order_id"))
    .with_for_update()
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
_TAKEN_OVER_FROM = select(PackSession.taken_over_from).where(
    PackSession.id == bindparam("session_id")
)
_SESSION_OF_BOX = select(PackSession.order_id, PackSession.order_version).where(
    PackSession.id == bindparam("session_id")
)
_ORDER_OF_BOX = select(
    Order.id,
    Order.order_no,
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
).where(Order.id == bindparam("order_id"))
_LINES_OF_BOX = (
    select(OrderLine.sku, OrderLine.title, OrderLine.quantity)
    .where(OrderLine.order_id == bindparam("order_id"))
    .order_by(OrderLine.id)
)
_PACKED_IN_SESSIONS = (
    select(ScanEvent.sku, func.sum(ScanEvent.units))
    .where(ScanEvent.session_id.in_(bindparam("sessions", expanding=True)), ScanEvent.units > 0)
    .group_by(ScanEvent.sku)
)


@dataclass(frozen=True, slots=True)
class _OrderRow:
    id: int
    order_no: str
    status: str
    version: int
    intercept_reason: str | None


def _find_order(conn: Connection, scanned: ScannedCode) -> _OrderRow | None:
    """The order a code names: by order number, platform order number or waybill number.

    A number scanned with Caps Lock on arrives with the case of every letter swapped; that
    reading is tried second, so an exact match always wins.
    """
    if not scanned.usable:
        return None
    for code in dict.fromkeys((scanned.code, scanned.code.swapcase())):
        row = conn.execute(_FIND_ORDER, {"code": code}).first()
        if row:
            return _OrderRow(*row)
    return None


def _oldest_single_item_order(conn: Connection, sku: str, units: int) -> _OrderRow | None:
    """The oldest packable order of just `sku` that a scan of `units` units fits."""
    other_line = aliased(OrderLine)
    row = conn.execute(
        select(Order.id, Order.order_no, Order.status, Order.version, Order.intercept_reason)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            OrderLine.sku == sku,
            OrderLine.quantity >= units,
            Order.status == OrderStatus.PAID.value,
            Order.intercept_reason.is_(None),
            ~exists().where(and_(other_line.order_id == Order.id, other_line.id != OrderLine.id)),
            ~exists().where(and_(PackSession.order_id == Order.id, PackSession.state == "open")),
        )
        .order_by(Order.imported_at, Order.id)
        .limit(1)
    ).first()
    return _OrderRow(*row) if row else None


def _resolve(conn: Connection, scanned: ScannedCode) -> Resolution:
    """Products a code stands for: exact keys first, then a Caps-Lock-flipped match."""
    if not scanned.usable:
        return Resolution(())
    rows = conn.execute(_RESOLVE_EXACT, {"keys": list(scanned.keys)}).all()
    for key in scanned.keys:
        matches = sorted(
            {CodeMatch(sku, units) for code, sku, units in rows if code == key},
            key=lambda m: (m.sku, m.units),
        )
        if matches:
            return Resolution(tuple(matches))
    folded = conn.execute(_RESOLVE_FOLDED, {"folded": case_folded(scanned.code)}).all()
    return Resolution(
        tuple(
            sorted({CodeMatch(sku, units) for sku, units in folded}, key=lambda m: (m.sku, m.units))
        )
    )


def _intercept_reason(status: str, reason: str | None, *, changed: bool) -> str | None:
    if status in STOPPED_STATUSES:
        return status
    if reason:
        return reason
    return "changed" if changed else None


def _unchanged_since_read(conn: Connection, order: _OrderRow) -> bool:
    """Whether the order is still as read before this bench's session row went in.

    A bench that opens and completes an order in one transaction (a single-item wave)
    leaves no open session behind, so the unique index cannot stop another bench that read
    the order before that commit; this re-read, after the insert waited for it, can.
    """
    now = conn.execute(
        select(Order.status, Order.version, Order.intercept_reason).where(Order.id == order.id)
    ).one()
    return tuple(now) == (order.status, order.version, order.intercept_reason)


def _discard_session(conn: Connection, session_id: int) -> None:
    """Take back a session inserted in this transaction (nothing refers to it yet)."""
    conn.execute(delete(PackSession).where(PackSession.id == session_id))


def _close_session(conn: Connection, session_id: int, state: str) -> bool:
    """Close a session that is still open; False when it was closed (or moved) already."""
    closed = conn.execute(
        update(PackSession)
        .where(
            PackSession.id == session_id,
            PackSession.state == "open",
        )
        .values(state=state, closed_at=datetime.now(UTC))
    )
    return closed.rowcount == 1


def _session_chain(conn: Connection, session_id: int) -> list[int]:
    """This session and the ones it took over: their units are in the same box."""
    chain = [session_id]
    while (previous := conn.scalar(_TAKEN_OVER_FROM, {"session_id": chain[-1]})) is not None:
        chain.append(previous)
    return chain


def _load_box(conn: Connection, session_id: int) -> _OpenBox:
    session = conn.execute(_SESSION_OF_BOX, {"session_id": session_id}).one()
    order = conn.execute(_ORDER_OF_BOX, {"order_id": session.order_id}).one()
    lines = conn.execute(_LINES_OF_BOX, {"order_id": session.order_id}).all()
    required: dict[str, int] = {}
    titles: dict[str, str] = {}
    for sku, title, quantity in lines:
        required[sku] = required.get(sku, 0) + quantity
        titles.setdefault(sku, title)
    chain = _session_chain(conn, session_id)
    packed = {
        sku: units for sku, units in conn.execute(_PACKED_IN_SESSIONS, {"sessions": chain}).all()
    }
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
        address_ambiguous=order.address_ambiguous,
        carrier=order.carrier,
        waybill_no=order.waybill_no,
        lines=(),
    )
    box = replace(
        box, lines=tuple(LineProgress(sku, titles[sku], qty, 0) for sku, qty in required.items())
    )
    return _OpenBox(
        box=_with_packed(box, packed),
        version=session.order_version,
        required=required,
        packed={k: int(v) for k, v in packed.items()},
    )


def _with_packed(box: Box, packed: dict[str, int]) -> Box:
    return replace(
        box, lines=tuple(replace(line, packed=int(packed.get(line.sku, 0))) for line in box.lines)
    )
