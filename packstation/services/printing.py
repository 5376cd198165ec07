"""The print worker: takes jobs from the outbox, renders, sends, and records what happened.

At most once, never silently lost. A claim is a compare-and-set (id, key, state
pending/failed, attempts) that moves the job to `sending` *before* any byte goes out.
Then, from the printer's own account of the send (`SendOutcome`):
  * acknowledged: the printer took every byte and answered → `printed`;
  * sent to a printer that never answers (a write-only link, a model without status
    replies) → `printed` with the warning `unconfirmed`: there is nothing more to wait for;
  * not sent (refused before the first byte) → `failed`, retried after a back-off;
  * partly sent (cut off before the cut command) → `failed`, retried: at most a torn,
    uncut half label came out, and the job's error says `partial` (discard it);
  * sent in full, then the printer fell silent or reported a fault → `held` with
    `outcome_unknown`: the label may exist; a person checks it and a supervisor reprints
    or voids. Never retried automatically.
A process that dies between claim and mark leaves the job `sending`; the next pass of
any worker turns a `sending` job older than `STALE_SENDING` into `held` (outcome unknown).
The trade-off: after a crash a label may need a deliberate reprint; it is never printed
twice by accident. The printer port (what the core needs from a printer) is in
`printer_port`; the words for the codes stored here live at the edge.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Row, select, update

from packstation.errors import UserError
from packstation.labels import LABEL_SIZES, render_waybill
from packstation.services.print_jobs import (
    CLAIMABLE,
    Backoff,
    JobError,
    JobErrorCode,
    JobState,
    JsonValue,
    aware,
    reprint_number,
)
from packstation.services.print_status import PrinterLamp, record_printer_state
from packstation.services.printer_port import (
    REASON_LAMP,
    PortResult,
    PrinterPort,
    PrintError,
    PrintWarning,
    SendOutcome,
)
from packstation.services.waybills import OrderStoppedError, waybill_for_order
from packstation.storage.database import Database
from packstation.storage.tables import Bench, Order, PrintJob

log = logging.getLogger(__name__)

DEFAULT_SIZE = "100x150"
SCAN_WINDOW = 500  # queued rows looked at per pass (a bench's queue is far shorter)
#: A job `sending` for longer than this was left by a worker that died mid-send (a send
#: is bounded by the connect, write and acknowledgement timeouts, well under a minute).
STALE_SENDING = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What one attempt did (or, for `print_now` on a job already dealt with, where it is)."""

    job_id: int
    order_no: str
    state: JobState
    printer_spec: str
    attempts: int
    error: JobError | None = None
    warning: PrintWarning | None = None

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error else None


@dataclass(slots=True)
class PassReport:
    """Every attempt of one pass."""

    outcomes: list[JobOutcome] = field(default_factory=list)

    def count(self, state: JobState) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    @property
    def printed(self) -> int:
        return self.count(JobState.PRINTED)

    @property
    def failed(self) -> int:
        return self.count(JobState.FAILED)

    @property
    def held(self) -> int:
        return self.count(JobState.HELD)


@dataclass(frozen=True, slots=True)
class Waiting:
    """Jobs a pass did not print: failed ones backing off (and when the first is due) and
    held ones waiting for a person."""

    failed: int
    next_retry_at: datetime | None
    held: int


#: A job as the worker reads it: `_JOB_COLUMNS`, PrintJob columns plus Order.order_no.
Job = Row[int, str, int, str, str, str | None, str, int, datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


_JOB_COLUMNS = (
    PrintJob.id,
    PrintJob.idempotency_key,
    PrintJob.order_id,
    Order.order_no,
    PrintJob.bench,
    PrintJob.printer_spec,
    PrintJob.state,
    PrintJob.attempts,
    PrintJob.updated_at,
)


class PrintWorker:
    """Sends due jobs, one bounded pass at a time; safe to run on several machines at once.

    `size` None: each job's bench label size, else DEFAULT_SIZE.
    """

    def __init__(
        self,
        db: Database,
        printers: Callable[[str], PrinterPort],
        *,
        bench: str | None = None,
        default_spec: str | None = None,
        size: str | None = None,
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

    def _queued(self) -> list[Job]:
        query = (
            select(*_JOB_COLUMNS)
            .join(Order, Order.id == PrintJob.order_id)
            .where(PrintJob.state.in_([s.value for s in CLAIMABLE]))
            .order_by(PrintJob.id)
            .limit(SCAN_WINDOW)
        )
        if self.bench is not None:
            query = query.where(PrintJob.bench == self.bench)
        with self.db.transaction() as conn:
            return list(conn.execute(query))

    def due_jobs(self) -> list[Job]:
        """Pending jobs, and failed ones past their back-off, oldest first (bounded)."""
        now = self.clock()
        due = [
            j
            for j in self._queued()
            if j.state == JobState.PENDING or self.backoff.retry_at(j.updated_at, j.attempts) <= now
        ]
        return due[: self.batch_limit]

    def waiting(self) -> Waiting:
        """What is left after a pass: failed jobs backing off and held jobs."""
        retry = [
            self.backoff.retry_at(j.updated_at, j.attempts)
            for j in self._queued()
            if j.state == JobState.FAILED
        ]
        query = select(PrintJob.id).where(PrintJob.state == JobState.HELD.value)
        if self.bench is not None:
            query = query.where(PrintJob.bench == self.bench)
        with self.db.transaction() as conn:
            held = len(conn.execute(query.limit(SCAN_WINDOW)).all())
        return Waiting(len(retry), min(retry) if retry else None, held)

    def release_stale_sending(self) -> int:
        """Jobs left `sending` by a worker that died mid-send become held (outcome unknown)."""
        cutoff = self.clock() - STALE_SENDING
        with self.db.transaction() as conn:
            stale = [
                (r.id, r.attempts)
                for r in conn.execute(
                    select(PrintJob.id, PrintJob.attempts, PrintJob.updated_at).where(
                        PrintJob.state == JobState.SENDING.value
                    )
                )
                if aware(r.updated_at) < cutoff
            ]
            error = JobError(JobErrorCode.OUTCOME_UNKNOWN, {"cause": "interrupted"})
            for job_id, attempts in stale:
                conn.execute(
                    update(PrintJob)
                    .where(
                        PrintJob.id == job_id,
                        PrintJob.state == JobState.SENDING.value,
                        PrintJob.attempts == attempts,
                    )
                    .values(
                        state=JobState.HELD.value,
                        error_code=error.code,
                        error_params=error.params_json(),
                        updated_at=self.clock(),
                    )
                )
        return len(stale)

    def run_once(self) -> PassReport:
        """One bounded pass over the due jobs; returns at once when there are none."""
        self.release_stale_sending()
        report = PassReport()
        for job in self.due_jobs():
            try:
                outcome = self.process(job)
            except Exception:  # the job stays `sending`, then held; go on with the rest
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

    def poll_printer(self, bench: str) -> PrinterLamp:
        """Ask a bench's printer for its state now and record it for every PC to see."""
        spec, _size = self._bench_settings(bench)
        spec = spec or self.default_spec
        if not spec:
            return PrinterLamp.UNKNOWN
        try:
            lamp = self._port(spec).status().lamp
        except PrintError as exc:
            lamp = REASON_LAMP.get(exc.reason, PrinterLamp.UNKNOWN)
        with self.db.transaction() as conn:
            record_printer_state(conn, bench, lamp, self.clock())
        return lamp

    def print_job(self, job_id: int, printer_spec: str | None = None) -> JobOutcome:
        """Print one job now (on `printer_spec` if given); a job another worker has, or one
        already printed, held or void, is reported as it stands and not sent again."""
        with self.db.transaction() as conn:
            job = conn.execute(
                select(*_JOB_COLUMNS)
                .join(Order, Order.id == PrintJob.order_id)
                .where(PrintJob.id == job_id)
            ).one_or_none()
        if job is None:
            raise UserError(f"找不到打印任务 {job_id}", f"print job {job_id} not found")
        if job.state in CLAIMABLE:
            outcome = self.process(job, printer_spec=printer_spec)
            if outcome is not None:
                return outcome
        return self._current(job_id)

    def process(self, job: Job, *, printer_spec: str | None = None) -> JobOutcome | None:
        """Render, claim, send, mark one job; None when another worker claimed it first."""
        bench_spec, bench_size = self._bench_settings(job.bench)
        spec = printer_spec or job.printer_spec or bench_spec or self.default_spec
        size = self.size or bench_size or DEFAULT_SIZE
        try:
            if not spec:  # never "print" to a mock by default: say no printer is set
                raise _NoPrinterError(job.bench)
            with self.db.transaction() as conn:
                data = waybill_for_order(
                    conn,
                    job.order_id,
                    bench=job.bench,
                    printed_at=self.clock().astimezone(),
                    reprint=reprint_number(job.idempotency_key),
                )
            label = render_waybill(data, size, self.dpi)
        except UserError as exc:  # no byte is sent; bad data retried, a stopped order held
            error, state = _refusal(exc, job)
            done = self._set(
                job,
                job.attempts,
                attempts=job.attempts + 1,
                state=state.value,
                error_code=error.code,
                error_params=error.params_json(),
            )
            return self._outcome(job, state, spec, job.attempts + 1, error) if done else None
        claimed = job.attempts + 1
        if not self._set(
            job,
            job.attempts,
            attempts=claimed,
            state=JobState.SENDING.value,
            error_code=None,
            error_params=None,
        ):
            return None
        job_tag = f"{job.order_no}#{job.id}"
        try:
            result = self._port(spec).print_label(label.image, label.red_bands, job_tag)
        except PrintError as exc:
            state, error = _failure(exc, spec)
            self._mark(job, claimed, state, error=error)
            self._record_lamp(job.bench, REASON_LAMP.get(exc.reason, PrinterLamp.UNKNOWN))
            return self._outcome(job, state, spec, claimed, error)
        warning = _warning(result)
        if not self._mark(job, claimed, JobState.PRINTED, printed_at=self.clock(), spec=spec):
            log.warning("job %s printed but changed meanwhile (voided?)", job.id)
        self._record_lamp(job.bench, result.lamp)
        return self._outcome(job, JobState.PRINTED, spec, claimed, None, warning)

    def _set(self, job: Job, seen_attempts: int, **values: object) -> bool:
        """Compare-and-set a claimable job on its identity and attempt count."""
        values.setdefault("updated_at", self.clock())
        with self.db.transaction() as conn:
            result = conn.execute(
                update(PrintJob)
                .where(
                    PrintJob.id == job.id,
                    PrintJob.idempotency_key == job.idempotency_key,
                    PrintJob.state.in_([s.value for s in CLAIMABLE]),
                    PrintJob.attempts == seen_attempts,
                )
                .values(**values)
            )
            return result.rowcount == 1

    def _mark(
        self,
        job: Job,
        claimed: int,
        state: JobState,
        *,
        error: JobError | None = None,
        printed_at: datetime | None = None,
        spec: str | None = None,
    ) -> bool:
        """Move a job this worker is sending to its result; False if it changed meanwhile.

        Only a printed job records the printer it used: a failed one keeps the printer it
        was given (none: its bench's), so setting the bench's printer redirects its retry.
        """
        values: dict[str, object] = {
            "state": state.value,
            "error_code": error.code if error else None,
            "error_params": error.params_json() if error else None,
            "updated_at": self.clock(),
        }
        if printed_at is not None:
            values["printed_at"] = printed_at
        if spec is not None:
            values["printer_spec"] = spec
        with self.db.transaction() as conn:
            result = conn.execute(
                update(PrintJob)
                .where(
                    PrintJob.id == job.id,
                    PrintJob.state == JobState.SENDING.value,
                    PrintJob.attempts == claimed,
                )
                .values(**values)
            )
            return result.rowcount == 1

    def _record_lamp(self, bench: str, lamp: PrinterLamp) -> None:
        try:
            with self.db.transaction() as conn:
                record_printer_state(conn, bench, lamp, self.clock())
        except Exception:  # the lamp is a hint; never let it undo a print
            log.exception("could not record the printer state of bench %s", bench)

    def _port(self, spec: str) -> PrinterPort:
        if spec not in self._ports:
            self._ports[spec] = self._printers(spec)
        return self._ports[spec]

    def _bench_settings(self, bench: str) -> tuple[str | None, str | None]:
        with self.db.transaction() as conn:
            row = conn.execute(
                select(Bench.printer_spec, Bench.label_size).where(Bench.name == bench)
            ).one_or_none()
        if row is None:
            return None, None
        return row.printer_spec or None, row.label_size if row.label_size in LABEL_SIZES else None

    def _current(self, job_id: int) -> JobOutcome:
        with self.db.transaction() as conn:
            row = conn.execute(
                select(
                    PrintJob.id,
                    Order.order_no,
                    PrintJob.state,
                    PrintJob.printer_spec,
                    PrintJob.attempts,
                    PrintJob.error_code,
                    PrintJob.error_params,
                )
                .join(Order, Order.id == PrintJob.order_id)
                .where(PrintJob.id == job_id)
            ).one()
        return JobOutcome(
            row.id,
            row.order_no,
            JobState(row.state),
            row.printer_spec or "",
            row.attempts,
            JobError.from_columns(row.error_code, row.error_params),
        )

    def _outcome(
        self,
        job: Job,
        state: JobState,
        spec: str | None,
        attempts: int,
        error: JobError | None,
        warning: PrintWarning | None = None,
    ) -> JobOutcome:
        return JobOutcome(job.id, job.order_no, state, spec or "", attempts, error, warning)


def print_now(
    db: Database,
    job_id: int,
    printer_spec: str | None,
    *,
    printers: Callable[[str], PrinterPort],
    size: str | None = None,
    dpi: int = 203,
) -> JobOutcome:
    """Print one job now on `printer_spec` (None: the job's, then its bench's printer) and
    say what happened: `printed` (maybe with a warning), `failed` (retried later by a
    worker) or `held` (the label may exist). Never prints a job twice."""
    return PrintWorker(db, printers, size=size, dpi=dpi).print_job(job_id, printer_spec)


class _NoPrinterError(UserError):
    def __init__(self, bench: str) -> None:
        super().__init__(
            f"工作台 {bench} 未设置打印机，请把任务转到一台打印机",
            f"bench {bench} has no printer set; move the job to a printer",
        )
        self.bench = bench


def _refusal(exc: UserError, job: Job) -> tuple[JobError, JobState]:
    """A job refused before any byte: no printer and bad data are retried, a stop is held."""
    if isinstance(exc, OrderStoppedError):
        stopped = JobError(JobErrorCode.INTERCEPTED, {"order_no": job.order_no, "stop": exc.stop})
        return stopped, JobState.HELD
    if isinstance(exc, _NoPrinterError):
        return JobError(JobErrorCode.NO_PRINTER, {"bench": job.bench}), JobState.FAILED
    return JobError(JobErrorCode.LABEL_DATA, {"order_no": job.order_no}), JobState.FAILED


def _json_safe(params: Mapping[str, object]) -> dict[str, JsonValue]:
    """A printer error's parameters as the job stores them (JSON): other values as text."""
    return {
        key: value if value is None or isinstance(value, str | int | float | bool) else str(value)
        for key, value in params.items()
    }


def _failure(exc: PrintError, spec: str) -> tuple[JobState, JobError]:
    """Where a failed send leaves the job: held if the label may exist, else failed."""
    params: dict[str, JsonValue] = {"printer": spec, **_json_safe(exc.params)}
    if exc.outcome in (SendOutcome.SENT, SendOutcome.ACKNOWLEDGED):
        unknown = JobError(JobErrorCode.OUTCOME_UNKNOWN, {**params, "cause": exc.reason})
        return JobState.HELD, unknown
    if exc.outcome is SendOutcome.PARTLY_SENT:
        params["partial"] = True
    return JobState.FAILED, JobError(exc.reason, params)


def _warning(result: PortResult) -> PrintWarning | None:
    if result.lamp is PrinterLamp.PAPER_NEAR_END:
        return PrintWarning.PAPER_NEAR_END
    if result.outcome is not SendOutcome.ACKNOWLEDGED:
        return PrintWarning.UNCONFIRMED
    return None
