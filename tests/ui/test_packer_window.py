"""The packer window driven like a bench: scanner bursts with real key timing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from packstation.ui.bench_app import Bench
from packstation.ui.bench_controller import ScanReport
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.domain.commands import Command, command_code
from packstation.domain.verdicts import Verdict
from packstation.importers.records import BarcodeSpec, ImportedLine, OrderStatus
from packstation.storage.database import Database
from packstation.storage.tables import Order, PrintJob, ScanEvent
from tests.factories import MUG, SOCKS, TEE, load, order
from tests.ui.conftest import HUMAN_MS, WAIT_MS, Printers, scan, type_keys

SIX_PACK = ImportedLine(
    "WATER-6", "矿泉水 六瓶装", 6, (BarcodeSpec("6940000000010"), BarcodeSpec("WATER6-BOX", 6))
)
TWIN_A = ImportedLine("TWIN-A", "双胞胎 A", 1, (BarcodeSpec("6950000000019"),))
TWIN_B = ImportedLine("TWIN-B", "双胞胎 B", 1, (BarcodeSpec("6950000000019"),))
OpenBench = Callable[..., Bench]


def verdict(shown: Any) -> str:
    assert isinstance(shown, ScanReport), shown
    return shown.last.verdict.value


def verdicts_in_db(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(ScanEvent.verdict).order_by(ScanEvent.id)))


def test_a_normal_order_is_packed_and_its_label_printed_and_previewed(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database], printers: Printers
) -> None:
    _url, db = db_file
    load(db, order("T1", TEE, SOCKS))
    bench = open_bench()
    window = bench.window
    assert window.banner.headline == "Scan an order or waybill number"

    assert verdict(scan(qtbot, bench, "T1")) == "order_opened"
    assert window.order_view.next_line() == 0
    assert window.last_cue == "priority"  # 杭州 is a priority city
    assert window.destination.mark == "杭"
    assert verdict(scan(qtbot, bench, "6901234567892")) == "ok"
    assert window.banner.headline == "1/3 correct"
    assert window.banner.next_step == "Scan the next unit: 运动袜 五双装"
    assert window.order_view.next_line() == 1
    assert verdict(scan(qtbot, bench, "6920000000012")) == "ok"
    QTest.qWait(350)  # past the bounce window: a second unit, not a double read
    assert verdict(scan(qtbot, bench, "6920000000012")) == "order_complete"
    assert window.banner.headline == "Order T1 complete: printing"
    assert window.last_cue == "complete"

    qtbot.waitUntil(lambda: window.preview.image is not None, timeout=WAIT_MS)
    printed = printers.transport().printed_labels
    assert len(printed) == 1
    assert window.preview.image.width() == printed[0].image.width  # the bitmap sent
    with db.session() as session:
        assert session.scalar(select(PrintJob.state)) == "printed"
    assert verdicts_in_db(db) == ["order_opened", "ok", "ok", "order_complete"]


def test_a_pack_barcode_and_the_quantity_command_count_several_units(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("P1", SIX_PACK, TEE), order("P2", SIX_PACK))
    bench = open_bench()
    scan(qtbot, bench, "P1")
    assert verdict(scan(qtbot, bench, "WATER6-BOX")) == "ok"
    assert bench.window.banner.headline == "6/7 correct"
    assert verdict(scan(qtbot, bench, "6901234567892")) == "order_complete"

    scan(qtbot, bench, "P2")
    assert scan(qtbot, bench, command_code(Command.QUANTITY, 5)) == "command:qty"
    shown = scan(qtbot, bench, "6940000000010")
    assert [r.verdict for r in shown.results] == [Verdict.OK] * 5
    assert bench.window.banner.headline == "5/6 correct"
    QTest.qWait(350)
    assert verdict(scan(qtbot, bench, "6940000000010")) == "order_complete"


def test_a_wrong_item_and_one_too_many_are_refused_in_words(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("W1", TEE, SOCKS), order("M0", MUG))
    bench = open_bench()
    scan(qtbot, bench, "W1")
    assert verdict(scan(qtbot, bench, "6930000000028")) == "wrong_item"
    window = bench.window
    assert window.banner.headline == "Wrong item: MUG-01 is not in this order"
    assert window.banner.next_step.startswith("Take it out.")
    assert window.last_cue == "error"
    assert window.banner.tone.icon == "cross"
    scan(qtbot, bench, "6901234567892")
    QTest.qWait(350)
    assert verdict(scan(qtbot, bench, "6901234567892")) == "over_quantity"
    assert window.banner.headline == "Too many: 纯棉T恤 红色 M is already complete"


def test_an_unknown_code_is_shown_as_received_with_control_characters_visible(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("U1", TEE))
    bench = open_bench()
    scan(qtbot, bench, "U1")
    target = bench.window
    with qtbot.waitSignal(bench.window.verdict_shown, timeout=WAIT_MS) as shown:
        for ch in "AB\x1dC9":  # GS1's group separator inside a scanner burst
            QApplication.sendEvent(
                target, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
            )
            QTest.qWait(3)
        QTest.keyClick(target, Qt.Key.Key_Return)
    assert verdict(shown.args[0]) == "unknown_code"
    assert bench.window.banner.next_step == "Code not recognised: AB<0x1D>C9"


def test_a_code_of_two_products_is_ambiguous(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("A1", TWIN_A, TWIN_B))
    bench = open_bench()
    scan(qtbot, bench, "A1")
    shown = scan(qtbot, bench, "6950000000019")
    assert verdict(shown) == "ambiguous_code"
    assert bench.window.banner.next_step == "TWIN-A / TWIN-B"
    assert bench.window.banner.tone.icon == "warn"


def test_an_unclear_destination_is_confirmed_before_the_label_prints(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database], printers: Printers
) -> None:
    _url, db = db_file
    load(db, order("D1", TEE, address="朝阳区 建国路 88号"))
    bench = open_bench()
    window = bench.window
    scan(qtbot, bench, "D1")
    assert window.choice is not None and window.choice_panel.isVisible()
    assert scan(qtbot, bench, "6901234567892") == "refused:choose"  # nothing counted yet
    names = [city for _p, city in window.choice.candidates]
    beijing = names.index("北京市") + 1
    scan(qtbot, bench, command_code(Command.CHOOSE, beijing))
    assert window.picked == beijing
    with qtbot.waitSignal(window.verdict_shown, timeout=WAIT_MS):
        scan(qtbot, bench, command_code(Command.CONFIRM))
    qtbot.waitUntil(lambda: window.choice is None, timeout=WAIT_MS)
    assert window.destination.mark == "京"
    assert verdict(scan(qtbot, bench, "6901234567892")) == "order_complete"
    with db.session() as session:
        stored = session.scalar(select(Order).where(Order.order_no == "D1"))
        assert (stored.city, stored.priority, stored.address_ambiguous) == (
            "北京市",
            "beijing",
            False,
        )
        assert stored.destination_confirmed_by == "packer1"
    qtbot.waitUntil(lambda: len(printers.transport().printed_labels) == 1, timeout=WAIT_MS)


def test_an_intercepted_order_stops_the_screen_until_acknowledged(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("R1", TEE, status=OrderStatus.REFUNDED), order("OK1", TEE))
    bench = open_bench()
    window = bench.window
    assert verdict(scan(qtbot, bench, "R1")) == "intercepted"
    assert window.stop_sign.isVisible()
    assert window.stop_sign.reason == "Order refunded"
    assert window.last_cue == "intercept"
    assert scan(qtbot, bench, "OK1") == "refused:stopped"
    assert window.stop_sign.isVisible()
    assert scan(qtbot, bench, command_code(Command.ACKNOWLEDGE)) == "command:ack"
    assert not window.stop_sign.isVisible()
    assert verdict(scan(qtbot, bench, "OK1")) == "order_opened"


def test_the_zh_stop_sign_says_do_not_ship_refunded(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("R2", TEE, status=OrderStatus.REFUNDED))
    bench = open_bench(lang="zh")
    scan(qtbot, bench, "R2")
    sign = bench.window.stop_sign
    assert f"{sign.title}：{sign.reason}" == "不要发货：订单已退款"


def test_a_unit_right_after_its_box_completed_is_an_extra_unit(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("X1", TEE))
    bench = open_bench()
    scan(qtbot, bench, "X1")
    scan(qtbot, bench, "6901234567892")
    QTest.qWait(350)  # past the bounce window: a second unit, not a double read
    shown = scan(qtbot, bench, "6901234567892")
    assert shown.extra_of == "X1"
    assert bench.window.banner.headline.startswith("Extra unit: order X1")


def test_printer_out_of_paper_then_refilled_prints_the_queued_label(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database], printers: Printers
) -> None:
    _url, db = db_file
    load(db, order("F1", TEE))
    bench = open_bench()
    window = bench.window
    qtbot.waitUntil(lambda: "mock" in printers.made, timeout=WAIT_MS)
    printers.transport().set_fault("paper_end")
    scan(qtbot, bench, "F1")
    assert verdict(scan(qtbot, bench, "6901234567892")) == "order_complete"
    qtbot.waitUntil(lambda: window.printer_fault is not None, timeout=WAIT_MS)
    assert window.printer_lamp.state == "paper out"
    assert window.banner.headline.startswith("Printer fault")
    assert window.banner.next_step.startswith("Fix the printer")
    with db.session() as session:
        assert session.scalar(select(PrintJob.state)) == "failed"
    assert printers.transport().printed_labels == []

    printers.transport().set_fault(None)
    qtbot.waitUntil(lambda: len(printers.transport().printed_labels) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.printer_lamp.state == "ready", timeout=WAIT_MS)
    with db.session() as session:
        assert session.scalar(select(PrintJob.state)) == "printed"


def test_a_restart_mid_box_comes_back_with_exactly_the_committed_scans(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("S1", TEE, SOCKS))
    first = open_bench()
    scan(qtbot, first, "S1")
    scan(qtbot, first, "6920000000012")
    first.close()

    second = open_bench()
    box = second.window.box
    assert box is not None and box.order_no == "S1"
    assert [(ln.sku, ln.packed) for ln in box.lines] == [("TEE-RED-M", 0), ("SOCK-5P", 1)]
    assert second.window.order_view.next_line() == 0
    scan(qtbot, second, "6901234567892")
    assert verdict(scan(qtbot, second, "6920000000012")) == "order_complete"


def test_typing_by_hand_reaches_the_field_and_is_not_a_scan(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    bench = open_bench(packer="")
    window = bench.window
    panel = window.pin_panel
    assert panel.isVisible()
    panel.name.setFocus()
    shown: list[object] = []
    window.verdict_shown.connect(shown.append)
    type_keys(panel.name, "packer1", HUMAN_MS)
    QTest.qWait(150)
    assert panel.name.text() == "packer1"
    panel.pin.setFocus()
    type_keys(panel.pin, "0000", HUMAN_MS)
    QTest.qWait(150)
    with qtbot.waitSignal(window.verdict_shown, timeout=WAIT_MS) as done:
        QTest.keyClick(panel.pin, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, HUMAN_MS)
    assert done.args[0] == "done:login"
    assert window.packer == "packer1"
    assert not panel.isVisible()
    assert verdicts_in_db(db) == []
    assert [s for s in shown if isinstance(s, ScanReport)] == []


def test_a_burst_into_a_text_field_is_a_scan_not_text(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, _db = db_file
    bench = open_bench(packer="")
    panel = bench.window.pin_panel
    panel.name.setFocus()
    shown = scan(qtbot, bench, "PSBADGE-packer1")  # a badge scanned at the sign-in screen
    assert shown == "failed:login"  # no badge service in this test's bench
    assert panel.name.text() == ""


def test_a_burst_never_triggers_a_shortcut_or_a_button(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("K1", TEE))
    bench = open_bench(packer="")
    window = bench.window
    fired: list[str] = []
    shortcut = QShortcut(QKeySequence("K"), window)
    shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
    shortcut.activated.connect(lambda: fired.append("shortcut"))
    window.pin_panel.button.clicked.connect(lambda: fired.append("button"))
    window.pin_panel.button.setFocus()
    scan(qtbot, bench, "K1")
    assert fired == []


def test_an_input_method_cannot_swallow_or_garble_a_burst(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    _url, db = db_file
    load(db, order("I1", TEE))
    bench = open_bench(packer="")
    bench.window.pin_panel.name.setFocus()
    bench.controller.set_packer("packer1")
    bench.window.packer = "packer1"
    target = bench.window.pin_panel.name
    with qtbot.waitSignal(bench.window.verdict_shown, timeout=WAIT_MS) as shown:
        for ch in "ｉ１":  # a Chinese IME in full-width mode commits full-width characters
            pre = QInputMethodEvent("i" if ch == "ｉ" else "", [])
            QApplication.sendEvent(target, pre)  # pre-edit noise
            commit = QInputMethodEvent("", [])
            commit.setCommitString(ch)
            QApplication.sendEvent(target, commit)
            QTest.qWait(3)
        QApplication.sendEvent(
            target,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
        )
    assert verdict(shown.args[0]) == "order_opened"  # "ｉ１" -> "i1" -> order I1
    assert target.text() == ""


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_window_repaints_while_the_database_is_locked(
    qtbot: QtBot, open_bench: OpenBench, db_file: tuple[str, Database]
) -> None:
    url, db = db_file
    load(db, order("L1", TEE))
    bench = open_bench()
    window = bench.window
    counter = _PaintCounter()
    window.db_lamp.installEventFilter(counter)
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer (an import) holds the write lock
    try:
        target = window
        type_keys(target, "L1", 3)
        QTest.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 3)
        qtbot.waitUntil(lambda: window.db_lamp.state == "busy…", timeout=WAIT_MS)
        painted = counter.count
        window.set_language("zh")  # the window still answers and redraws
        qtbot.waitUntil(lambda: counter.count > painted, timeout=WAIT_MS)
        assert bench.controller.pending == 1  # the scan is still waiting for the lock
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    qtbot.waitUntil(lambda: bench.controller.pending == 0, timeout=WAIT_MS)
    assert window.box is not None and window.box.order_no == "L1"
    assert window.db_lamp.state == "正常"
