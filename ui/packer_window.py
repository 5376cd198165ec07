"""The packer's window: one full screen, answered by scanner codes, no mouse needed.

Codes arrive from `ScannerCapture` (any widget may have focus); command codes act on the
window, every other code goes to the bench worker. The window only shows what the core
answered: nothing is counted here.
"""

from __future__ import annotations

from dataclasses import replace

from packstation.ui.banner import Banner, StopSign
from packstation.ui.bench_controller import BenchController, Failure, PrinterView, ScanReport
from packstation.ui.bench_widgets import (
    PANEL,
    PANEL_INK,
    ChoicePanel,
    DestinationTag,
    LabelPreview,
    Lamp,
    OrderView,
    PinPanel,
    ScanLog,
    scaled,
)
from packstation.ui.presenting import next_step_for_box, present, stop_reason_text
from packstation.ui.sound import SoundPlayer
from packstation.ui.speech import Speaker
from packstation.ui.texts import TEXTS, text, visible
from packstation.ui.verdict_style import (
    CAUTION,
    DONE,
    GOOD,
    IDLE,
    INFO,
    STOP,
    WRONG,
    cue_for,
    mark_for,
)
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from packstation.address import DEFAULT_RULES, PriorityRule, PriorityRules
from packstation.cli.print_text import job_error_text, warning_text
from packstation.domain.commands import Command, CommandScan, parse_command
from packstation.domain.verdicts import Verdict
from packstation.services.boxes import Box
from packstation.services.destinations import DestinationChoice
from packstation.services.printing import JobOutcome

#: Printer states that stop printing, and the lamp colour of each state.
LAMP_COLOUR = {
    "ready": "#009E73",
    "printing": "#56B4E9",
    "paper_near_end": "#F0E442",
    "unknown": "#999999",
    "none": "#999999",
    "offline": "#D55E00",
    "cover_open": "#D55E00",
    "paper_end": "#D55E00",
    "error": "#D55E00",
}
FAULT_STATES = frozenset({"offline", "cover_open", "paper_end", "error"})
BUSY_AFTER_MS = 400  # the database lamp says "busy" when an answer takes longer


class PackerWindow(QWidget):
    """The bench screen. `verdict_shown(report)` after each scan's answer is on screen."""

    verdict_shown = Signal(object)  # ScanReport, or a str for a command code
    command_done = Signal(str)

    def __init__(
        self,
        controller: BenchController,
        *,
        lang: str = "zh",
        packer: str = "",
        sound: SoundPlayer | None = None,
        speaker: Speaker | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.lang = lang
        self.packer = packer
        self.sound = sound or SoundPlayer(parent=self)
        self.speaker = speaker or Speaker(parent=self)
        self.rules: PriorityRules = DEFAULT_RULES
        self.box: Box | None = None
        self.choice: DestinationChoice | None = None
        self.picked: int | None = None
        self.quantity = 1
        self.stopped_order: str | None = None
        self.last_completed: str | None = None
        self.last_cue = ""
        self.printer: PrinterView = PrinterView("unknown", True, "", "")
        self.printer_fault: PrinterView | None = None
        self.ready = False
        self.pin_mode = "login"
        self._db_state = "db_ok"
        self._unit = 20.0
        self.last_paint_s: float | None = None
        self._build()
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(lambda: self._set_db("db_busy"))
        self._connect()
        self.setWindowTitle(text("title", lang))

    # -- building ----------------------------------------------------------------

    def _build(self) -> None:
        self.setObjectName("packer")
        self.setStyleSheet(f"#packer{{background:#111417;}} QLabel{{color:{PANEL_INK};}}")
        self.who = QLabel()
        self.printer_lamp = Lamp()
        self.db_lamp = Lamp()
        top = QHBoxLayout()
        top.addWidget(self.who, 1)
        top.addWidget(self.printer_lamp)
        top.addWidget(self.db_lamp)
        self.banner = Banner()
        self.order_view = OrderView()
        self.choice_panel = ChoicePanel()
        self.pin_panel = PinPanel()
        self.destination = DestinationTag()
        self.preview = LabelPreview()
        self.scan_log = ScanLog()
        left = QVBoxLayout()
        left.addWidget(self.pin_panel)
        left.addWidget(self.choice_panel)
        left.addWidget(self.order_view, 1)
        right = QVBoxLayout()
        right.addWidget(self.destination, 3)
        right.addWidget(self.preview, 6)
        right.addWidget(self.scan_log, 3)
        body = QHBoxLayout()
        body.addLayout(left, 6)
        body.addLayout(right, 4)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.banner, 3)
        root.addLayout(body, 8)
        self.stop_sign = StopSign(self)
        self.pin_panel.button.clicked.connect(self._pin_entered)
        self.pin_panel.pin.returnPressed.connect(self._pin_entered)
        self.pin_panel.name.returnPressed.connect(self.pin_panel.pin.setFocus)
        for w in (self.who,):
            w.setStyleSheet(f"background:{PANEL}; color:{PANEL_INK}; padding:4px;")

    def _connect(self) -> None:
        c = self.controller
        c.started.connect(self._on_started)
        c.scanned.connect(self._on_report)
        c.done.connect(self._on_done)
        c.failed.connect(self._on_failure)
        c.job_done.connect(self._on_job)
        c.printer_status.connect(self._on_printer_status)
        c.printing.connect(lambda: self._lamp_printer("printing"))
        c.label.connect(self.preview.set_label)
        c.busy_changed.connect(self._on_busy)
        self.banner.painted.connect(self._painted)

    # -- input -------------------------------------------------------------------

    def on_code(self, code: str, ended_at: float) -> None:
        """One scanner code (from the capture or a replay)."""
        command = parse_command(code)
        if self.stopped_order is not None and (
            command is None or command.command is not Command.ACKNOWLEDGE
        ):
            self._tell(STOP, text("stop_waiting", self.lang), text("stop_hint", self.lang), "error")
            self.stop_sign.raise_()
            self.verdict_shown.emit("refused:stopped")
            return
        if command is not None:
            self._command(command)
            return
        if not self.packer:  # a code scanned at the sign-in screen is a badge
            self.controller.login_badge(code)
            return
        if self.choice is not None:
            self._tell(
                CAUTION, text("choose_first", self.lang), text("choose_hint", self.lang), "error"
            )
            self.verdict_shown.emit("refused:choose")
            return
        units, self.quantity = self.quantity, 1
        self.controller.scan(code, ended_at, units)

    def _command(self, scan: CommandScan) -> None:
        lang, c = self.lang, scan.command
        if c is Command.ACKNOWLEDGE:
            if self.stopped_order is not None:
                self.stopped_order = None
                self.stop_sign.hide()
                self._idle_banner()
        elif c is Command.QUANTITY:
            self.quantity = scan.argument or 1
            self._tell(
                INFO,
                text("quantity_set", lang, n=self.quantity),
                next_step_for_box(self.box, lang),
                "ok",
            )
        elif c is Command.CHOOSE:
            self._choose(scan.argument or 0)
        elif c is Command.CONFIRM:
            self._confirm()
        elif c is Command.CANCEL_BOX:
            if self.box is None:
                self._tell(CAUTION, text("nothing_open", lang), text("idle_title", lang), "error")
            else:
                self.controller.cancel_box()
        elif c is Command.COMPLETE_BOX:
            if self.box is None:
                self._tell(CAUTION, text("nothing_open", lang), text("idle_title", lang), "error")
            else:
                missing = self.box.units_required - self.box.units_packed
                self._tell(
                    CAUTION,
                    text("not_complete", lang, missing=missing),
                    next_step_for_box(self.box, lang),
                    "error",
                )
        elif c is Command.REPRINT:
            if self.last_completed is None:
                self._tell(CAUTION, text("reprint_none", lang), text("idle_title", lang), "error")
            else:
                self._ask_pin("reprint")
        elif c is Command.LOGOUT:
            self.packer = ""
            self.controller.set_packer("")
            self._ask_pin("login")
            self._tell(IDLE, text("logged_out", lang), text("login_title", lang), "ok")
        self._refresh_header()
        self.verdict_shown.emit(f"command:{c.value.lower()}")
        self.command_done.emit(c.value)

    def _choose(self, n: int) -> None:
        lang = self.lang
        if self.choice is None:
            self._tell(
                CAUTION, text("nothing_open", lang), next_step_for_box(self.box, lang), "error"
            )
            return
        if not 1 <= n <= len(self.choice.candidates):
            self._tell(
                CAUTION, text("choose_invalid", lang, n=n), text("choose_hint", lang), "error"
            )
            return
        self.picked = n
        self._show_choice()
        self._tell(
            INFO,
            text("choose_picked", lang, city=self._candidate_name(n)),
            text("choose_hint", lang),
            "ok",
        )

    def _confirm(self) -> None:
        lang = self.lang
        if self.choice is None:
            return
        if self.picked is None and len(self.choice.candidates) == 1:
            self.picked = 1
        if self.picked is None:
            self._tell(CAUTION, text("choose_first", lang), text("choose_hint", lang), "error")
            return
        province, city = self.choice.candidates[self.picked - 1]
        self.controller.confirm_destination(
            self.choice.order_no, province, city, self.packer or "bench"
        )

    def _pin_entered(self) -> None:
        name, pin = self.pin_panel.name.text().strip(), self.pin_panel.pin.text()
        self.pin_panel.pin.clear()
        if self.pin_mode == "login":
            self.controller.login(name, pin)
        elif self.last_completed is not None:
            self.controller.reprint(self.last_completed, name, pin)
            self.pin_panel.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_F2:  # a person's key, never a scanner's
            self.set_language("en" if self.lang == "zh" else "zh")
            return
        if event.key() == Qt.Key.Key_Escape and self.pin_mode == "reprint":
            self.pin_panel.hide()
            return
        super().keyPressEvent(event)

    # -- answers -----------------------------------------------------------------

    def _on_started(self, box: Box | None, rules: PriorityRules) -> None:
        self.rules = rules
        self.box = box
        self.ready = True
        if not self.packer:
            self._ask_pin("login")
        self._render_box()
        if box is None:
            self._idle_banner()
        else:
            self._tell(
                INFO,
                text("opened", self.lang, order_no=box.order_no, required=box.units_required),
                next_step_for_box(box, self.lang),
                "opened",
            )

    def _on_report(self, report: ScanReport) -> None:
        result = report.last
        verdict = result.verdict
        if verdict is Verdict.ORDER_COMPLETE:
            self.box = None
            self.last_completed = result.order_no
        elif verdict is Verdict.INTERCEPTED:
            self.box = None
        elif verdict is not Verdict.DUPLICATE_READ and (
            result.box is not None or verdict is Verdict.IN_PROGRESS_ELSEWHERE
        ):
            self.box = result.box
        if report.choice is not None:
            self.choice, self.picked = report.choice, None
        shown = present(report, self.box, self.lang)
        if report.extra_of is not None:
            cue = "error"
        else:
            concerned = result.box
            cue = cue_for(verdict, priority=bool(concerned and concerned.priority))
        self.banner.show_verdict(shown.tone, shown.headline, shown.next_step, report.ended_at)
        self._play(cue)
        if verdict is Verdict.ORDER_OPENED and result.box is not None and result.box.priority:
            rule = self.rules.by_key(result.box.priority)
            if rule is not None:
                self.speaker.say(f"优先：{rule.city.removesuffix('市')}", "zh")
        if verdict is Verdict.INTERCEPTED:
            self.stopped_order = result.order_no or report.code
            reason = stop_reason_text(result.intercept_reason, self.lang)
            self.stop_sign.show_stop(
                text("stop_title", self.lang),
                reason,
                result.order_no or "",
                text("stop_hint", self.lang),
            )
            self.speaker.say(stop_reason_text(result.intercept_reason, "zh"), "zh")
        self.scan_log.add(f"{mark_for(verdict)} {visible(report.code)}  {shown.headline}")
        self._render_box(result.box if verdict is Verdict.ORDER_COMPLETE else None)
        self.verdict_shown.emit(report)

    def _on_done(self, request: str, result: object) -> None:
        lang = self.lang
        if request == "choice" and isinstance(result, DestinationChoice):
            self.choice, self.picked = result, None
            self._render_box()
        elif request == "cancel":
            order_no = result.order_no if isinstance(result, Box) else ""
            self.box = None
            self.choice = None
            self._render_box()
            self._tell(
                CAUTION,
                text("cancelled", lang, order_no=order_no),
                text("next_scan_order", lang),
                "ok",
            )
        elif request == "confirm":
            priority, city = result  # type: ignore[misc]
            if self.box is not None:
                self.box = replace(self.box, priority=priority, address_ambiguous=False, city=city)
            self.choice, self.picked = None, None
            self._render_box()
            cue = "priority" if priority else "ok"
            self._tell(
                GOOD,
                text("dest_confirmed", lang, city=city),
                next_step_for_box(self.box, lang),
                cue,
            )
        elif request == "login":
            self.packer = str(result)
            self.pin_panel.hide()
            self._refresh_header()
            self._idle_banner()
        elif request == "reprint":
            self._tell(
                DONE,
                text("reprint_done", lang, order_no=result),
                text("next_scan_order", lang),
                "ok",
            )
        self.verdict_shown.emit(f"done:{request}")

    def _on_failure(self, failure: Failure) -> None:
        message = failure.en if self.lang == "en" else failure.zh
        if failure.request == "login":
            self.pin_panel.message.setText(text("login_failed", self.lang) + "：" + message)
        self._tell(
            WRONG,
            text("error", self.lang, message=message),
            text("next_rescan", self.lang),
            "error",
        )
        if failure.request == "start":
            self._set_db("db_down")
        self.verdict_shown.emit(f"failed:{failure.request}")

    def _on_job(self, outcome: JobOutcome) -> None:
        lang = self.lang
        if outcome.state == "printed":
            self.printer_fault = None
            self._lamp_printer("ready")
            if self.banner.tone is not STOP:
                self.scan_log.add(f"■ {text('printed', lang, order_no=outcome.order_no)}")
                if outcome.warning is not None:
                    zh, en = warning_text(outcome.warning)
                    self.scan_log.add(f"⚠ {en if lang == 'en' else zh}")
        else:
            zh, en = job_error_text(outcome.error) if outcome.error else (outcome.state,) * 2
            self._printer_fault_banner(en if lang == "en" else zh)

    def _on_printer_status(self, status: PrinterView) -> None:
        self.printer = status
        was_fault = self.printer_fault is not None
        if status.state in FAULT_STATES:
            self.printer_fault = status
            if not was_fault:
                self._printer_fault_banner(status.en if self.lang == "en" else status.zh)
        elif was_fault:
            self.printer_fault = None
            if self.banner.tone is WRONG and self.stopped_order is None:
                self._idle_banner()
        self._lamp_printer(status.state)

    def _printer_fault_banner(self, message: str) -> None:
        if self.stopped_order is not None:
            return
        self._tell(
            WRONG,
            text("print_fault", self.lang, message=message),
            text("print_fault_hint", self.lang),
            "error",
        )

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start(BUSY_AFTER_MS)
        else:
            self._busy_timer.stop()
            if self._db_state == "db_busy":
                self._set_db("db_ok")

    def _painted(self, seconds: float) -> None:
        self.last_paint_s = seconds

    # -- showing -----------------------------------------------------------------

    def _tell(self, tone: object, headline: str, next_step: str, cue: str) -> None:
        self.banner.show_verdict(tone, headline, next_step)  # type: ignore[arg-type]
        self._play(cue)

    def _play(self, cue: str) -> None:
        self.last_cue = cue
        self.sound.play(cue)

    def _idle_banner(self) -> None:
        if self.box is None:
            self.banner.show_verdict(
                IDLE, text("idle_title", self.lang), text("idle_hint", self.lang)
            )
        else:
            self.banner.show_verdict(
                INFO,
                text("order", self.lang) + " " + self.box.order_no,
                next_step_for_box(self.box, self.lang),
            )

    def _render_box(self, finished: Box | None = None) -> None:
        """Order, destination and choice for the open box (or the box just finished)."""
        shown = self.box or finished
        self.order_view.show_box(self.box, self.lang)
        rule = self.rules.by_key(shown.priority) if shown and shown.priority else None
        self.destination.show_destination(shown, rule, self.lang)
        self._show_choice()

    def _show_choice(self) -> None:
        if self.choice is None:
            self.choice_panel.hide()
            return
        options = [self._candidate_name(n) for n in range(1, len(self.choice.candidates) + 1)]
        self.choice_panel.show_choice(
            text("choose_title", self.lang),
            self.choice.address,
            options,
            self.picked,
            text("choose_hint", self.lang),
            self._unit,
        )

    def _candidate_name(self, n: int) -> str:
        assert self.choice is not None
        province, city = self.choice.candidates[n - 1]
        rule: PriorityRule | None = self.rules.for_city(city)
        place = " ".join(p for p in dict.fromkeys((province, city)) if p)
        return f"{place}  [{rule.mark} {rule.promise}]" if rule else place

    def _ask_pin(self, mode: str) -> None:
        self.pin_mode = mode
        self._pin_words()
        self.pin_panel.show()
        self.pin_panel.name.setFocus()

    def _pin_words(self) -> None:
        lang = self.lang
        title = text("login_title" if self.pin_mode == "login" else "reprint_title", lang)
        self.pin_panel.set_words(
            title,
            text("login_name", lang),
            text("login_pin", lang),
            text("login_button", lang),
            "",
            self._unit,
        )

    def _refresh_header(self) -> None:
        lang = self.lang
        who = self.packer or text("nobody", lang)
        self.who.setText(
            f"{text('bench', lang)} {self.controller.config.bench}   {text('packer', lang)} {who}"
        )

    def _lamp_printer(self, state: str) -> None:
        key = f"lamp_{state}"
        words = text(key if key in TEXTS else "lamp_unknown", self.lang)
        self.printer_lamp.set_state(
            text("printer", self.lang), words, LAMP_COLOUR.get(state, "#999999")
        )

    def _set_db(self, state: str) -> None:
        self._db_state = state
        colour = {"db_ok": "#009E73", "db_busy": "#F0E442", "db_down": "#D55E00"}[state]
        self.db_lamp.set_state(text("database", self.lang), text(state, self.lang), colour)

    # -- language and size --------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Switch every word on screen now (the banner is redrawn in the new language)."""
        self.lang = lang
        self.setWindowTitle(text("title", lang))
        self._restyle()
        if self.stopped_order is None:
            self._idle_banner()

    def _restyle(self) -> None:
        u, lang = self._unit, self.lang
        scaled(self.who, u * 1.0, bold=True)
        self._refresh_header()
        self.printer_lamp.set_unit(u)
        self.db_lamp.set_unit(u)
        self._lamp_printer(self.printer.state)
        self._set_db(self._db_state)
        self.order_view.set_unit(u)
        self.order_view.show_box(self.box, lang)
        rule = self.rules.by_key(self.box.priority) if self.box and self.box.priority else None
        self.destination.show_destination(self.box, rule, lang)
        self.preview.set_caption(text("label_preview", lang), text("no_label", lang), u)
        self.scan_log.set_caption(text("last_scans", lang), u)
        self._show_choice()
        self._pin_words()
        if self.stop_sign.isVisible():
            self.stop_sign.setGeometry(self.rect())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._unit = max(12.0, self.height() / 36)
        self._restyle()
