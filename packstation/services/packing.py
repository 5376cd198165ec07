"""The bench's packing flow: open an order, verify every scan, complete the box.

Every scan is committed (scan event, and on the last unit the completion and its print
job) before `scan` returns, so nothing is acknowledged that a crash could take back. The
open box is kept in memory for speed but is always rebuilt from the database on resume.
The SQL lives in `storage/packing.py`; this module holds the flow and its rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from packstation.domain.codes import CodeRules, ScannedCode, normalise
from packstation.domain.orders import DONE_STATUSES, InterceptReason, stop_reason
from packstation.domain.scanning import DEFAULT_BOUNCE_WINDOW_S, Resolution, is_bounce, judge_unit
from packstation.domain.sessions import SessionState
from packstation.domain.verdicts import Verdict
from packstation.errors import ErrorCode, UserError
from packstation.services.audit import record_audit
from packstation.services.boxes import Box, ScanResult
from packstation.services.open_box import OpenBox, box_for_new_session, load_box
from packstation.services.print_jobs import seal_session
from packstation.services.users import require_supervisor
from packstation.storage import packing as store
from packstation.storage.database import Database

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


class PackingStation:
    """One bench. Not thread-safe: a bench scans one code at a time, from one thread.

    Scans reuse one database connection (a pool checkout per scan cost more than the
    scan's SQL); `close()` gives it back.
    """

    def __init__(
        self,
        db: Database,
        settings: StationSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.settings = settings
        self._clock = clock
        self._open: OpenBox | None = None
        self._last_code: str | None = None
        self._last_at: float | None = None
        self._conn: Connection | None = None

    @property
    def box(self) -> Box | None:
        return self._open.box if self._open else None

    def resume(self) -> Box | None:
        """At start: the bench is registered (supervisors see every bench) and, after a
        restart, its open session comes back with exactly its committed scans."""
        with self.db.transaction() as conn:
            store.register_bench(conn, self.settings.bench, self.settings.printer_spec)
            session_id = store.bench_session(conn, self.settings.bench)
            self._open = load_box(conn, session_id) if session_id is not None else None
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
        with self._unchanged_on_failure(), self._transaction() as conn:
            self._last_code, self._last_at = scanned.code, now
            if bounce:
                return self._log(conn, raw, scanned, Verdict.DUPLICATE_READ)
            if self._open is None:
                return self._open_order(conn, raw, scanned)
            return self._scan_unit(conn, raw, scanned)

    def judge_extra(self, box: Box, raw: str) -> ScanResult:
        """A scan after `box` completed, judged as one more unit of it and stored nowhere
        (a script's scans after the last unit: a unit to take out of the parcel)."""
        scanned = normalise(raw, self.settings.code_rules)
        with self._transaction() as conn:
            resolution = store.resolve(conn, scanned)
        verdict = judge_unit(
            {line.sku: line.required for line in box.lines},
            {line.sku: line.packed for line in box.lines},
            resolution,
        )
        match = resolution.match
        return ScanResult(
            verdict, scanned.code, box.order_no, match.sku if match else None, box=box
        )

    def close(self) -> None:
        """Give the bench's connection back (the open box stays in the database)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A transaction on the bench's own connection; after a failure a fresh one is
        taken next time, since the failure may have been the connection itself."""
        if self._conn is None:
            self._conn = self.db.engine.connect()
        try:
            with self._conn.begin():
                yield self._conn
        except BaseException:
            self.close()
            raise

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
            store.close_session(conn, self._open.box.session_id, SessionState.CANCELLED)
        self._open = None

    def take_over(self, order_code: str, supervisor: str, pin: str) -> ScanResult:
        """Move an order's open session from another bench to this one (supervisor only)."""
        actor = require_supervisor(self.db, supervisor, pin, bench=self.settings.bench)
        if self._open is not None:
            raise UserError(ErrorCode.BENCH_BOX_OPEN)
        scanned = normalise(order_code, self.settings.code_rules)
        with self._unchanged_on_failure(), self.db.transaction() as conn:
            order = store.find_order(conn, scanned)
            if order is None:
                raise UserError(ErrorCode.UNKNOWN_ORDER, order_no=scanned.code)
            if order.open_session is None:
                return self._open_order(conn, order_code, scanned)
            moved = store.close_session(conn, order.open_session, SessionState.TAKEN_OVER)
            session_id = (
                store.insert_session(
                    conn,
                    order.id,
                    order.version,
                    self.settings.bench,
                    self.settings.packer,
                    taken_over_from=order.open_session,
                )
                if moved
                else None
            )
            if session_id is None:  # another supervisor moved the box first
                return self._log(
                    conn,
                    order_code,
                    scanned,
                    Verdict.IN_PROGRESS_ELSEWHERE,
                    order_id=order.id,
                    order_no=order.order_no,
                    other_bench=store.open_bench_of(conn, order.id),
                )
            record_audit(
                conn,
                actor,
                "take_over",
                order.order_no,
                {"from_bench": order.open_bench, "to_bench": self.settings.bench},
            )
            self._open = load_box(conn, session_id)
            return self._log(
                conn, order_code, scanned, Verdict.ORDER_OPENED, other_bench=order.open_bench
            )

    # -- opening -----------------------------------------------------------------

    def _open_order(self, conn: Connection, raw: str, scanned: ScannedCode) -> ScanResult:
        order = store.find_order(conn, scanned)
        if order is None:
            if self.settings.single_item_wave and scanned.usable:
                return self._open_single_item(conn, raw, scanned)
            return self._log(conn, raw, scanned, Verdict.NOT_FOUND)
        refusal = self._refusal(order)
        if refusal is not None:
            verdict, extra = refusal
            return self._log(
                conn, raw, scanned, verdict, order_id=order.id, order_no=order.order_no, **extra
            )
        if order.open_session is not None:  # this bench's own box, e.g. after a restart
            self._open = load_box(conn, order.open_session)
            return self._log(conn, raw, scanned, Verdict.ORDER_OPENED)
        session_id = store.insert_session(
            conn, order.id, order.version, self.settings.bench, self.settings.packer
        )
        if session_id is None:  # another bench won the race for this order
            return self._log(
                conn,
                raw,
                scanned,
                Verdict.IN_PROGRESS_ELSEWHERE,
                order_id=order.id,
                order_no=order.order_no,
                other_bench=store.open_bench_of(conn, order.id),
            )
        opened = box_for_new_session(conn, session_id, order)
        if opened is None:  # packed or changed while we waited
            return self._open_order(conn, raw, scanned)  # judge it as it is now
        self._open = opened
        return self._log(conn, raw, scanned, Verdict.ORDER_OPENED)

    def _refusal(self, order: store.OrderRow) -> tuple[Verdict, dict[str, Any]] | None:
        """Why this order cannot be opened here, or None."""
        reason = stop_reason(order.status, order.intercept_reason)
        if reason is not None:
            return Verdict.INTERCEPTED, {"intercept_reason": reason}
        if order.status in DONE_STATUSES:
            return Verdict.ALREADY_PACKED, {}
        if order.open_session is not None and order.open_bench != self.settings.bench:
            return Verdict.IN_PROGRESS_ELSEWHERE, {"other_bench": order.open_bench}
        return None

    def _open_single_item(self, conn: Connection, raw: str, scanned: ScannedCode) -> ScanResult:
        resolution = store.resolve(conn, scanned)
        match = resolution.match
        if match is None:
            verdict = Verdict.AMBIGUOUS_CODE if resolution.ambiguous else Verdict.NOT_FOUND
            return self._log(conn, raw, scanned, verdict)
        for _attempt in range(5):  # other benches may grab the same candidates
            order = store.oldest_single_item_order(conn, match.sku, match.units)
            if order is None:
                return self._log(conn, raw, scanned, Verdict.NOT_FOUND, sku=match.sku)
            session_id = store.insert_session(
                conn, order.id, order.version, self.settings.bench, self.settings.packer
            )
            if session_id is None:
                continue
            opened = box_for_new_session(conn, session_id, order)
            if opened is None:  # another bench packed it meanwhile
                continue
            self._open = opened
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
        opened = self._open
        box = opened.box
        state = store.scan_context(
            conn, box.session_id, opened.version, None if resolution else scanned
        )
        resolution = resolution or state.resolution
        verdict = judge_unit(opened.required, opened.packed, resolution)
        if not state.session_open:  # taken over or closed by a supervisor elsewhere
            self._open = None
            return self._log(
                conn,
                raw,
                scanned,
                Verdict.IN_PROGRESS_ELSEWHERE,
                order_id=box.order_id,
                order_no=box.order_no,
                other_bench=store.open_bench_of(conn, box.order_id),
            )
        if state.stop_reason is not None:
            store.close_session(conn, box.session_id, SessionState.INTERCEPTED)
            self._open = None
            return self._log(
                conn, raw, scanned, Verdict.INTERCEPTED, box=box, intercept_reason=state.stop_reason
            )
        match = resolution.match
        if not verdict.accepted or match is None:
            return self._log(
                conn,
                raw,
                scanned,
                verdict,
                sku=match.sku if match else None,
                candidates=tuple(m.sku for m in resolution.matches),
            )
        opened.count(match)
        job_id = None
        if verdict is Verdict.ORDER_COMPLETE:
            self._open = None
            job_id = seal_session(
                conn,
                box.session_id,
                box.order_id,
                self.settings.bench,
                print_label=self.settings.print_on_completion,
                printer_spec=self.settings.printer_spec,
            )
        return self._log(
            conn,
            raw,
            scanned,
            verdict,
            box=opened.box,
            sku=match.sku,
            units=match.units,
            print_job_id=job_id,
        )

    def _log(
        self,
        conn: Connection,
        raw: str,
        scanned: ScannedCode,
        verdict: Verdict,
        *,
        order_id: int | None = None,
        order_no: str | None = None,
        sku: str | None = None,
        units: int = 0,
        print_job_id: int | None = None,
        other_bench: str | None = None,
        intercept_reason: InterceptReason | None = None,
        candidates: tuple[str, ...] = (),
        box: Box | None = None,
    ) -> ScanResult:
        """Append the scan event (in the caller's transaction) and build the answer.

        The answer's box is the one this scan concerned: the open box, or the box the
        scan just completed or stopped.
        """
        box = box or self.box
        session_id = box.session_id if box is not None else None
        if box is not None:
            order_id, order_no = box.order_id, box.order_no
        store.log_scan(
            conn,
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
