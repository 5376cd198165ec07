"""The packing flow through the real service, on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from packstation.domain.codes import CodeRules
from packstation.domain.orders import OrderStatus
from packstation.domain.shipments import internal_shipment_id
from packstation.domain.verdicts import Verdict
from packstation.importers.records import BarcodeSpec, ImportedLine
from packstation.storage.database import Database
from packstation.storage.tables import Order, PrintJob, ScanEvent
from tests.factories import MUG, TEE, load, order
from tests.integration.helpers import (
    ManualClock,
    count,
    counted_units,
    open_sessions,
    order_row,
    scan_all,
    session_states,
    station,
)

TEE_CODE, SOCKS_CODE, SOCKS_BOX, MUG_CODE = "6901234567892", "6920000000012", "SOCK5P-BOX", \
    "6930000000028"
PENS = ImportedLine("PEN-BLK", "中性笔 黑色", 12,
                    (BarcodeSpec("6940000000010"), BarcodeSpec("PEN-BOX-6", 6)))




# -- opening an order ------------------------------------------------------------------

def test_an_order_number_opens_the_order(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    result = bench.scan("T1001")
    assert result.verdict is Verdict.ORDER_OPENED
    assert result.order_no == "T1001"
    assert bench.box is not None and bench.box.units_required == 3
    assert bench.box.units_packed == 0
    assert len(open_sessions(db)) == 1


def test_a_platform_order_number_opens_the_order(db: Database) -> None:
    load(db, order("T1001")._replace(platform_order_no="TB3987000123456"))
    result = station(db).scan("TB3987000123456")
    assert (result.verdict, result.order_no) == (Verdict.ORDER_OPENED, "T1001")


def test_a_waybill_number_opens_the_order(db: Database) -> None:
    load(db, order("T1001", waybill_no="YT7000000000011"), order("T1002"))
    result = station(db).scan("YT7000000000011\r\n")
    assert (result.verdict, result.order_no) == (Verdict.ORDER_OPENED, "T1001")


def test_a_full_width_order_number_opens_the_order(db: Database) -> None:
    load(db, order("T1001"))
    assert station(db).scan("Ｔ１００１").verdict is Verdict.ORDER_OPENED


def test_an_order_or_waybill_number_typed_with_caps_lock_on_opens_the_order(
        db: Database) -> None:
    load(db, order("T1001"), order("T1002", waybill_no="SF1400000000031"),
         order("ab-7"), order("AB-7"))
    assert station(db, "A").scan("t1001").order_no == "T1001"
    assert station(db, "B").scan("sf1400000000031").order_no == "T1002"
    exact_lower, exact_upper = station(db, "C").scan("ab-7"), station(db, "D").scan("AB-7")
    assert (exact_lower.order_no, exact_upper.order_no) == ("ab-7", "AB-7")  # exact first
    assert [s[2] for s in open_sessions(db)] == ["A", "B", "C", "D"]


def test_an_unknown_order_number_is_not_found_and_opens_nothing(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    result = bench.scan("T9999")
    assert result.verdict is Verdict.NOT_FOUND
    assert bench.box is None and open_sessions(db) == []


def test_a_product_code_with_no_order_open_is_not_found(db: Database) -> None:
    load(db, order("T1001"))
    assert station(db).scan(TEE_CODE).verdict is Verdict.NOT_FOUND


# -- unit verdicts -----------------------------------------------------------------------

def test_packing_every_unit_completes_the_order_with_one_print_job(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    assert scan_all(bench, "T1001", TEE_CODE, SOCKS_CODE) == [
        Verdict.ORDER_OPENED, Verdict.OK, Verdict.OK]
    assert bench.box is not None and bench.box.units_packed == 2
    last = bench.scan(SOCKS_CODE)
    assert last.verdict is Verdict.ORDER_COMPLETE
    assert last.print_job_id is not None
    assert last.box is not None and last.box.units_packed == last.box.units_required == 3
    assert bench.box is None  # the bench is free for the next order
    assert order_row(db, "T1001")[0] == OrderStatus.PACKED
    assert session_states(db) == [("A", "completed")]
    with db.transaction() as conn:
        jobs = conn.execute(select(PrintJob.id, PrintJob.state, PrintJob.reason)).all()
    assert [tuple(j) for j in jobs] == [(last.print_job_id, "pending", "completion")]


def test_a_product_not_in_the_order_is_a_wrong_item_and_not_counted(db: Database) -> None:
    load(db, order("T1001"), order("T1002", MUG))
    bench = station(db)
    bench.scan("T1001")
    result = bench.scan(MUG_CODE)
    assert (result.verdict, result.sku) == (Verdict.WRONG_ITEM, "MUG-01")
    assert bench.box is not None and bench.box.units_packed == 0
    assert counted_units(db) == 0


def test_one_unit_too_many_is_over_quantity_and_not_counted(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    assert scan_all(bench, "T1001", TEE_CODE, TEE_CODE) == [
        Verdict.ORDER_OPENED, Verdict.OK, Verdict.OVER_QUANTITY]
    assert bench.box is not None and bench.box.units_packed == 1
    assert counted_units(db) == 1


def test_every_refused_scan_is_logged_against_the_box_and_never_counted(db: Database) -> None:
    shared = ImportedLine("CAP-RED", "棒球帽 红", 1, (BarcodeSpec("SHARED-1"),))
    twin = ImportedLine("CAP-BLUE", "棒球帽 蓝", 1, (BarcodeSpec("SHARED-1"),))
    load(db, order("T1001", TEE, shared), order("T1002", MUG, twin))
    bench = station(db)
    opened = bench.scan("T1001")
    assert opened.box is not None
    refused = scan_all(bench, TEE_CODE, TEE_CODE, MUG_CODE, "NOPE", "SHARED-1")
    assert refused == [Verdict.OK, Verdict.OVER_QUANTITY, Verdict.WRONG_ITEM,
                       Verdict.UNKNOWN_CODE, Verdict.AMBIGUOUS_CODE]
    with db.transaction() as conn:
        log = conn.execute(select(ScanEvent.session_id, ScanEvent.code, ScanEvent.verdict,
                                  ScanEvent.units, ScanEvent.bench)
                           .order_by(ScanEvent.id)).all()
    session = opened.box.session_id
    assert [tuple(row) for row in log] == [
        (session, "T1001", "order_opened", 0, "A"),
        (session, TEE_CODE, "ok", 1, "A"),
        (session, TEE_CODE, "over_quantity", 0, "A"),
        (session, MUG_CODE, "wrong_item", 0, "A"),
        (session, "NOPE", "unknown_code", 0, "A"),
        (session, "SHARED-1", "ambiguous_code", 0, "A"),
    ]


def test_a_code_nobody_knows_is_unknown_and_logged(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    bench.scan("T1001")
    assert bench.scan("NO-SUCH-CODE-42").verdict is Verdict.UNKNOWN_CODE
    with db.transaction() as conn:
        logged = conn.execute(select(ScanEvent.code, ScanEvent.verdict, ScanEvent.units)
                              .order_by(ScanEvent.id.desc()).limit(1)).one()
    assert tuple(logged) == ("NO-SUCH-CODE-42", "unknown_code", 0)


def test_a_code_on_two_products_is_ambiguous_and_not_counted(db: Database) -> None:
    cap_red = ImportedLine("CAP-RED", "棒球帽 红", 1, (BarcodeSpec("6950000000002"),))
    cap_blue = ImportedLine("CAP-BLUE", "棒球帽 蓝", 1, (BarcodeSpec("6950000000002"),))
    load(db, order("T1001", cap_red), order("T1002", cap_blue))
    bench = station(db)
    bench.scan("T1001")
    result = bench.scan("6950000000002")
    assert result.verdict is Verdict.AMBIGUOUS_CODE
    assert result.candidates == ("CAP-BLUE", "CAP-RED")
    assert counted_units(db) == 0
    assert bench.scan("CAP-RED").verdict is Verdict.ORDER_COMPLETE  # the SKU text settles it


def test_a_caps_lock_flipped_code_matches_when_only_one_product_fits(db: Database) -> None:
    kit = ImportedLine("KIT-1", "工具包", 2, (BarcodeSpec("Kx-77ab"),))
    load(db, order("T1001", kit))
    bench = station(db)
    assert scan_all(bench, "T1001", "kX-77AB", "KX-77AB") == [
        Verdict.ORDER_OPENED, Verdict.OK, Verdict.ORDER_COMPLETE]


def test_a_caps_lock_flipped_code_matching_two_products_is_ambiguous(db: Database) -> None:
    lower = ImportedLine("LBL-LOWER", "标签 小写", 1, (BarcodeSpec("ab-12"),))
    upper = ImportedLine("LBL-UPPER", "标签 大写", 1, (BarcodeSpec("AB-12"),))
    load(db, order("T1001", lower, upper))
    bench = station(db)
    bench.scan("T1001")
    flipped = bench.scan("Ab-12")
    assert flipped.verdict is Verdict.AMBIGUOUS_CODE
    assert flipped.candidates == ("LBL-LOWER", "LBL-UPPER")
    exact = bench.scan("ab-12")  # the exact case is never ambiguous
    assert (exact.verdict, exact.sku) == (Verdict.OK, "LBL-LOWER")
    assert bench.scan("AB-12").verdict is Verdict.ORDER_COMPLETE


def test_a_pack_barcode_counts_its_units(db: Database) -> None:
    load(db, order("T1001", PENS))
    bench = station(db)
    bench.scan("T1001")
    pack = bench.scan("PEN-BOX-6")
    assert (pack.verdict, pack.units) == (Verdict.OK, 6)
    assert scan_all(bench, "6940000000010", "PEN-BOX-6") == [
        Verdict.OK, Verdict.OVER_QUANTITY]  # 7 packed: a box of 6 would make 13
    assert bench.box is not None and bench.box.units_packed == 7
    assert scan_all(bench, *["6940000000010"] * 5) == [Verdict.OK] * 4 + [
        Verdict.ORDER_COMPLETE]
    assert counted_units(db) == 12


def test_a_pack_barcode_larger_than_the_line_is_over_quantity(db: Database) -> None:
    load(db, order("T1001"))  # SOCK-5P: 2 wanted, the box code holds 5
    bench = station(db)
    bench.scan("T1001")
    assert bench.scan(SOCKS_BOX).verdict is Verdict.OVER_QUANTITY
    assert counted_units(db) == 0


def test_the_sku_text_counts_as_one_unit(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    bench.scan("T1001")
    result = bench.scan("SOCK-5P")
    assert (result.verdict, result.sku, result.units) == (Verdict.OK, "SOCK-5P", 1)
    assert scan_all(bench, "sock-5p", TEE.sku) == [Verdict.OK, Verdict.ORDER_COMPLETE]


def test_configured_prefix_and_suffix_are_stripped_before_lookup(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db, rules=CodeRules(strip_prefixes=("SCN:",), strip_suffixes=("#END",)))
    assert scan_all(bench, "SCN:T1001#END", f"SCN:{TEE_CODE}#END\r\n",
                    f"{SOCKS_CODE}#END", f"SCN:{SOCKS_CODE}") == [
        Verdict.ORDER_OPENED, Verdict.OK, Verdict.OK, Verdict.ORDER_COMPLETE]


def test_without_the_rule_a_prefixed_code_is_unknown(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    bench.scan("T1001")
    assert bench.scan(f"SCN:{TEE_CODE}").verdict is Verdict.UNKNOWN_CODE


def test_a_gs1_element_string_counts_as_the_ean13_it_carries(db: Database) -> None:
    load(db, order("T1001", TEE._replace(quantity=3)))
    bench = station(db)
    bench.scan("T1001")
    results = [bench.scan(gs1) for gs1 in (f"]C1010{TEE_CODE}\x1d10LOT7", f"010{TEE_CODE}",
                                           f"(01)0{TEE_CODE}(10)LOT7")]
    assert [(r.verdict, r.sku) for r in results] == [
        (Verdict.OK, TEE.sku), (Verdict.OK, TEE.sku), (Verdict.ORDER_COMPLETE, TEE.sku)]


def test_a_full_width_product_code_counts(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db)
    bench.scan("T1001")
    result = bench.scan("６９０１２３４５６７８９２")
    assert (result.verdict, result.sku) == (Verdict.OK, TEE.sku)


# -- double reads ----------------------------------------------------------------------

def test_the_same_code_inside_the_bounce_window_is_a_duplicate_read(db: Database) -> None:
    load(db, order("T1001"))
    clock = ManualClock(step=1.0)
    bench = station(db, clock=clock)
    bench.scan("T1001")
    assert bench.scan(SOCKS_CODE).verdict is Verdict.OK
    clock.step = 0.05  # the scanner read the same label twice
    assert bench.scan(SOCKS_CODE).verdict is Verdict.DUPLICATE_READ
    assert bench.box is not None and bench.box.units_packed == 1
    clock.step = 0.8  # the packer picks up the second pair and scans it
    assert bench.scan(SOCKS_CODE).verdict is Verdict.OK
    assert bench.box is not None and bench.box.units_packed == 2
    assert counted_units(db) == 2
    with db.transaction() as conn:
        verdicts = conn.scalars(select(ScanEvent.verdict).order_by(ScanEvent.id)).all()
    assert verdicts == ["order_opened", "ok", "duplicate_read", "ok"]


def test_a_double_read_of_the_last_unit_is_not_taken_for_a_new_scan(db: Database) -> None:
    load(db, order("T1001", MUG))
    clock = ManualClock()
    bench = station(db, clock=clock)
    assert scan_all(bench, "T1001", MUG_CODE) == [Verdict.ORDER_OPENED, Verdict.ORDER_COMPLETE]
    clock.step = 0.05
    assert bench.scan(MUG_CODE).verdict is Verdict.DUPLICATE_READ  # not "not_found"
    assert count(db, PrintJob) == 1


def test_the_order_scan_read_twice_opens_once(db: Database) -> None:
    load(db, order("T1001"))
    clock = ManualClock(step=0.02)
    bench = station(db, clock=clock)
    assert scan_all(bench, "T1001", "T1001") == [Verdict.ORDER_OPENED, Verdict.DUPLICATE_READ]
    assert len(open_sessions(db)) == 1


def test_scripted_scans_are_each_a_unit_however_fast(db: Database) -> None:
    load(db, order("T1001"))
    bench = station(db, clock=ManualClock(step=0.0))
    verdicts = [bench.scan(c, live=False).verdict for c in ("T1001", SOCKS_CODE, SOCKS_CODE)]
    assert verdicts == [Verdict.ORDER_OPENED, Verdict.OK, Verdict.OK]


# -- stopped, packed and busy orders ---------------------------------------------------

@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.REFUNDED])
def test_a_cancelled_or_refunded_order_is_intercepted_on_open(db: Database,
                                                              status: OrderStatus) -> None:
    load(db, order("T1001", status=status))
    bench = station(db)
    result = bench.scan("T1001")
    assert (result.verdict, result.intercept_reason) == (Verdict.INTERCEPTED, status.value)
    assert bench.box is None and open_sessions(db) == []


def test_a_packed_order_scanned_again_is_already_packed(db: Database) -> None:
    load(db, order("T1001", MUG))
    bench = station(db)
    assert scan_all(bench, "T1001", MUG_CODE, "T1001") == [
        Verdict.ORDER_OPENED, Verdict.ORDER_COMPLETE, Verdict.ALREADY_PACKED]
    assert station(db, "B").scan("T1001").verdict is Verdict.ALREADY_PACKED
    assert count(db, PrintJob) == 1


def test_a_shipped_order_is_already_packed(db: Database) -> None:
    load(db, order("T1001", status=OrderStatus.SHIPPED))
    assert station(db).scan("T1001").verdict is Verdict.ALREADY_PACKED


def test_an_order_open_at_another_bench_is_in_progress_elsewhere(db: Database) -> None:
    load(db, order("T1001"))
    station(db, "A").scan("T1001")
    other = station(db, "B")
    result = other.scan("T1001")
    assert (result.verdict, result.other_bench) == (Verdict.IN_PROGRESS_ELSEWHERE, "A")
    assert other.box is None
    assert [s[2] for s in open_sessions(db)] == ["A"]


def test_the_same_bench_scanning_its_open_order_again_keeps_one_session(db: Database) -> None:
    load(db, order("T1001"))
    station(db, "A").scan("T1001")
    again = station(db, "A")  # e.g. restarted without resume
    assert again.scan("T1001").verdict is Verdict.ORDER_OPENED
    assert len(open_sessions(db)) == 1


def test_a_cancelled_box_frees_the_order_for_any_bench(db: Database) -> None:
    load(db, order("T1001"))
    first = station(db, "A")
    first.scan("T1001")
    first.cancel_box()
    assert first.box is None
    assert station(db, "B").scan("T1001").verdict is Verdict.ORDER_OPENED
    assert session_states(db) == [("A", "cancelled"), ("B", "open")]


# -- single-item waves -----------------------------------------------------------------

def test_single_item_wave_opens_the_oldest_packable_single_product_order(db: Database) -> None:
    two_mugs = MUG._replace(quantity=2)
    load(db, order("W0-CANCELLED", MUG, status=OrderStatus.CANCELLED))
    load(db, order("W0-MIXED", MUG, TEE))
    load(db, order("W1", two_mugs))
    load(db, order("W2", MUG))
    load(db, order("W3", MUG))
    wave = station(db, single_item_wave=True)
    first = wave.scan(MUG_CODE)
    assert (first.verdict, first.order_no, first.units) == (Verdict.ORDER_OPENED, "W1", 1)
    done = wave.scan(MUG_CODE)
    assert (done.verdict, done.order_no) == (Verdict.ORDER_COMPLETE, "W1")
    assert done.print_job_id is not None
    nxt = wave.scan(MUG_CODE)  # with nothing open, the next mug opens (and fills) W2
    assert (nxt.verdict, nxt.order_no) == (Verdict.ORDER_COMPLETE, "W2")
    other = station(db, "B", single_item_wave=True)
    assert other.scan(MUG_CODE).order_no == "W3"
    assert other.scan(MUG_CODE).verdict is Verdict.NOT_FOUND  # no single-mug order left
    assert order_row(db, "W0-MIXED")[0] == OrderStatus.PAID
    assert order_row(db, "W0-CANCELLED")[0] == OrderStatus.CANCELLED


def test_single_item_wave_opens_an_order_the_scanned_pack_fits(db: Database) -> None:
    load(db, order("W1", PENS._replace(quantity=1)))
    load(db, order("W2", PENS._replace(quantity=6)))
    wave = station(db, single_item_wave=True)
    result = wave.scan("PEN-BOX-6")  # a box of six pens: W1 wants one, W2 wants six
    assert (result.verdict, result.order_no, result.units) == (Verdict.ORDER_COMPLETE, "W2", 6)
    assert open_sessions(db) == []  # W1 was not opened and left behind
    assert wave.scan("6940000000010").order_no == "W1"


def test_single_item_wave_skips_an_order_open_at_another_bench(db: Database) -> None:
    load(db, order("W1", MUG), order("W2", MUG))
    station(db, "A").scan("W1")
    result = station(db, "B", single_item_wave=True).scan(MUG_CODE)
    assert (result.verdict, result.order_no) == (Verdict.ORDER_COMPLETE, "W2")


def test_without_the_wave_setting_a_product_code_opens_nothing(db: Database) -> None:
    load(db, order("W1", MUG))
    assert station(db, single_item_wave=False).scan(MUG_CODE).verdict is Verdict.NOT_FOUND
    assert open_sessions(db) == []


def test_the_internal_shipment_id_on_a_label_opens_its_order(db: Database) -> None:
    load(db, order("T1001", MUG))  # no carrier waybill number: the label carries PS…
    with db.session() as session:
        order_id = session.scalar(select(Order.id).where(Order.order_no == "T1001"))
    assert order_id is not None
    bench = station(db)
    opened = bench.scan(internal_shipment_id(order_id).lower())  # Caps Lock flipped, too
    assert opened.verdict is Verdict.ORDER_OPENED and opened.order_no == "T1001"
    assert bench.scan("PS9999999999").verdict is Verdict.UNKNOWN_CODE  # inside the box
    bench.cancel_box()
    assert station(db, bench="B9").scan("PS9999999999").verdict is Verdict.NOT_FOUND
