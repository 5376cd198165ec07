"""Dashboard tile: the staffing estimate in numbers, and a plain warning when the priority
backlog will miss the cutoff. It shows an estimate it is given (`set_estimate`); the host
computes it (`services.staffing.staffing_estimate`) on its refresh timer."""

from __future__ import annotations

from datetime import datetime

from packstation.ui.shift_texts import text
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from packstation.domain.staffing import Clearance, StaffingEstimate, StaffingWarning

WARNING_STYLE = "color: white; background: #B00020; font-weight: bold; padding: 4px;"


class StaffingTile(QWidget):
    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.title = QLabel(text("staffing.title", lang))
        self.title.setStyleSheet("font-weight: bold;")
        self.waiting = QLabel()
        self.cities = QLabel()
        self.pace = QLabel()
        self.all_orders = QLabel()
        self.priority = QLabel()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        layout = QVBoxLayout(self)
        for label in (self.title, self.waiting, self.cities, self.pace, self.all_orders,
                      self.priority, self.warning):
            layout.addWidget(label)

    def set_estimate(self, r: StaffingEstimate) -> None:
        lang = self.lang
        self.waiting.setText(text("staffing.waiting", lang, waiting=r.backlog.waiting,
                                  priority=r.backlog.priority))
        self.cities.setText("  ".join(f"{k} {v}" for k, v in r.backlog.priority_by_city.items()))
        self.pace.setText(text("staffing.pace", lang, benches=r.pace.active_benches,
                               pace=f"{float(r.pace.per_bench_per_hour):.1f}"))
        self.all_orders.setText(self._line("staffing.all", r.all_orders, r.cutoff))
        self.priority.setText(self._line("staffing.priority", r.priority_orders, r.cutoff))
        shown = [w for w in r.warnings if w is not StaffingWarning.BACKLOG_MISSES_CUTOFF]
        self.warning.setText("\n".join(text(f"warning.{w}", lang) for w in shown))
        self.warning.setVisible(bool(shown))

    def _line(self, key: str, c: Clearance, cutoff: datetime) -> str:
        unknown = text("staffing.unknown", self.lang)
        return text(
            key, self.lang,
            clears=c.clears_at.strftime("%H:%M") if c.clears_at else unknown,
            needed=unknown if c.benches_needed is None else c.benches_needed,
            cutoff=cutoff.strftime("%H:%M"),
        )
