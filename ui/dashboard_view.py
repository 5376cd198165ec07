"""The dashboard's display: tiles, two charts, backlog, printers, open boxes, exceptions.

It only shows a `Dashboard` value (`show_board`); reading is DashboardFeed's job.
Charts use pyqtgraph: pure Python on the Qt we already ship (QtCharts needs the 150 MB
PySide6-Addons and is deprecated in Qt 6.10 in favour of Qt Graphs), and fast enough to
redraw every refresh.
"""

from __future__ import annotations

from datetime import datetime

import pyqtgraph as pg
from packstation.ui.dashboard_texts import tr, word
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.services.dashboard import Dashboard, ExceptionKind, PrinterState, shift_start

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
)
WARN = QColor("#fde0dc")
BAD = QColor("#c62828")
GOOD = QColor("#2e7d32")
pg.setConfigOptions(background="w", foreground="#333", antialias=True)


def age_text(seconds: float, lang: str) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return tr("age.minutes", lang, n=minutes)
    return tr("age.hours", lang, h=minutes // 60, m=minutes % 60)


class Tile(QFrame):
    """One big figure with its caption and a small line under it."""

    def __init__(self, caption: str, scale: float) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("tile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.caption = QLabel(caption)
        self.value = QLabel("–")
        self.sub = QLabel("")
        font = self.value.font()
        font.setPointSizeF(26 * scale)
        font.setBold(True)
        self.value.setFont(font)
        for label in (self.caption, self.sub):
            small = label.font()
            small.setPointSizeF(10 * scale)
            label.setFont(small)
        self.sub.setStyleSheet("color: #555")
        for widget in (self.caption, self.value, self.sub):
            layout.addWidget(widget)

    def set(self, value: str, sub: str = "", alarm: bool = False) -> None:
        self.value.setText(value)
        self.sub.setText(sub)
        self.value.setStyleSheet(f"color: {BAD.name() if alarm else '#111'}")


class HourChart(pg.PlotWidget):
    """Orders per hour, one line per bench or packer, local hours on the axis."""

    def __init__(self, title: str, scale: float) -> None:
        super().__init__()
        self.setTitle(title, size=f"{int(11 * scale)}pt")
        self.showGrid(x=False, y=True, alpha=0.3)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.legend = self.addLegend(offset=(5, 1), labelTextSize=f"{int(9 * scale)}pt", colCount=6)
        self.setMinimumHeight(int(180 * scale))
        ticks = QFont()
        ticks.setPointSizeF(9 * scale)
        for side in ("bottom", "left"):
            self.getAxis(side).setStyle(tickFont=ticks)

    def plot_series(self, series: dict[str, list[int]], start: datetime) -> None:
        self.clear()
        self.legend.clear()
        if not series:
            return
        slots = len(next(iter(series.values())))
        local = start.astimezone()
        ticks = [(i, f"{(local.hour + i) % 24:02d}") for i in range(slots)]
        step = max(1, slots // 12)
        self.getAxis("bottom").setTicks([ticks[::step]])
        for i, (name, counts) in enumerate(series.items()):
            color = PALETTE[i % len(PALETTE)]
            self.plot(
                list(range(slots)),
                counts,
                name=name,
                pen=pg.mkPen(color, width=2),
                symbol="o",
                symbolSize=5,
                symbolBrush=color,
                symbolPen=None,
            )
        self.setXRange(-0.3, max(slots - 0.7, 1), padding=0)
        top = max(max(c) for c in series.values())
        rows = (len(series) + 5) // 6  # legend rows across the top, above the lines
        self.setYRange(0, top * (1.12 + 0.12 * rows) + 1, padding=0)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[tuple[list[str], QColor | None, QColor | None]]) -> None:
    table.setRowCount(len(rows))
    for r, (cells, background, foreground) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if background is not None:
                item.setBackground(QBrush(background))
            if foreground is not None:
                item.setForeground(QBrush(foreground))
            table.setItem(r, c, item)


class DashboardView(QWidget):
    """Every figure of one `Dashboard`; `wall` gives large type for a wall screen."""

    def __init__(self, lang: str = "zh", wall: bool = False) -> None:
        super().__init__()
        self.lang = lang
        self.wall = wall
        scale = 1.5 if wall else 1.0
        base = self.font()
        base.setPointSizeF(base.pointSizeF() * scale if base.pointSizeF() > 0 else 10 * scale)
        self.setFont(base)
        t = lambda key: tr(key, lang)  # noqa: E731
        self.tiles = {
            key: Tile(t(f"tile.{key}"), scale)
            for key in (
                "orders_today",
                "units_today",
                "orders_hour",
                "wrong_rate",
                "intercepts",
                "open",
                "held",
            )
        }
        self.bench_chart = HourChart(t("chart.bench"), scale)
        self.packer_chart = HourChart(t("chart.packer"), scale)
        self.backlog_title = QLabel()
        self.backlog = _table([t("backlog.city"), t("backlog.waiting"), t("backlog.oldest")])
        self.printers = _table(
            [
                t("printers.bench"),
                t("printers.printer"),
                t("printers.state"),
                t("printers.queued"),
                t("printers.held"),
            ]
        )
        self.sessions = _table(
            [t("printers.bench"), t("sessions.packer"), t("sessions.order"), t("sessions.open_for")]
        )
        for table in (self.backlog, self.printers, self.sessions):
            table.setFont(base)
            table.verticalHeader().setDefaultSectionSize(QFontMetrics(base).height() + 6)
        self.feed = QListWidget()
        self.feed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pins = QLabel()
        self.pins.setWordWrap(True)
        self.status = QLabel()
        self.status.setStyleSheet("color: #666")

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, 0, i)
        grid.addWidget(self.bench_chart, 1, 0, 1, 4)
        grid.addWidget(self.packer_chart, 1, 4, 1, 3)
        grid.addWidget(_boxed(self.backlog_title, self.backlog), 2, 0, 1, 2)
        grid.addWidget(_boxed(_title(t("printers.title")), self.printers), 2, 2, 1, 3)
        grid.addWidget(_boxed(_title(t("feed.title")), self.feed, self.pins), 2, 5, 2, 2)
        grid.addWidget(_boxed(_title(t("sessions.title")), self.sessions), 3, 0, 1, 5)
        grid.addWidget(self.status, 4, 0, 1, 7)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 3)
        grid.setRowStretch(3, 2)

    def show_error(self, zh: str, en: str) -> None:
        self.status.setText(tr("stale", self.lang, error=en if self.lang == "en" else zh))
        self.status.setStyleSheet(f"color: {BAD.name()}")

    def show_board(self, board: Dashboard) -> None:
        lang = self.lang
        tiles = self.tiles
        tiles["orders_today"].set(f"{board.orders_today:,}")
        tiles["units_today"].set(f"{board.units_today:,}")
        tiles["orders_hour"].set(
            f"{board.orders_this_hour:,}",
            f"{tr('tile.units_hour', lang)} {board.units_this_hour:,}",
        )
        judged = board.unit_scans_today + board.wrong_scans_today
        tiles["wrong_rate"].set(
            f"{board.wrong_rate:.1%}",
            tr("tile.wrong_sub", lang, wrong=board.wrong_scans_today, judged=judged),
            alarm=board.wrong_rate > 0.02,
        )
        tiles["intercepts"].set(
            f"{board.intercepts_today:,}",
            tr(
                "tile.intercepts_sub",
                lang,
                intercepted=board.orders_intercepted,
                cancelled=board.orders_cancelled,
                refunded=board.orders_refunded,
            ),
            alarm=board.orders_intercepted > 0,
        )
        tiles["open"].set(f"{len(board.open_boxes)}")
        held = sum(p.held for p in board.printers)
        tiles["held"].set(f"{held}", alarm=held > 0)
        self.bench_chart.plot_series(board.per_bench(), shift_start(board))
        self.packer_chart.plot_series(board.per_packer(), shift_start(board))
        self._show_backlog(board)
        self._show_printers(board)
        _fill(
            self.sessions,
            [
                (
                    [b.bench, b.packer, b.order_no, age_text(b.open_s, lang)],
                    WARN if b.open_s > 1800 else None,
                    None,
                )
                for b in board.open_boxes
            ],
        )
        self._show_feed(board)
        local = board.taken_at.astimezone().strftime("%H:%M:%S")
        self.status.setText(tr("updated", lang, time=local))
        self.status.setStyleSheet("color: #666")

    def _show_backlog(self, board: Dashboard) -> None:
        lang = self.lang
        self.backlog_title.setText(
            tr(
                "backlog.title",
                lang,
                limit=age_text(board.backlog_warn_after.total_seconds(), lang),
            )
        )
        rows = []
        for city in board.backlog:
            count = tr("more", lang, n=f"{city.waiting:,}") if city.more else f"{city.waiting:,}"
            oldest = age_text(city.oldest_age_s, lang) if city.oldest_at else "–"
            if city.warning:
                oldest = f"{oldest}  {tr('backlog.warn', lang)}"
            name = f"{city.mark} {city.city}".strip()
            rows.append(
                (
                    [name, count, oldest],
                    WARN if city.warning else None,
                    BAD if city.warning else None,
                )
            )
        _fill(self.backlog, rows)

    def _show_printers(self, board: Dashboard) -> None:
        lang = self.lang
        rows = []
        for p in board.printers:
            if p.state is PrinterState.FAULT:
                state = tr("printer.fault", lang, error=p.error_en if lang == "en" else p.error_zh)
            else:
                state = tr(f"printer.{p.state.value}", lang)
            bad = p.state is PrinterState.FAULT or p.held > 0
            rows.append(
                (
                    [p.bench, p.printer_spec or "–", state, str(p.queued), str(p.held)],
                    WARN if bad else None,
                    BAD if bad else None,
                )
            )
        _fill(self.printers, rows)

    def _show_feed(self, board: Dashboard) -> None:
        lang = self.lang
        self.feed.clear()
        for event in board.exceptions:
            when = event.at.astimezone().strftime("%H:%M")
            prefix = "audit_action" if event.kind is ExceptionKind.OVERRIDE else "reason"
            text = tr(
                f"feed.{event.kind.value}",
                lang,
                bench=event.bench or "–",
                who=event.who or "–",
                target=event.target,
                detail=word(prefix, event.detail, lang),
            )
            self.feed.addItem(f"{when}  {text}")
            if event.kind in (ExceptionKind.PRINTER_FAULT, ExceptionKind.HELD_JOB):
                self.feed.item(self.feed.count() - 1).setForeground(QBrush(BAD))
        pins = board.pins
        parts = [
            tr("pins.throttled", lang, name=n, wait=w, failures=f) for n, f, w in pins.throttled
        ]
        parts += [
            tr("pins.bench", lang, bench=b or "CLI", failures=f) for b, f in pins.failures_by_bench
        ]
        self.pins.setText(f"{tr('pins.title', lang)}: {'; '.join(parts) or tr('pins.none', lang)}")


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def _boxed(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if isinstance(widgets[0], QLabel):
        font = QFont(widgets[0].font())
        font.setBold(True)
        widgets[0].setFont(font)
    return box
