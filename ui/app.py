"""The QApplication (placeholder, replaced at merge by the window helper's ui/app.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from packstation.labels.fonts import font_paths


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication: names set, the bundled CJK font registered as the app font."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    app.setOrganizationName("PackStation")
    app.setApplicationName("PackStation")
    families: list[str] = []
    for path in font_paths():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    if families:
        app.setFont(QFont(families[0], app.font().pointSize()))
    return app
