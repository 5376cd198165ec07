"""The shift tools' supervisor widgets, offscreen, fed with real domain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from packstation.ui.manifest_view import ManifestView
from packstation.ui.readiness_view import ReadinessView
from packstation.ui.shift_texts import TEXTS, text
from packstation.ui.staffing_tile import StaffingTile
from pytestqt.qtbot import QtBot

from packstation.domain.manifests import ManifestDocument, Parcel, destination_counts
from packstation.domain.readiness import BlockedSku, Problem, ReadinessReport
from packstation.domain.staffing import Backlog, Pace, estimate
from packstation.errors import UserError

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 14, 0, tzinfo=CST)
CUTOFF = datetime(2026, 11, 11, 17, 0, tzinfo=CST)
MARKS = {"beijing": "京", "shanghai": "沪"}


def test_every_text_has_both_languages() -> None:
    assert all(zh and en for zh, en in TEXTS.values())
    assert text("staffing.waiting", "en", waiting=3, priority=1) == "3 orders waiting, 1 priority"


def test_staffing_tile_shows_the_figures_and_warns_when_priority_misses(qtbot: QtBot) -> None:
    tile = StaffingTile(lang="en")
    qtbot.addWidget(tile)
    tile.show()
    tile.set_estimate(estimate(NOW, CUTOFF, Backlog(1200, {"beijing": 120}), Pace(240, 4)))
    assert tile.waiting.text() == "1200 orders waiting, 120 priority"
    assert tile.pace.text() == "last hour: 4 benches, 60.0 orders per bench-hour"
    assert tile.all_orders.text() == "All: clear at 19:00; 7 benches needed by 17:00"
    assert tile.priority.text() == "Priority: clear at 14:30; 1 benches needed by 17:00"
    assert not tile.warning.isVisible()
    tile.set_estimate(estimate(NOW, CUTOFF, Backlog(1200, {"beijing": 800}), Pace(240, 4)))
    assert tile.warning.isVisible()
    assert tile.warning.text() == "Priority orders will miss the cutoff: add benches"


def test_staffing_tile_in_chinese_without_pace(qtbot: QtBot) -> None:
    tile = StaffingTile()
    qtbot.addWidget(tile)
    tile.show()
    tile.set_estimate(estimate(NOW, CUTOFF, Backlog(10, {"shanghai": 2}), Pace(0, 0)))
    assert "需 — 个工作台" in tile.all_orders.text()
    assert "无法估算" in tile.warning.text() and "赶不上截单" in tile.warning.text()


def _report(*skus: str) -> ReadinessReport:
    return ReadinessReport(10, tuple(
        BlockedSku(sku, f"商品 {sku}", (Problem.NO_BARCODE,), (sku,), (), (), (), 10 - i, 1)
        for i, sku in enumerate(skus)
    ))


def test_readiness_view_lists_and_prints_the_selected_skus(qtbot: QtBot) -> None:
    reports = [_report("A-1", "B-2", "C-3"), _report("A-1", "C-3")]
    printed: list[list[str]] = []
    view = ReadinessView(lambda: reports[0], lambda skus: printed.append(list(skus)), lang="en")
    qtbot.addWidget(view)
    assert view.summary.text() == "3 SKUs cannot be scanned, blocking 27 waiting units"
    assert [view.table.item(r, 0).text() for r in range(3)] == ["A-1", "B-2", "C-3"]
    assert view.table.item(0, 2).text() == "no barcode"
    view.table.selectRow(1)
    reports.pop(0)
    with qtbot.waitSignal(view.labels_requested) as signal:
        view.print_button.click()
    assert printed == [["B-2"]] and signal.args == [["B-2"]]
    assert view.table.rowCount() == 2  # refreshed after printing


def _doc(number: str | None) -> ManifestDocument:
    at = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
    parcels = (Parcel(1, "O1", "YT1", "北京市", "北京市", "beijing", at),
               Parcel(2, "O2", "YT2", "四川省", "成都市", None, at))
    left = (Parcel(3, "O3", "YT3", "上海市", "上海市", "shanghai", at, "refunded"),)
    return ManifestDocument(number, "YTO", "圆通速递", None, None, at, "boss" if number else None,
                            parcels, left, destination_counts(parcels, MARKS), MARKS)


def test_manifest_view_shows_the_draft_and_closes_it(qtbot: QtBot) -> None:
    saved: list[ManifestDocument] = []
    view = ManifestView(["YTO", "SF"], lambda c: _doc(None), lambda c: _doc("MF1"),
                        saved.append, lang="en")
    qtbot.addWidget(view)
    assert view.status.text() == "Draft: 2 parcels to hand over, 1 left off"
    assert [view.table.item(r, 0).text() for r in range(2)] == ["京", ""]
    assert view.table.item(0, 1).text() == "北京市"
    assert view.table.item(1, 1).text() == "四川省成都市"
    assert view.left_off.item(0).text() == "YT3  O3  refunded"
    with qtbot.waitSignal(view.closed) as signal:
        view.close_button.click()
    assert signal.args == ["MF1"]
    assert view.status.text() == "Manifest MF1 closed: 2 parcels, 1 left off"
    view.save_button.click()
    assert saved and saved[0].manifest_no == "MF1"


def test_manifest_view_says_why_closing_failed(qtbot: QtBot) -> None:
    def refuse(carrier: str) -> ManifestDocument:
        raise UserError("承运商 SF 没有待交接的包裹", "no parcels are waiting for SF")

    view = ManifestView(["SF"], lambda c: _doc(None), refuse)
    qtbot.addWidget(view)
    view.close_button.click()
    assert view.status.text() == "承运商 SF 没有待交接的包裹"
