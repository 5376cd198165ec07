"""`packstation dashboard`: the supervisor view in its own window, or the wall screen."""

from __future__ import annotations

from pathlib import Path

from packstation.ui.app import make_application
from packstation.ui.dashboard_texts import tr
from packstation.ui.supervisor_panel import SupervisorPanel
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

from packstation.bootstrap import Database
from packstation.services.dashboard import Dashboard

SCREENSHOT_TIMEOUT_MS = 30_000


class DashboardWindow(QMainWindow):
    def __init__(self, db: Database, lang: str = "zh", *, wall: bool = False) -> None:
        super().__init__()
        self.setWindowTitle(f"PackStation – {tr('title', lang)}")
        self.panel = SupervisorPanel(db, lang, wall=wall)
        self.setCentralWidget(self.panel)

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        self.panel.stop()
        super().closeEvent(event)  # type: ignore[arg-type]


def run_dashboard(
    db: Database,
    *,
    lang: str = "zh",
    wall: bool = False,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """Show the dashboard until closed; with `screenshot`, save it after the first
    refresh and exit (1 if no refresh came within SCREENSHOT_TIMEOUT_MS)."""
    app = make_application()
    window = DashboardWindow(db, lang, wall=wall)
    if size is not None:
        window.resize(*size)
    elif not wall:
        window.resize(1366, 768)
    outcome = {"code": 0}
    if screenshot is not None:
        if size is None and wall:
            window.resize(1920, 1080)

        def save(_board: Dashboard) -> None:
            QTimer.singleShot(200, lambda: _save(window, screenshot, app))

        window.panel.feed.updated.connect(save)

        def give_up() -> None:
            outcome["code"] = 1
            app.quit()

        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, give_up)
        window.show()
    elif wall:
        window.showFullScreen()
    else:
        window.show()
    window.panel.start()
    app.exec()
    window.panel.stop()
    return outcome["code"]


def _save(window: QMainWindow, path: Path, app: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    app.quit()  # type: ignore[attr-defined]
