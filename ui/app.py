"""The one place a QApplication is made: names, the bundled CJK font as the app font."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from packstation.labels import font_paths

ORGANISATION = "PackStation"
APPLICATION = "PackStation"


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The app (or the one already running), with the bundled Noto Sans CJK SC as its font,
    so Chinese renders on a bench PC that has no Chinese fonts installed."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    family = register_fonts()
    if family:
        font = QFont(family)
        font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        app.setFont(font)
    return app


def register_fonts() -> str | None:
    """Register both bundled faces once; the family name, or None if Qt refused them."""
    family = None
    for path in font_paths():
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (families[0] if families else None)
    return family
