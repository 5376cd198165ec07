"""The verdict banner and the stop sign: painted, so they scale from 1366x768 to 4K.

Icons are drawn as shapes (tick, cross, triangle, octagon), not font glyphs, so they show
on any machine and say the verdict without relying on colour.
"""

from __future__ import annotations

import math
import time

from packstation.ui.verdict_style import IDLE, Icon, Tone
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget


def draw_icon(painter: QPainter, icon: Icon, rect: QRectF, ink: QColor) -> None:
    """One verdict icon inside `rect` (a square), in `ink`."""
    side = min(rect.width(), rect.height())
    c = rect.center()
    r = side / 2
    pen = QPen(ink, max(2.0, side * 0.12), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if icon is Icon.TICK:
        path = QPainterPath(QPointF(c.x() - r * 0.7, c.y()))
        path.lineTo(c.x() - r * 0.2, c.y() + r * 0.55)
        path.lineTo(c.x() + r * 0.75, c.y() - r * 0.6)
        painter.drawPath(path)
    elif icon is Icon.CROSS:
        d = r * 0.65
        painter.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
        painter.drawLine(QPointF(c.x() + d, c.y() - d), QPointF(c.x() - d, c.y() + d))
    elif icon is Icon.WARN:
        tri = QPolygonF(
            [
                QPointF(c.x(), c.y() - r * 0.85),
                QPointF(c.x() + r * 0.9, c.y() + r * 0.75),
                QPointF(c.x() - r * 0.9, c.y() + r * 0.75),
            ]
        )
        painter.drawPolygon(tri)
        painter.drawLine(QPointF(c.x(), c.y() - r * 0.3), QPointF(c.x(), c.y() + r * 0.2))
        painter.drawPoint(QPointF(c.x(), c.y() + r * 0.5))
    elif icon is Icon.STOP:
        painter.drawPolygon(_octagon(c, r * 0.9))
        painter.drawLine(QPointF(c.x() - r * 0.4, c.y()), QPointF(c.x() + r * 0.4, c.y()))
    elif icon is Icon.BOX:
        box = QRectF(c.x() - r * 0.7, c.y() - r * 0.45, r * 1.4, r * 1.1)
        painter.drawRect(box)
        painter.drawLine(box.topLeft(), QPointF(c.x(), c.y() - r * 0.85))
        painter.drawLine(box.topRight(), QPointF(c.x(), c.y() - r * 0.85))
    else:  # INFO: a circled "i"
        painter.drawEllipse(c, r * 0.8, r * 0.8)
        painter.drawLine(QPointF(c.x(), c.y() - r * 0.05), QPointF(c.x(), c.y() + r * 0.45))
        painter.drawPoint(QPointF(c.x(), c.y() - r * 0.35))
    painter.restore()


def _octagon(c: QPointF, r: float) -> QPolygonF:
    return QPolygonF(
        [
            QPointF(
                c.x() + r * math.cos(math.pi / 8 + k * math.pi / 4),
                c.y() + r * math.sin(math.pi / 8 + k * math.pi / 4),
            )
            for k in range(8)
        ]
    )


class Banner(QWidget):
    """Colour + icon + headline + the next thing to do. `painted(seconds)` after each new
    verdict is on screen: from the end of the scanner burst to the end of this paint."""

    painted = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tone: Tone = IDLE
        self.headline = ""
        self.next_step = ""
        self._since: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def show_verdict(
        self, tone: Tone, headline: str, next_step: str, since: float | None = None
    ) -> None:
        self.tone, self.headline, self.next_step = tone, headline, next_step
        self._since = since
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        rect = QRectF(self.rect())
        p.fillRect(rect, QColor(self.tone.background))
        ink = QColor(self.tone.ink)
        h = rect.height()
        pad = h * 0.08
        icon_side = h * 0.62
        draw_icon(
            p,
            self.tone.icon,
            QRectF(pad, (h - icon_side) / 2 - h * 0.08, icon_side, icon_side),
            ink,
        )
        text_left = pad * 2 + icon_side
        text_rect = QRectF(text_left, pad, rect.width() - text_left - pad, h * 0.58)
        p.setPen(ink)
        fit_text(p, text_rect, self.headline, h * 0.36)
        step_rect = QRectF(pad, h * 0.70, rect.width() - 2 * pad, h * 0.26)
        fit_text(p, step_rect, self.next_step, h * 0.17, bold=False)
        p.end()
        if self._since is not None:
            self.painted.emit(time.perf_counter() - self._since)
            self._since = None


def fit_text(
    p: QPainter, rect: QRectF, text: str, px: float, *, bold: bool = True, centred: bool = False
) -> None:
    """Draw `text` wrapped in `rect`, shrinking the font from `px` until it fits."""
    font = QFont(p.font())
    font.setBold(bold)
    align = (
        Qt.AlignmentFlag.AlignCenter
        if centred
        else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    flags = int(align) | int(Qt.TextFlag.TextWordWrap)
    size = max(8.0, px)
    while True:
        font.setPixelSize(max(8, int(size)))
        p.setFont(font)
        bounds = p.boundingRect(rect, flags, text)
        if (bounds.height() <= rect.height() and bounds.width() <= rect.width()) or size <= 9:
            break
        size *= 0.9
    p.drawText(rect, flags, text)


class StopSign(QWidget):
    """The whole window as a stop sign: an intercepted parcel must not ship."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.reason = ""
        self.hint = ""
        self.order_no = ""
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.hide()

    def show_stop(self, title: str, reason: str, order_no: str, hint: str) -> None:
        self.title, self.reason, self.order_no, self.hint = title, reason, order_no, hint
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        w, h = rect.width(), rect.height()
        p.fillRect(rect, QColor("#7A0000"))
        r = min(w, h) * 0.22
        c = QPointF(w / 2, h * 0.28)
        p.setPen(QPen(QColor("#FFFFFF"), r * 0.08))
        p.setBrush(QColor("#B22222"))
        p.drawPolygon(_octagon(c, r))
        p.setPen(QColor("#FFFFFF"))
        fit_text(
            p, QRectF(c.x() - r, c.y() - r * 0.5, 2 * r, r), self.title, r * 0.38, centred=True
        )
        fit_text(
            p,
            QRectF(0, h * 0.52, w, h * 0.16),
            f"{self.title}：{self.reason}",
            h * 0.09,
            centred=True,
        )
        fit_text(p, QRectF(0, h * 0.68, w, h * 0.08), self.order_no, h * 0.05, centred=True)
        fit_text(
            p,
            QRectF(w * 0.05, h * 0.78, w * 0.9, h * 0.18),
            self.hint,
            h * 0.04,
            bold=False,
            centred=True,
        )
        p.end()
