"""Start the packer window: settings, worker, capture, window; replay and screenshot.

`packstation gui` and `packstation demo` come here with plain options.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from packstation.ui.app import make_application
from packstation.ui.bench_controller import (
    Authenticate,
    BadgeLogin,
    BenchConfig,
    BenchController,
    Printers,
)
from packstation.ui.bench_settings import BenchSettings, SettingsStore
from packstation.ui.packer_window import PackerWindow
from packstation.ui.replay import Replay, read_script
from packstation.ui.scanner import ScannerCapture
from packstation.ui.sound import SoundPlayer
from packstation.ui.speech import Speaker
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from packstation.services.printing import Backoff

REPLAY_MAX_GAP_MS = 250


@dataclass(frozen=True, slots=True)
class GuiOptions:
    db_url: str | None = None
    bench: str = "bench-1"
    printer: str | None = None
    lang: str | None = None
    packer: str = ""
    replay: Path | None = None
    replay_interval_s: float = 0.5
    screenshot: Path | None = None
    size: tuple[int, int] | None = None  # a window of this size instead of full screen
    settings_path: Path | None = None
    authenticate: Authenticate | None = None
    badge: BadgeLogin | None = None
    printers: Printers | None = None
    print_backoff: Backoff | None = None  # waits between print retries (tests: short)
    argv: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Bench:
    """Everything one running window is made of (tests and benchmarks drive these)."""

    app: QApplication
    settings: BenchSettings
    controller: BenchController
    window: PackerWindow
    capture: ScannerCapture

    def close(self) -> None:
        self.capture.remove(self.app)
        self.controller.stop()
        self.window.close()


def build_bench(options: GuiOptions) -> Bench:
    """The window and its worker, started but not yet shown; bench settings kept per bench."""
    app = make_application(options.argv or None)
    store = SettingsStore(options.bench, options.settings_path)
    changes: dict[str, object] = {}
    if options.printer is not None:
        changes["printer_spec"] = options.printer
    if options.lang is not None:
        changes["language"] = options.lang
    settings = store.update(**changes) if changes else store.load()
    config = BenchConfig(
        db_url=options.db_url,
        bench=options.bench,
        packer=options.packer,
        printer_spec=settings.printer_spec or None,
        label_size=settings.label_size,
        dpi=settings.dpi,
        **({"print_backoff": options.print_backoff} if options.print_backoff else {}),
    )
    controller = BenchController(
        config,
        authenticate=options.authenticate,
        badge=options.badge,
        printers=options.printers,
    )
    sound = SoundPlayer(settings.volume if settings.sounds else 0.0)
    window = PackerWindow(
        controller,
        lang=settings.lang,
        packer=options.packer,
        sound=sound,
        speaker=Speaker(settings.speech),
    )
    capture = ScannerCapture(settings.timing)
    capture.install(app)
    capture.scanned.connect(window.on_code)
    return Bench(app, settings, controller, window, capture)


def run_gui(options: GuiOptions) -> int:
    """Show the window until it is closed (or, with --screenshot, until the replay ends)."""
    bench = build_bench(options)
    window = bench.window
    if options.size:
        window.resize(*options.size)
        window.show()
    else:
        window.showFullScreen()
    exit_code = 0

    def finish() -> None:
        if options.screenshot is not None:
            QTimer.singleShot(int(max(0.8, options.replay_interval_s) * 1000), shoot)

    def shoot() -> None:
        if bench.controller.pending:
            QTimer.singleShot(50, shoot)
            return
        assert options.screenshot is not None
        options.screenshot.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(options.screenshot))
        bench.app.quit()

    if options.replay is not None:
        # The app types these keys itself: a wider gap keeps a busy machine from splitting
        # a code, and the keys still take the scanner's path through the capture.
        bench.capture.set_timing(replace(bench.capture.timing, max_gap_ms=REPLAY_MAX_GAP_MS))
        codes = read_script(options.replay)
        replay = Replay(window, codes, options.replay_interval_s, finish)
        bench.controller.started.connect(lambda *_: replay.start())
    elif options.screenshot is not None:
        bench.controller.started.connect(lambda *_: finish())
    bench.controller.start()
    try:
        exit_code = bench.app.exec()
    finally:
        bench.close()
    return exit_code
