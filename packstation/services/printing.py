"""The print worker: takes jobs from the outbox, renders, sends, and records what happened.

At most once, never silently lost. The table has no "printing" state, so a claim is a
compare-and-set on (id, idempotency key, state pending/failed, attempts) that moves the
job to `failed` with the reason "outcome unknown" *before* any byte goes out. Then:
  * accepted by the printer        → `printed`;
  * refused before sending          → `failed`, retried after an exponential back-off;
  * cut off while sending (the cut command never left) → `failed`, retried: at most a
    torn, uncut half label came out, and the message says to discard it;
  * sent in full, then the printer reported a fault or went silent, or the process died
    between claim and mark → stays `failed` "outcome unknown" and is *not* retried
    automatically: a person checks the label and a supervisor reprints if it is missing.
The trade-off: after a crash a label may need a deliberate reprint; it is never printed
twice by accident. While a label is on the wire its job already reads "outcome unknown"
(for about a second), which is exactly what a crash at that moment leaves behind.
`last_error` is "[reason] 中文 / English" (see `parse_error`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from PIL import Image
from sqlalchemy import ColumnElement, Row, not_, or_, select, update

from packstation.errors import UserError
from packstation.labels import render_waybill
from packstation.services.print_jobs import JobState
from packstation.services.waybills import OrderStoppedError, waybill_for_order
from packstation.storage.database import Database
from packstation.storage.tables import Bench, Order, PrintJob

log = logging.getLogger(__name__)

OUTCOME_UNKNOWN = "outcome_unknown"
LABEL_DATA = "label_data"
INTERCEPTED = "intercepted"
NO_PRINTER = "no_printer"
UNKNOWN_ZH = "发送结果未知：请检查面单是否已打出，如缺失请主管重打"
UNKNOWN_EN = "outcome unknown: check the label, reprint if missing"
INCOMPLETE_ZH = "面单未完整发送（未切纸），如打出半张请撕下作废，稍后自动重打"
INCOMPLETE_EN = "the label was not sent in full (no cut); discard any half label; it will retry"
#: Failed jobs with these reasons wait for a person instead of an automatic retry.
HOLD_REASONS = frozenset({OUTCOME_UNKNOWN, INTERCEPTED})
SCAN_WINDOW = 500  # queued rows looked at per pass (a bench's queue is far shorter)


class SendOutcome(StrEnum):
    """How far a failed send got, which decides whether a retry is safe."""

    NOT_SENT = "not_sent"  # nothing reached the printer
    INCOMPLETE = "incomplete"  # part of the label, never the cut
    UNKNOWN = "unknown"  # everything was sent; the printer may have printed it


class PrintError(UserError):
    """A printer problem in core terms (the adapter in bootstrap maps PrinterError here)."""

    def __init__(
        self, reason: str, zh: str, en: str, *, outcome: SendOutcome = SendOutcome.NOT_SENT
    ) -> None:
        super().__init__(zh, en)
        self.reason = reason
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class PortStatus:
    """A printer's real-time state as plain values for the bench's indicator."""

    state: str
    can_print: bool
    zh: str
    en: str


class PrinterPort(Protocol):
    """What the core needs from a printer; raises only PrintError."""

    def print_label(
        self, image: Image.Image, red_bands: Sequence[tuple[int, int]], job_id: str
    ) -> None: ...

    def status(self) -> PortStatus: ...


@dataclass(frozen=True, slots=True)
class JobError:
    """`last_error` split back into its parts."""

    reason: str
    zh: str
    en: str

    @property
    def text(self) -> str:
        return format_error(self.reason, self.zh, self.en)


def format_error(reason: str, zh: str, en: str) -> str:
    return f"[{reason}] {zh} / {en}"


def parse_error(text: str | None) -> JobError | None:
    """Inverse of `format_error`; free text (older rows) keeps reason ""."""
    if not text:
        return None
    reason, zh_en = "", text
    if text.startswith("[") and "] " in text:
        reason, zh_en = text[1:].split("] ", 1)
    zh, _, en = zh_en.partition(" / ")
    return JobError(reason, zh, en or zh)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Wait before retry n: base·2^(n-1) seconds, capped, so a dead printer is not hammered."""

    base_s: float = 5.0
    cap_s: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What one attempt did, for progress callbacks and the CLI (plain values only)."""

    job_id: int
    order_no: str
    state: str
    printer_spec: str
    attempts: int
    reason: str = ""
    zh: str = ""
    en: str = ""


@dataclass(slots=True)
class PassReport:
    """Every attempt of one pass."""

    outcomes: list[JobOutcome] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    @property
    def printed(self) -> int:
        return self.count(JobState.PRINTED)

    @property
    def failed(self) -> int:
        return self.count(JobState.FAILED)


Job = Row[Any]  # a due job: PrintJob columns plus Order.order_no


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite drops the zone


def held_filter() -> ColumnElement[bool]:
    """SQL: the job is not waiting for a person."""
    prefixes = [
        PrintJob.last_error.like(f"[{r.replace('_', '/_')}]%", escape="/")
        for r in sorted(HOLD_REASONS)
    ]
    return or_(
        PrintJob.state == JobState.PENDING.value,
        not_(or_(*prefixes)),
        PrintJob.last_error.is_(None),
    )


class PrintWorker:
    """Sends due jobs, one bounded pass at a time; safe to run on several machines at once."""

    def __init__(
        self,
        db: Database,
        printers: Callable[[str], PrinterPort],
        *,
        bench: str | None = None,
        default_spec: str | None = None,
        size: str = "100x150",
        dpi: int = 203,
        clock: Callable[[], datetime] = utcnow,
        backoff: Backoff | None = None,
        batch_limit: int = 20,
        on_job: Callable[[JobOutcome], None] | None = None,
    ) -> None:
        self.db, self.bench, self.default_spec = db, bench, default_spec
        self.size, self.dpi, self.clock = size, dpi, clock
        self.backoff = backoff or Backoff()
        self.batch_limit, self.on_job = batch_limit, on_job
        self._printers = printers
        self._ports: dict[str, PrinterPort] = {}

    def due_jobs(self) -> list[Job]:
        """Pending jobs, and failed ones past their back-off, oldest first (bounded)."""
        query = (
            select(
                PrintJob.id,
                PrintJob.idempotency_key,
                PrintJob.order_id,
                Order.order_no,
                PrintJob.bench,
                PrintJob.printer_spec,
                PrintJob.state,
                PrintJob.attempts,
                PrintJob.last_error,
                PrintJob.updated_at,
            )
            .join(Order, Order.id == PrintJob.order_id)
            .where(
                PrintJob.state.in_((JobState.PENDING.value, JobState.FAILED.value)), held_filter()
            )
            .order_by(PrintJob.id)
            .limit(SCAN_WINDOW)
        )
        if self.bench is not None:
            query = query.where(PrintJob.bench == self.bench)
        now = self.clock()
        with self.db.transaction() as conn:
            rows = list(conn.execute(query))
        due = [
            j
            for j in rows
            if j.state == JobState.PENDING
            or _aware(j.updated_at) + self.backoff.delay(j.attempts) <= now
        ]
        return due[: self.batch_limit]

    def run_once(self) -> PassReport:
        """One bounded pass over the due jobs; returns at once when there are none."""
        report = PassReport()
        for job in self.due_jobs():
            try:
                outcome = self.process(job)
            except Exception:  # the job stays held as "outcome unknown"; go on with the rest
                log.exception("print job %s failed unexpectedly", job.id)
                continue
            if outcome is not None:
                report.outcomes.append(outcome)
                if self.on_job is not None:
                    self.on_job(outcome)
        return report

    def drain(self, max_passes: int = 50) -> PassReport:
        """Passes until one prints nothing new (jobs left are failing or held)."""
        total = PassReport()
        for _ in range(max_passes):
            report = self.run_once()
            total.outcomes += report.outcomes
            if report.printed == 0:
                break
        return total

    def run_forever(self, stop_event: threading.Event, interval_s: float = 1.0) -> None:
        """Pass after pass until `stop_event` is set; for a thread, never an event loop."""
        while not stop_event.is_set():
            try:
                self.run_once()
            except Exception:  # a database blip must not kill the bench's printing
                log.exception("print worker pass failed; retrying")
            stop_event.wait(interval_s)

    def status(self, spec: str) -> PortStatus:
        """A printer's state as plain values for the bench's indicator (PrintError if gone)."""
        return self._port(spec).status()

    def process(self, job: Job) -> JobOutcome | None:
        """Render, claim, send, mark one job; None when another worker claimed it first."""
        spec = job.printer_spec or self._bench_spec(job.bench) or self.default_spec
        try:
            if not spec:  # never "print" to a mock by default: say no printer is set
                raise UserError(
                    f"工作台 {job.bench} 未设置打印机，请把任务转到一台打印机",
                    f"bench {job.bench} has no printer set; move the job to a printer",
                )
            with self.db.transaction() as conn:
                data = waybill_for_order(
                    conn, job.order_id, bench=job.bench, printed_at=self.clock().astimezone()
                )
            label = render_waybill(data, self.size, self.dpi)
        except UserError as exc:  # no byte is sent; bad data retried, a stopped order held
            reason = NO_PRINTER if not spec else LABEL_DATA
            reason = INTERCEPTED if isinstance(exc, OrderStoppedError) else reason
            error = JobError(reason, exc.zh, exc.en)
            done = self._set(
                job,
                job.attempts,
                attempts=job.attempts + 1,
                printer_spec=spec,
                state=JobState.FAILED.value,
                last_error=error.text,
            )
            return (
                self._outcome(job, JobState.FAILED, spec, job.attempts + 1, error) if done else None
            )
        assert spec is not None  # checked in the try block above
        claimed = job.attempts + 1
        if not self._set(
            job,
            job.attempts,
            attempts=claimed,
            printer_spec=spec,
            state=JobState.FAILED.value,
            last_error=format_error(OUTCOME_UNKNOWN, UNKNOWN_ZH, UNKNOWN_EN),
        ):
            return None
        try:
            self._port(spec).print_label(label.image, label.red_bands, f"{job.order_no}#{job.id}")
        except PrintError as exc:
            error = _failure_error(exc)
            self._set(job, claimed, last_error=error.text)
            return self._outcome(job, JobState.FAILED, spec, claimed, error)
        now = self.clock()
        if not self._set(
            job, claimed, state=JobState.PRINTED.value, last_error=None, printed_at=now
        ):
            log.warning("job %s printed but changed meanwhile (voided?)", job.id)
        return self._outcome(job, JobState.PRINTED, spec, claimed, None)

    def _set(self, job: Job, seen_attempts: int, **values: object) -> bool:
        """Compare-and-set on the job's identity and attempt count; True if it applied."""
        values.setdefault("updated_at", self.clock())
        with self.db.transaction() as conn:
            result = conn.execute(
                update(PrintJob)
                .where(
                    PrintJob.id == job.id,
                    PrintJob.idempotency_key == job.idempotency_key,
                    PrintJob.state.in_((JobState.PENDING.value, JobState.FAILED.value)),
                    PrintJob.attempts == seen_attempts,
                )
                .values(**values)
            )
            return result.rowcount == 1

    def _port(self, spec: str) -> PrinterPort:
        if spec not in self._ports:
            self._ports[spec] = self._printers(spec)
        return self._ports[spec]

    def _bench_spec(self, bench: str) -> str | None:
        with self.db.transaction() as conn:
            return conn.scalar(select(Bench.printer_spec).where(Bench.name == bench))

    def _outcome(
        self, job: Job, state: str, spec: str | None, attempts: int, error: JobError | None
    ) -> JobOutcome:
        e = error or JobError("", "", "")
        return JobOutcome(
            job.id, job.order_no, str(state), spec or "", attempts, e.reason, e.zh, e.en
        )


def _failure_error(exc: PrintError) -> JobError:
    """The reason stored for a failed send; sent-in-full failures become "outcome unknown"."""
    if exc.outcome is SendOutcome.UNKNOWN:
        return JobError(OUTCOME_UNKNOWN, f"{UNKNOWN_ZH}（{exc.zh}）", f"{UNKNOWN_EN} ({exc.en})")
    if exc.outcome is SendOutcome.INCOMPLETE:
        return JobError(exc.reason, f"{exc.zh} {INCOMPLETE_ZH}", f"{exc.en} {INCOMPLETE_EN}")
    return JobError(exc.reason, exc.zh, exc.en)
