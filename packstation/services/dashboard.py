"""The supervisor's figures as plain values: the dashboard window, the wall screen and
`packstation stats` all show what `read_dashboard` returns.

Every query is bounded by a small index or a small table, so a refresh stays cheap on a
database of millions of orders and scans (benchmarks/bench_dashboard.py):
  * scans per hour, bench, packer and verdict come from `scan_tallies` (a trigger keeps it);
  * packed today/this hour: the `packed_at` index, a day's range;
  * intercepted orders and the priority backlog: partial indexes (migration 0004);
  * print jobs, open sessions and overrides: the few rows that are queued, open or recent.
The whole-table order counts (`order_totals`, `with_totals=True`) are the one full count:
`stats` shows them; the 5-second refresh does without them (and caps the backlog count).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, literal_column, select

from packstation.domain.orders import OrderStatus
from packstation.domain.printer_reasons import PrinterReason
from packstation.domain.verdicts import Verdict
from packstation.i18n import translate
from packstation.services import users
from packstation.services.destinations import rules_in_force
from packstation.services.print_jobs import JobErrorCode, JobState
from packstation.storage.database import Database
from packstation.storage.tables import (
    AuditRecord,
    Bench,
    Order,
    PackSession,
    PrintJob,
    ScanEvent,
    ScanTally,
    Setting,
)

#: A unit accepted into a box.
UNIT_VERDICTS = frozenset({Verdict.OK.value, Verdict.ORDER_COMPLETE.value})
#: A unit scan that was wrong: what the wrong-scan rate counts.
WRONG_VERDICTS = frozenset(
    {
        Verdict.WRONG_ITEM.value,
        Verdict.OVER_QUANTITY.value,
        Verdict.UNKNOWN_CODE.value,
        Verdict.AMBIGUOUS_CODE.value,
    }
)
BACKLOG_WARN_SETTING = "dashboard.backlog_warn_minutes"
DEFAULT_BACKLOG_WARN = timedelta(hours=4)
FEED_SIZE = 30
BACKLOG_COUNT_CAP = 2_000
# The partial index predicate of ix_orders_priority_waiting, as literals (a bound "paid"
# would not let SQLite prove the query implies the index's condition).
_WAITING = and_(
    Order.status == literal_column("'paid'"),
    Order.priority.is_not(None),
    Order.intercept_reason.is_(None),
)
#: Job errors that are not the printer's fault (the order or the label data).
_NOT_PRINTER = frozenset({JobErrorCode.INTERCEPTED.value, JobErrorCode.LABEL_DATA.value})


class ExceptionKind(StrEnum):
    INTERCEPT = "intercept"  # a bench stopped a parcel whose order was stopped
    HELD_JOB = "held_job"  # a label waits for a person (outcome unknown, intercepted)
    PRINTER_FAULT = "printer_fault"  # a job failed on the printer and waits to retry
    OVERRIDE = "override"  # a supervisor action (audit record)


class PrinterState(StrEnum):
    OK = "ok"  # nothing failing
    FAULT = "fault"  # jobs failing on the printer
    NONE = "none"  # no printer configured for the bench


@dataclass(frozen=True, slots=True)
class HourCount:
    """Orders completed and units packed in one hour by one bench and packer."""

    hour: datetime  # UTC, start of the hour
    bench: str
    packer: str
    orders: int  # boxes completed
    units: int  # units accepted into boxes
    scans: int  # every scan, whatever its verdict
    unit_scans: int  # scans that put units in a box
    wrong_scans: int
    intercepts: int  # parcels stopped at the bench




@dataclass(frozen=True, slots=True)
class CityBacklog:
    """Priority orders still waiting for one priority city."""

    key: str  # the rule key: beijing, shanghai, ...
    city: str
    mark: str
    waiting: int
    more: bool  # more than `waiting` wait (count capped, see BACKLOG_COUNT_CAP)
    oldest_at: datetime | None
    oldest_age_s: float
    warning: bool  # the oldest has waited longer than the threshold


@dataclass(frozen=True, slots=True)
class BenchPrinter:
    """A bench's printer as its print jobs show it."""

    bench: str
    printer_spec: str
    state: PrinterState
    error_reason: str  # of the latest failing job, "" when none
    error_zh: str
    error_en: str
    queued: int  # pending or failed and due for a retry
    held: int  # waiting for a person


@dataclass(frozen=True, slots=True)
class OpenBox:
    bench: str
    packer: str
    order_no: str
    opened_at: datetime
    open_s: float


@dataclass(frozen=True, slots=True)
class ExceptionEvent:
    at: datetime
    kind: ExceptionKind
    bench: str
    who: str  # packer or supervisor
    target: str  # order number, job id, setting...
    detail: str  # a code or reason; the UI words it


@dataclass(frozen=True, slots=True)
class PinThrottle:
    """Wrong PINs: names that must wait, and failed tries per bench (from authcli)."""

    throttled: tuple[tuple[str, int, int], ...] = ()  # (name, failures, seconds left)
    failures_by_bench: tuple[tuple[str, int], ...] = ()  # (bench or "", failures)


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """Whole-table order counts (the one full count; `stats` prints them)."""

    total: int
    packable: int
    packed: int
    intercepted: int  # the order changed after import: intercept_reason set
    cancelled: int
    refunded: int
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dashboard:
    taken_at: datetime
    day_start: datetime  # UTC instant of local midnight
    orders_today: int
    units_today: int
    orders_this_hour: int
    units_this_hour: int
    scans_today: int
    unit_scans_today: int
    wrong_scans_today: int
    intercepts_today: int  # parcels stopped at a bench today
    orders_intercepted: int  # orders now stopped by an import change (intercept_reason)
    orders_cancelled: int
    orders_refunded: int
    hours: tuple[HourCount, ...]
    backlog: tuple[CityBacklog, ...]
    printers: tuple[BenchPrinter, ...]
    open_boxes: tuple[OpenBox, ...]
    exceptions: tuple[ExceptionEvent, ...]
    pins: PinThrottle
    backlog_warn_after: timedelta
    totals: OrderTotals | None = None

    @property
    def wrong_rate(self) -> float:
        """Wrong unit scans per unit scan (accepted + wrong), 0 when none."""
        judged = self.unit_scans_today + self.wrong_scans_today
        return self.wrong_scans_today / judged if judged else 0.0

    def per_bench(self) -> dict[str, list[int]]:
        return _per(self.hours, "bench", self.day_start, self.taken_at)

    def per_packer(self) -> dict[str, list[int]]:
        return _per(self.hours, "packer", self.day_start, self.taken_at)


def _per(
    hours: Iterable[HourCount], by: str, start: datetime, now: datetime
) -> dict[str, list[int]]:
    """Orders per hour over the shift (from the first hour anyone scanned today, or from
    `start` when nobody has), one list with one slot per hour per bench or packer."""
    hours = list(hours)
    first = min((h.hour for h in hours if h.hour >= start), default=start)
    slots = max(1, int((now - first).total_seconds() // 3600) + 1)
    out: dict[str, list[int]] = defaultdict(lambda: [0] * slots)
    for h in hours:
        index = int((h.hour - first).total_seconds() // 3600)
        if 0 <= index < slots:
            out[getattr(h, by) or "-"][index] += h.orders
    return dict(sorted(out.items()))


def shift_start(board: Dashboard) -> datetime:
    """The first hour anyone scanned today (the charts' first slot)."""
    return min((h.hour for h in board.hours if h.hour >= board.day_start), default=board.day_start)


@contextmanager
def reading(db: Database) -> Iterator[Connection]:
    """A connection for reading figures. On a SQLite file, a side connection that never
    takes the write lock (the app's transactions BEGIN IMMEDIATE, which would hold every
    bench's scans back for the length of a refresh); elsewhere a normal transaction."""
    with db.side_reader() as side:
        if side is not None:
            yield side
            return
    with db.transaction() as conn:
        yield conn


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def day_start(now: datetime, zone: tzinfo | None = None) -> datetime:
    """The UTC instant of local midnight of `now`'s day."""
    local = now.astimezone(zone or local_zone())
    return datetime.combine(local.date(), time(), local.tzinfo).astimezone(UTC)


def aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite drops the zone


def read_dashboard(
    db: Database,
    *,
    now: datetime | None = None,
    zone: tzinfo | None = None,
    with_totals: bool = False,
) -> Dashboard:
    """Every figure of the dashboard, from one consistent read."""
    now = now or datetime.now(UTC)
    start = day_start(now, zone)
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    with reading(db) as conn:
        hours = _hours(conn, start)
        packed_today, packed_hour = _packed(conn, start, hour_start)
        stopped = _stopped_counts(conn)
        warn_after = backlog_warn_after(conn)
        backlog = _backlog(conn, now, warn_after, exact=with_totals)
        printers, job_events = _printers(conn)
        boxes = _open_boxes(conn, now)
        feed = _feed(conn, start, job_events)
        totals = order_totals(conn) if with_totals else None
    this_hour = [h for h in hours if h.hour >= hour_start]
    return Dashboard(
        taken_at=now,
        day_start=start,
        orders_today=packed_today,
        units_today=sum(h.units for h in hours),
        orders_this_hour=packed_hour,
        units_this_hour=sum(h.units for h in this_hour),
        scans_today=sum(h.scans for h in hours),
        unit_scans_today=sum(h.unit_scans for h in hours),
        wrong_scans_today=sum(h.wrong_scans for h in hours),
        intercepts_today=sum(h.intercepts for h in hours),
        orders_intercepted=stopped["intercepted"],
        orders_cancelled=stopped[OrderStatus.CANCELLED.value],
        orders_refunded=stopped[OrderStatus.REFUNDED.value],
        hours=tuple(hours),
        backlog=backlog,
        printers=printers,
        open_boxes=boxes,
        exceptions=feed,
        pins=pin_throttle(db, start),
        backlog_warn_after=warn_after,
        totals=totals,
    )


def _hours(conn: Connection, start: datetime) -> list[HourCount]:
    """Scans since `start` per hour, bench and packer, summed from the tallies in SQL."""

    def scans_where(verdicts: Iterable[str]) -> Any:
        return func.coalesce(
            func.sum(case((ScanTally.verdict.in_(sorted(verdicts)), ScanTally.scans), else_=0)), 0
        )

    units = case((ScanTally.verdict.in_(sorted(UNIT_VERDICTS)), ScanTally.units), else_=0)
    rows = conn.execute(
        select(
            ScanTally.hour,
            ScanTally.bench,
            ScanTally.packer,
            scans_where({Verdict.ORDER_COMPLETE.value}),
            func.coalesce(func.sum(units), 0),
            func.sum(ScanTally.scans),
            scans_where(UNIT_VERDICTS),
            scans_where(WRONG_VERDICTS),
            scans_where({Verdict.INTERCEPTED.value}),
        )
        .where(ScanTally.hour >= start)
        .group_by(ScanTally.hour, ScanTally.bench, ScanTally.packer)
        .order_by(ScanTally.hour, ScanTally.bench, ScanTally.packer)
    )
    return [
        HourCount(aware(hour), bench, packer, *(int(n) for n in counts))
        for hour, bench, packer, *counts in rows
    ]


def scans_by_verdict(conn: Connection, since: datetime | None = None) -> dict[str, int]:
    """Scans per verdict (since `since`): whole hours from the tallies, and the part of
    the first hour after `since` counted exactly from the log (`at` index)."""
    query = select(ScanTally.verdict, func.sum(ScanTally.scans)).group_by(ScanTally.verdict)
    out: dict[str, int] = defaultdict(int)
    if since is not None:
        first_full = since.replace(minute=0, second=0, microsecond=0)
        if first_full < since:
            first_full += timedelta(hours=1)
            partial = conn.execute(
                select(ScanEvent.verdict, func.count())
                .where(ScanEvent.at >= since, ScanEvent.at < first_full)
                .group_by(ScanEvent.verdict)
            )
            for verdict, n in partial:
                out[verdict] += int(n)
        query = query.where(ScanTally.hour >= first_full)
    for verdict, n in conn.execute(query):
        out[verdict] += int(n or 0)
    return dict(sorted(out.items()))


def _packed(conn: Connection, start: datetime, hour_start: datetime) -> tuple[int, int]:
    """Orders packed since local midnight and since the hour began (`packed_at` index)."""

    def since(when: datetime) -> int:
        query = select(func.count()).select_from(Order).where(Order.packed_at >= when)
        return int(conn.scalar(query) or 0)

    return since(start), since(hour_start)


def _stopped_counts(conn: Connection) -> dict[str, int]:
    """Orders stopped: by an import change (partial index) and cancelled/refunded (status)."""
    intercepted = conn.scalar(
        select(func.count()).select_from(Order).where(Order.intercept_reason.is_not(None))
    )
    out = {"intercepted": int(intercepted or 0)}
    for status in (OrderStatus.CANCELLED.value, OrderStatus.REFUNDED.value):
        out[status] = int(
            conn.scalar(select(func.count()).select_from(Order).where(Order.status == status)) or 0
        )
    return out


def backlog_warn_after(conn: Connection) -> timedelta:
    """How long a priority order may wait before the dashboard warns (shared setting)."""
    raw = conn.scalar(select(Setting.value).where(Setting.key == BACKLOG_WARN_SETTING))
    try:
        minutes = float(json.loads(raw)) if raw else None
    except (ValueError, TypeError):
        minutes = None
    return timedelta(minutes=minutes) if minutes and minutes > 0 else DEFAULT_BACKLOG_WARN


def _backlog(
    conn: Connection, now: datetime, warn_after: timedelta, *, exact: bool
) -> tuple[CityBacklog, ...]:
    """Packable priority orders per priority city, with the oldest, read per city from
    the partial index `ix_orders_priority_waiting` (the predicate is spelled out as
    literals so both planners can use it). Counting is capped at BACKLOG_COUNT_CAP per
    city unless `exact`: on the morning of 11.11 a city can have 100k parcels waiting,
    and counting them all takes longer than the whole refresh may."""
    rules = rules_in_force(conn)
    keys = [r.key for r in rules.rules]
    stored = (
        conn.execute(
            select(Order.priority).where(_WAITING, Order.priority.is_not(None)).distinct()
        ).scalars()
        if exact
        else ()
    )
    keys += sorted(k for k in stored if k not in keys)
    out = []
    for key in keys:
        rule = rules.by_key(key)
        in_city = select(Order.id).where(
            _WAITING, Order.priority == literal(key, literal_execute=True)
        )
        if not exact:
            in_city = in_city.limit(BACKLOG_COUNT_CAP + 1)
        waiting = int(conn.scalar(select(func.count()).select_from(in_city.subquery())) or 0)
        oldest = conn.scalar(
            select(func.min(Order.imported_at)).where(
                _WAITING, Order.priority == literal(key, literal_execute=True)
            )
        )
        oldest = aware(oldest) if oldest else None
        age = (now - oldest).total_seconds() if oldest else 0.0
        out.append(
            CityBacklog(
                key=key,
                city=rule.city if rule else key,
                mark=rule.mark if rule else "",
                waiting=min(waiting, BACKLOG_COUNT_CAP) if not exact else waiting,
                more=not exact and waiting > BACKLOG_COUNT_CAP,
                oldest_at=oldest,
                oldest_age_s=max(0.0, age),
                warning=oldest is not None and age > warn_after.total_seconds(),
            )
        )
    return tuple(out)


OPEN_JOB_STATES = (JobState.PENDING, JobState.SENDING, JobState.FAILED, JobState.HELD)


@dataclass(frozen=True, slots=True)
class _Fault:
    """The latest printer failure of a bench's queue: its reason code, worded on demand."""

    reason: str
    device: str

    def text(self, lang: str) -> str:
        try:
            return translate(PrinterReason(self.reason), lang, device=self.device)
        except ValueError:  # a code the printers do not give (e.g. no_printer)
            return self.reason


def _printers(conn: Connection) -> tuple[tuple[BenchPrinter, ...], list[ExceptionEvent]]:
    """Per bench: its printer and its queued and held jobs, from the outbox.

    ADAPTER (printing helper): the printer state is inferred from failing jobs here; once
    the per-bench printer status service exists, read the printer's own state from it.
    """
    specs = dict(conn.execute(select(Bench.name, Bench.printer_spec)).all())
    jobs = conn.execute(
        select(
            PrintJob.id,
            PrintJob.bench,
            PrintJob.state,
            PrintJob.error_code,
            PrintJob.updated_at,
            PrintJob.order_id,
        )
        .where(PrintJob.state.in_([state.value for state in OPEN_JOB_STATES]))
        .order_by(PrintJob.updated_at)
    ).all()
    queued: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    fault: dict[str, _Fault] = {}
    events: list[ExceptionEvent] = []
    for job in jobs:
        code = job.error_code or ""
        if job.state == JobState.HELD:
            held[job.bench] += 1
            events.append(
                ExceptionEvent(
                    aware(job.updated_at),
                    ExceptionKind.HELD_JOB,
                    job.bench,
                    "",
                    str(job.id),
                    code,
                )
            )
            continue
        queued[job.bench] += 1
        if job.state == JobState.FAILED and code and code not in _NOT_PRINTER:
            fault[job.bench] = _Fault(code, specs.get(job.bench) or "")  # the latest
            events.append(
                ExceptionEvent(
                    aware(job.updated_at),
                    ExceptionKind.PRINTER_FAULT,
                    job.bench,
                    "",
                    str(job.id),
                    code,
                )
            )
    out = []
    for bench in sorted(set(specs) | set(queued) | set(held)):
        spec = specs.get(bench, "") or ""
        error = fault.get(bench)
        state = PrinterState.FAULT if error else (PrinterState.OK if spec else PrinterState.NONE)
        out.append(
            BenchPrinter(
                bench=bench,
                printer_spec=spec,
                state=state,
                error_reason=error.reason if error else "",
                error_zh=error.text("zh") if error else "",
                error_en=error.text("en") if error else "",
                queued=queued[bench],
                held=held[bench],
            )
        )
    return tuple(out), events


def _open_boxes(conn: Connection, now: datetime) -> tuple[OpenBox, ...]:
    rows = conn.execute(
        select(PackSession.bench, PackSession.packer, Order.order_no, PackSession.opened_at)
        .join(Order, Order.id == PackSession.order_id)
        .where(PackSession.state == "open")
        .order_by(PackSession.opened_at)
    ).all()
    return tuple(
        OpenBox(bench, packer, order_no, aware(at), max(0.0, (now - aware(at)).total_seconds()))
        for bench, packer, order_no, at in rows
    )


def _feed(
    conn: Connection, start: datetime, job_events: list[ExceptionEvent]
) -> tuple[ExceptionEvent, ...]:
    """The latest exceptions since local midnight, newest first."""
    events = list(job_events)
    stops = conn.execute(
        select(ScanEvent.at, ScanEvent.bench, ScanEvent.packer, ScanEvent.code)
        .where(ScanEvent.verdict == Verdict.INTERCEPTED.value, ScanEvent.at >= start)
        .order_by(ScanEvent.at.desc())
        .limit(FEED_SIZE)
    )
    events += [
        ExceptionEvent(aware(at), ExceptionKind.INTERCEPT, bench, packer, code, "")
        for at, bench, packer, code in stops
    ]
    audits = conn.execute(
        select(
            AuditRecord.at,
            AuditRecord.actor,
            AuditRecord.action,
            AuditRecord.target,
            AuditRecord.detail,
        )
        .where(AuditRecord.at >= start, AuditRecord.action != PIN_FAILED_ACTION)
        .order_by(AuditRecord.at.desc())
        .limit(FEED_SIZE)
    )
    events += [
        ExceptionEvent(aware(at), ExceptionKind.OVERRIDE, _bench_of(detail), actor, target, action)
        for at, actor, action, target, detail in audits
    ]
    events.sort(key=lambda e: e.at, reverse=True)
    return tuple(events[:FEED_SIZE])


def _bench_of(detail: str) -> str:
    try:
        doc = json.loads(detail or "{}")
    except ValueError:
        return ""
    if not isinstance(doc, dict):
        return ""
    return str(doc.get("bench") or doc.get("to_bench") or "")


def order_totals(conn: Connection) -> OrderTotals:
    """Whole-table counts by status: the one full count (an index scan of `status`)."""
    by_status = {
        str(k): int(v)
        for k, v in conn.execute(select(Order.status, func.count()).group_by(Order.status))
    }
    stopped = _stopped_counts(conn)
    paid_intercepted = conn.scalar(
        select(func.count())
        .select_from(Order)
        .where(Order.intercept_reason.is_not(None), Order.status == OrderStatus.PAID.value)
    )
    return OrderTotals(
        total=sum(by_status.values()),
        packable=by_status.get(OrderStatus.PAID.value, 0) - int(paid_intercepted or 0),
        packed=by_status.get(OrderStatus.PACKED.value, 0)
        + by_status.get(OrderStatus.SHIPPED.value, 0),
        intercepted=stopped["intercepted"],
        cancelled=stopped[OrderStatus.CANCELLED.value],
        refunded=stopped[OrderStatus.REFUNDED.value],
        by_status=by_status,
    )


# -- wrong PINs ---------------------------------------------------------------------

#: ADAPTER (authcli): the audit action of a wrong PIN; kept out of the exceptions feed.
PIN_FAILED_ACTION = "pin_failed"


def pin_throttle(db: Database, since: datetime) -> PinThrottle:
    """Names waiting after wrong PINs and wrong PINs per bench since `since`.

    ADAPTER (authcli): `users.pin_alerts` is the read function of the PIN throttling
    helper; until it is merged there is no throttling to show and this returns nothing.
    """
    read = getattr(users, "pin_alerts", None)
    if read is None:
        return PinThrottle()
    alerts = read(db, since=since)
    return PinThrottle(
        tuple((t.name, t.failures, t.wait_s) for t in alerts.throttled),
        tuple((b.bench or "", b.failures) for b in alerts.failures_by_bench),
    )
