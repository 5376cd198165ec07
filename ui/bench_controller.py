"""The bench window's one door to the core: every service call goes through here.

The GUI thread never touches the database or a printer. A worker QThread owns the
bench's `PackingStation` (not thread-safe: one thread, one scan at a time) and answers
each request with a signal; the print queue runs in a thread of its own, prints jobs as
they come due, polls the printer while idle, and hands the very bitmap sent to the
printer to the preview. After the core changes merge, this is the module to re-point.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from packstation.address import DEFAULT_RULES, PriorityRules
from packstation.bootstrap import open_database, printer_for
from packstation.cli.print_text import lamp_text
from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.services.boxes import Box, ScanResult
from packstation.services.destinations import (
    DestinationChoice,
    confirm_destination,
    destination_choice,
    load_rules,
)
from packstation.services.packing import PackingStation, StationSettings
from packstation.services.print_queue import reprint
from packstation.services.printer_port import PortResult, PortStatus, PrinterPort
from packstation.services.printing import Backoff, PrintWorker

log = logging.getLogger(__name__)

#: (name, pin) -> the signed-in user's role ("packer"/"supervisor"); UserError if refused.
Authenticate = Callable[[str, str], str]
#: a scanned badge code -> the packer's name; UserError if it is no packer's badge.
BadgeLogin = Callable[[str], str]
Printers = Callable[[str], PrinterPort]


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """What the worker needs to open a bench (plain values, set before it starts)."""

    db_url: str | None
    bench: str
    packer: str = ""
    printer_spec: str | None = None
    label_size: str = "100x150"
    dpi: int = 203
    print_backoff: Backoff = field(default_factory=lambda: Backoff(1.0, 8.0))
    status_interval_s: float = 1.0


@dataclass(frozen=True, slots=True)
class ScanReport:
    """One scanner code's answer. `results` has one entry per unit (×N counts N)."""

    code: str
    results: tuple[ScanResult, ...]
    ended_at: float  # perf_counter when the burst ended
    choice: DestinationChoice | None = None  # an opened order whose address is unclear
    extra_of: str | None = None  # the order just completed, when this is an extra unit

    @property
    def last(self) -> ScanResult:
        return self.results[-1]


@dataclass(frozen=True, slots=True)
class Failure:
    """A request the core refused or could not do; the words are the core's own."""

    request: str
    zh: str
    en: str


class _StationWorker(QObject):
    """Lives in the worker thread; owns the PackingStation."""

    started = Signal(object, object)  # Box | None, PriorityRules
    scanned = Signal(object)  # ScanReport
    done = Signal(str, object)  # request name, its result
    failed = Signal(object)  # Failure

    def __init__(
        self, config: BenchConfig, authenticate: Authenticate | None, badge: BadgeLogin | None
    ) -> None:
        super().__init__()
        self.config = config
        self._authenticate = authenticate
        self._badge = badge
        self.db: Any = None
        self.station: PackingStation | None = None
        self._completed: Box | None = None  # the box the last scan completed
        self.on_completed: Callable[[], None] = lambda: None

    @Slot()
    def start(self) -> None:
        def opening() -> None:
            self.db = open_database(self.config.db_url, migrate=False)  # the CLI migrated
            self.station = PackingStation(
                self.db,
                StationSettings(
                    bench=self.config.bench,
                    packer=self.config.packer,
                    printer_spec=self.config.printer_spec,
                ),
            )
            box = self.station.resume()
            rules = _rules(self.db)
            self.started.emit(box, rules)
            if box is not None and box.address_ambiguous:
                self.done.emit("choice", destination_choice(self.db, box.order_no))

        self._guard("start", opening)

    @Slot(str, float, int)
    def scan(self, code: str, ended_at: float, units: int) -> None:
        self._guard("scan", lambda: self.scanned.emit(self._scan(code, ended_at, units)))

    def _scan(self, code: str, ended_at: float, units: int) -> ScanReport:
        assert self.station is not None
        results: list[ScanResult] = []
        for n in range(max(1, units)):
            result = self.station.scan(code, live=n == 0)
            results.append(result)
            if not result.verdict.accepted or result.verdict is Verdict.ORDER_COMPLETE:
                break
        last = results[-1]
        choice = None
        extra_of = None
        if last.verdict is Verdict.ORDER_OPENED and last.box and last.box.address_ambiguous:
            choice = destination_choice(self.db, last.box.order_no)
        if last.verdict in (Verdict.NOT_FOUND, Verdict.UNKNOWN_CODE) and self._completed:
            extra_of = self._extra_unit_of(self._completed, code)
        if last.verdict is Verdict.ORDER_COMPLETE:
            self._completed = last.box
            self.on_completed()
        elif last.verdict is not Verdict.DUPLICATE_READ and extra_of is None:
            self._completed = None
        return ScanReport(code, tuple(results), ended_at, choice, extra_of)

    def _extra_unit_of(self, box: Box, code: str) -> str | None:
        """The order just completed, if `code` is one of its products."""
        assert self.station is not None
        verdict = self.station.judge_extra(box, code).verdict
        return box.order_no if verdict is Verdict.OVER_QUANTITY else None

    @Slot()
    def cancel_box(self) -> None:
        def cancelling() -> Box | None:
            assert self.station is not None
            box = self.station.box
            self.station.cancel_box()
            return box

        self._guard("cancel", cancelling)

    @Slot(str, str, str, str)
    def confirm(self, order_no: str, province: str, city: str, who: str) -> None:
        self._guard(
            "confirm", lambda: (confirm_destination(self.db, order_no, province, city, who), city)
        )

    @Slot(str, str)
    def login(self, name: str, pin: str) -> None:
        def signing_in() -> str:
            if self._authenticate is None:
                raise UserError("本工位未设置登录", "sign-in is not set up on this bench")
            role = self._authenticate(name, pin)
            if role != "packer":
                raise UserError(
                    "主管账号不能在打包工位登录", "a supervisor cannot sign in at a bench"
                )
            self.set_packer(name)
            return name

        self._guard("login", signing_in)

    @Slot(str)
    def login_badge(self, code: str) -> None:
        def signing_in() -> str:
            if self._badge is None:
                raise UserError("本工位未设置工牌登录", "badge sign-in is not set up here")
            name = self._badge(code)
            self.set_packer(name)
            return name

        self._guard("login", signing_in)

    @Slot(str)
    def set_packer(self, name: str) -> None:
        if self.station is not None:
            settings = self.station.settings
            self.station.settings = StationSettings(
                bench=settings.bench,
                packer=name,
                code_rules=settings.code_rules,
                bounce_window_s=settings.bounce_window_s,
                single_item_wave=settings.single_item_wave,
                print_on_completion=settings.print_on_completion,
                printer_spec=settings.printer_spec,
            )

    @Slot(str, str, str)
    def reprint(self, order_no: str, supervisor: str, pin: str) -> None:
        def reprinting() -> str:
            reprint(
                self.db,
                order_no,
                supervisor,
                pin,
                bench=self.config.bench,
                printer_spec=self.config.printer_spec,
            )
            self.on_completed()
            return order_no

        self._guard("reprint", reprinting)

    @Slot()
    def stop(self) -> None:
        if self.station is not None:
            self.station.close()
        if self.db is not None:
            self.db.dispose()

    def _guard(self, request: str, work: Callable[[], object]) -> None:
        """Run one request; anything the core refuses becomes a `Failure`, never a crash."""
        try:
            result = work()
        except UserError as exc:
            self.failed.emit(Failure(request, exc.zh, exc.en))
            return
        except Exception as exc:  # database gone or locked past its timeout: say so
            log.exception("bench request %s failed", request)
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
            self.failed.emit(
                Failure(
                    request,
                    f"数据库出错，请重试或找主管：{reason}",
                    f"database error, try again or call a supervisor: {reason}",
                )
            )
            return
        if request not in ("scan", "start"):
            self.done.emit(request, result)


def _rules(db: Any) -> PriorityRules:
    try:
        return load_rules(db)
    except UserError:
        return DEFAULT_RULES


class _PreviewPort:
    """A printer port that hands the bitmap it is given to the preview, then prints it."""

    def __init__(self, inner: PrinterPort, on_label: Callable[[Image.Image], None]) -> None:
        self.inner = inner
        self.on_label = on_label

    def print_label(
        self, image: Image.Image, red_bands: Sequence[tuple[int, int]], job_id: str
    ) -> PortResult:
        result = self.inner.print_label(image, red_bands, job_id)
        self.on_label(image)
        return result

    def status(self) -> PortStatus:
        return self.inner.status()


class PrintQueue(QObject):
    """The bench's print queue in its own thread: prints due jobs, polls status when idle."""

    job_done = Signal(object)  # JobOutcome
    status = Signal(object)  # PrinterView (state "none" when no printer is set)
    printing = Signal()
    label = Signal(object)  # PIL image: the bitmap sent to the printer

    def __init__(self, config: BenchConfig, printers: Printers | None = None) -> None:
        super().__init__()
        self.config = config
        self._printers = printers or (lambda spec: printer_for(spec, dpi=config.dpi))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        db = open_database(self.config.db_url, migrate=False)
        worker = PrintWorker(
            db,
            lambda spec: _PreviewPort(self._printers(spec), self.label.emit),
            bench=self.config.bench,
            default_spec=self.config.printer_spec,
            size=self.config.label_size,
            dpi=self.config.dpi,
            backoff=self.config.print_backoff,
            on_job=self.job_done.emit,
        )
        last_poll = 0.0
        try:
            while not self._stop.is_set():
                try:
                    if worker.due_jobs():
                        self.printing.emit()
                        worker.run_once()
                        last_poll = 0.0
                    if time.monotonic() - last_poll >= self.config.status_interval_s:
                        last_poll = time.monotonic()
                        self.status.emit(self._status(worker))
                except Exception:  # a database blip must not stop the bench's printing
                    log.exception("print queue pass failed; retrying")
                self._wake.wait(min(0.5, self.config.status_interval_s))
                self._wake.clear()
        finally:
            db.dispose()

    def _status(self, worker: PrintWorker) -> PrinterView:
        lamp = str(worker.poll_printer(self.config.bench))  # also recorded for supervisors
        if lamp == "unknown" and not self.config.printer_spec:
            return PrinterView("none", False, "未设置打印机", "no printer set")
        state = _LAMP_STATE.get(lamp, lamp)
        zh, en = lamp_text(lamp)
        return PrinterView(state, state not in _CANNOT_PRINT, zh, en)


#: The printers' lamp codes in the window's words for its printer lamp.
_LAMP_STATE = {"paper_out": "paper_end", "paper_near_end": "ready"}
_CANNOT_PRINT = frozenset({"offline", "cover_open", "paper_end", "error"})


@dataclass(frozen=True, slots=True)
class PrinterView:
    """The bench printer's lamp as the window shows it, with its words in both languages."""

    state: str
    can_print: bool
    zh: str
    en: str


class BenchController(QObject):
    """The window's view of the bench: requests in, answers out as signals (GUI thread)."""

    started = Signal(object, object)  # Box | None, PriorityRules
    scanned = Signal(object)  # ScanReport
    done = Signal(str, object)
    failed = Signal(object)  # Failure
    job_done = Signal(object)  # JobOutcome
    printer_status = Signal(object)  # PortStatus
    printing = Signal()
    label = Signal(object)  # PIL image
    busy_changed = Signal(bool)

    _scan = Signal(str, float, int)
    _cancel = Signal()
    _confirm = Signal(str, str, str, str)
    _login = Signal(str, str)
    _badge = Signal(str)
    _set_packer = Signal(str)
    _reprint = Signal(str, str, str)
    _start = Signal()
    _stop = Signal()

    def __init__(
        self,
        config: BenchConfig,
        *,
        authenticate: Authenticate | None = None,
        badge: BadgeLogin | None = None,
        printers: Printers | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.pending = 0
        self._thread = QThread()
        self._thread.setObjectName(f"bench-{config.bench}")
        self._worker = _StationWorker(config, authenticate, badge)
        self._worker.moveToThread(self._thread)
        self._queue = PrintQueue(config, printers)
        self._worker.on_completed = self._queue.wake
        self._stop.connect(self._worker.stop, Qt.ConnectionType.BlockingQueuedConnection)
        for signal, slot in (
            (self._start, self._worker.start),
            (self._scan, self._worker.scan),
            (self._cancel, self._worker.cancel_box),
            (self._confirm, self._worker.confirm),
            (self._login, self._worker.login),
            (self._badge, self._worker.login_badge),
            (self._set_packer, self._worker.set_packer),
            (self._reprint, self._worker.reprint),
        ):
            signal.connect(slot)
        self._worker.started.connect(self._answered_start)
        self._worker.scanned.connect(self._answered_scan)
        self._worker.done.connect(self._answered_done)
        self._worker.failed.connect(self._answered_failure)
        self._queue.job_done.connect(self.job_done)
        self._queue.status.connect(self.printer_status)
        self._queue.printing.connect(self.printing)
        self._queue.label.connect(self.label)

    # -- requests (GUI thread) ---------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self._queue.start()
        self._ask(self._start)

    def scan(self, code: str, ended_at: float, units: int = 1) -> None:
        self._ask(self._scan, code, ended_at, units)

    def cancel_box(self) -> None:
        self._ask(self._cancel)

    def confirm_destination(self, order_no: str, province: str, city: str, who: str) -> None:
        self._ask(self._confirm, order_no, province, city, who)

    def login(self, name: str, pin: str) -> None:
        self._ask(self._login, name, pin)

    def login_badge(self, code: str) -> None:
        self._ask(self._badge, code)

    def set_packer(self, name: str) -> None:
        self._set_packer.emit(name)

    def reprint(self, order_no: str, supervisor: str, pin: str) -> None:
        self._ask(self._reprint, order_no, supervisor, pin)

    def stop(self) -> None:
        """Finish the request in hand, close the bench's connection, stop both threads."""
        self._queue.stop()
        if self._thread.isRunning():
            self._stop.emit()  # runs in the worker thread, after the request in hand
            self._thread.quit()
            self._thread.wait(30_000)

    # -- answers (GUI thread) ----------------------------------------------------

    def _ask(self, signal: Any, *args: object) -> None:
        self.pending += 1
        if self.pending == 1:
            self.busy_changed.emit(True)
        signal.emit(*args)

    def _answered(self) -> None:
        self.pending = max(0, self.pending - 1)
        if self.pending == 0:
            self.busy_changed.emit(False)

    def _answered_start(self, box: object, rules: object) -> None:
        self._answered()
        self.started.emit(box, rules)

    def _answered_scan(self, report: object) -> None:
        self._answered()
        self.scanned.emit(report)

    def _answered_done(self, request: str, result: object) -> None:
        if request != "choice":
            self._answered()
        self.done.emit(request, result)

    def _answered_failure(self, failure: object) -> None:
        self._answered()
        self.failed.emit(failure)
