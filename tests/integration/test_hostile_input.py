"""Bad and hostile input, in scans and in imported files: a clear verdict, nothing but the log.

Every scan below must be answered with a verdict (never an exception), and the only row it
may leave behind is its own scan event.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.bootstrap import classifier
from packstation.domain.verdicts import Verdict
from packstation.importers import parse_files
from packstation.importers.records import BarcodeSpec, ImportedLine
from packstation.services.importing import import_parsed
from packstation.services.packing import RAW_KEPT, PackingStation
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Order, OrderLine, Product, ScanEvent
from tests.factories import load, order
from tests.integration.helpers import row_counts, station

HOSTILE_SCANS: dict[str, str] = {  # name -> what the scanner (or a paste) sent
    "empty": "",
    "whitespace-only": "   \r\n",
    "10kB-scan": "6" * 10 * 1024,
    "one-past-max-length": "A" * 129,
    "nul": "\x00",
    "nul-inside": "69\x0001234\x00",
    "control-characters": "\x01\x02\x03\x04\x1b[2J\x7f",
    "terminal-escape": "\x1b]0;pwned\x07",
    "sql-drop": "'; DROP TABLE orders; --",
    "sql-or-double-quote": '" OR 1=1',
    "sql-or-single-quote": "' OR '1'='1",
    "like-percent": "%",
    "like-underscore": "_",
    "like-underscore-near-an-order-number": "T100_",
    "like-percent-after-a-prefix": "T%",
    "backslash": "\\",
    "escaped-looking-text": "\\x00\\'\\\"",
    "real-code-plus-comment": "6901234567892'--",
    "right-to-left-override": "\u202eT1001",
    "undecodable-argv-bytes": "\udcff\udcfe",
    "emoji": "😀📦",
}


def _assert_only_the_scan_event_was_stored(db: Database, before: dict[str, int],
                                           scans: int = 1) -> None:
    after = row_counts(db)
    assert after.pop("scan_events") == before.pop("scan_events") + scans
    after.pop("scan_tallies"), before.pop("scan_tallies")  # a trigger counts each scan there
    assert after == before


def _last_event(db: Database) -> tuple[str, str, str, int]:
    with db.transaction() as conn:
        row = conn.execute(select(ScanEvent.raw_code, ScanEvent.code, ScanEvent.verdict,
                                  ScanEvent.units).order_by(ScanEvent.id.desc()).limit(1)).one()
    return row.raw_code, row.code, row.verdict, row.units


@pytest.fixture
def loaded(db: Database) -> Database:
    load(db, order("T1001"), order("T1002", waybill_no="YT1"))
    return db


def test_every_hostile_scan_with_no_order_open_is_not_found(loaded: Database) -> None:
    bench = station(loaded)
    for name, raw in HOSTILE_SCANS.items():
        before = row_counts(loaded)
        result = bench.scan(raw)
        assert result.verdict is Verdict.NOT_FOUND, name
        assert bench.box is None, name
        _assert_only_the_scan_event_was_stored(loaded, before)
        stored_raw, code, verdict, units = _last_event(loaded)
        assert (code, verdict, units) == (result.code, "not_found", 0), name
        assert len(stored_raw) <= RAW_KEPT, name


def test_every_hostile_scan_into_an_open_box_is_an_unknown_code(loaded: Database) -> None:
    bench = station(loaded)
    bench.scan("T1001")
    for name, raw in HOSTILE_SCANS.items():
        before = row_counts(loaded)
        result = bench.scan(raw)
        assert (result.verdict, result.units) == (Verdict.UNKNOWN_CODE, 0), name
        assert bench.box is not None and bench.box.units_packed == 0, name
        _assert_only_the_scan_event_was_stored(loaded, before)
    verdicts = [bench.scan(code).verdict for code in
                ("6901234567892", "6920000000012", "6920000000012")]
    assert verdicts == [Verdict.OK, Verdict.OK, Verdict.ORDER_COMPLETE]  # the box still works


def test_the_log_keeps_what_was_scanned_readable(loaded: Database) -> None:
    bench = station(loaded)
    bench.scan("ab\x00cd\udcff" + "x" * 2000)
    stored_raw, code, _verdict, _units = _last_event(loaded)
    assert stored_raw.startswith("ab\u2400cd")
    assert "cd" in stored_raw and len(stored_raw) <= RAW_KEPT
    assert code == ""  # too long to be a barcode


def test_the_tables_survive_sql_in_scans(loaded: Database) -> None:
    bench = station(loaded)
    for raw in ("'; DROP TABLE orders; --", "'; DELETE FROM order_lines; --",
                "1; UPDATE orders SET status='cancelled'"):
        bench.scan(raw)
    result = bench.scan("T1001")
    assert result.verdict is Verdict.ORDER_OPENED
    assert result.box is not None and result.box.units_required == 3


# -- hostile imported fields -----------------------------------------------------------

NASTY_ORDER_NO = "O'Brien-1;--"
NASTY_SKU = 'SKU\'"%_\\;--'
NASTY_CODE = "BC_%'\\1"
NASTY_RECIPIENT = "Robert'); DROP TABLE orders;--"
NASTY_ADDRESS = '浙江省 杭州市 西湖区 " OR 1=1 -- 100%_路 \\ 9号'
NASTY_TITLE = "<script>alert(1)</script> ' OR ''='"


def _nasty_line(quantity: int = 2) -> ImportedLine:
    return ImportedLine(NASTY_SKU, NASTY_TITLE, quantity, (BarcodeSpec(NASTY_CODE),))


def test_hostile_imported_fields_are_stored_exactly_and_pack_normally(db: Database) -> None:
    load(db, order(NASTY_ORDER_NO, _nasty_line(), address=NASTY_ADDRESS,
                   recipient=NASTY_RECIPIENT, waybill_no="%"))
    with db.transaction() as conn:
        stored = conn.execute(select(Order.order_no, Order.recipient, Order.address,
                                     Order.waybill_no)).one()
        line = conn.execute(select(OrderLine.sku, OrderLine.title)).one()
        codes = set(conn.scalars(select(Barcode.code)))
    assert tuple(stored) == (NASTY_ORDER_NO, NASTY_RECIPIENT, NASTY_ADDRESS, "%")
    assert tuple(line) == (NASTY_SKU, NASTY_TITLE)
    assert codes == {NASTY_SKU, NASTY_CODE}

    bench = station(db)
    opened = bench.scan(NASTY_ORDER_NO)
    assert opened.verdict is Verdict.ORDER_OPENED
    assert opened.box is not None and opened.box.recipient == NASTY_RECIPIENT
    assert bench.scan("BCX%'\\1").verdict is Verdict.UNKNOWN_CODE  # `_` is no wildcard
    assert bench.scan("BC_%'\\").verdict is Verdict.UNKNOWN_CODE  # nor is `%`
    assert bench.scan(NASTY_CODE).verdict is Verdict.OK
    assert bench.scan(NASTY_SKU).verdict is Verdict.ORDER_COMPLETE


def test_a_percent_waybill_number_is_no_wildcard(db: Database) -> None:
    load(db, order("T1001", waybill_no="%"), order("T1002", waybill_no="YT_2"))
    assert station(db).scan("YTX2").verdict is Verdict.NOT_FOUND
    assert station(db, "B").scan("%").order_no == "T1001"


def test_hostile_fields_in_an_order_file_import_cleanly(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    header = ["order_no", "platform", "status", "recipient", "phone", "address", "province",
              "city", "district", "carrier", "waybill_no", "sku", "title", "qty", "barcodes"]
    rows = [
        [NASTY_ORDER_NO, "taobao", "paid", "张\x00伟\x07" + NASTY_RECIPIENT, "138'0000",
         NASTY_ADDRESS + "\x1b[31m", "", "", "", "YTO", "YT'1", NASTY_SKU,
         NASTY_TITLE + "\x00", "2", f"{NASTY_CODE}|BOX\\'6*2"],
        ["x'; DROP TABLE orders; --", "jd", "paid", '" OR 1=1', "1", "北京市 朝阳区 %",
         "", "", "", "SF", "", "_", "%", "1", "\\"],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    (parsed,) = parse_files([path])
    assert parsed.problems == []
    summary = import_parsed(db, parsed, classifier())
    assert (summary.orders_created, summary.lines) == (2, 2)

    with db.transaction() as conn:
        orders = {r.order_no: r for r in conn.execute(
            select(Order.order_no, Order.recipient, Order.address))}
        skus = set(conn.scalars(select(Product.sku)))
    assert set(orders) == {NASTY_ORDER_NO, "x'; DROP TABLE orders; --"}
    first = orders[NASTY_ORDER_NO]
    assert "\x00" not in first.recipient and "\x07" not in first.recipient
    assert NASTY_RECIPIENT in first.recipient
    assert "\x1b" not in first.address
    assert skus == {NASTY_SKU, "_"}

    bench = station(db)
    assert bench.scan("x'; DROP TABLE orders; --").verdict is Verdict.ORDER_OPENED
    assert bench.scan("\\").verdict is Verdict.ORDER_COMPLETE
    other = station(db, "B")
    assert [other.scan(c).verdict for c in (NASTY_ORDER_NO, "BOX\\'6")] == [
        Verdict.ORDER_OPENED, Verdict.ORDER_COMPLETE]


def test_the_same_hostile_file_imported_twice_creates_nothing(db: Database) -> None:
    records = (order(NASTY_ORDER_NO, _nasty_line(), address=NASTY_ADDRESS,
                     recipient=NASTY_RECIPIENT),)
    load(db, *records)
    before = row_counts(db)
    assert load(db, *records).orders_unchanged == 1
    assert row_counts(db) == before


def test_an_unknown_order_leaves_a_bench_that_still_works(db: Database) -> None:
    load(db, order("T1001"))
    bench: PackingStation = station(db)
    before = row_counts(db)
    assert [bench.scan(c).verdict for c in ("T9999", "t1001x", "T1001 X")] == [
        Verdict.NOT_FOUND] * 3
    _assert_only_the_scan_event_was_stored(db, before, scans=3)
    assert bench.scan("T1001").verdict is Verdict.ORDER_OPENED
