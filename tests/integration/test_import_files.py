"""Order files end to end: files written here → `import_files` → database → bench.

Every format and encoding the importers accept, on SQLite and PostgreSQL, through the
same call the CLI and the GUI use (parse, address classification, one transaction per
file). Then what a sale does to those files: downloaded again and again while buyers
cancel, get refunds or change addresses, and what the bench does with the changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from packstation.bootstrap import classifier
from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.services import bulk, order_store
from packstation.services.importing import ImportSummary, import_files
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Order, OrderLine, Product
from tests.importers.conftest import GENERIC_HEADER, csv_text, generic_row
from tests.importers.platforms import (
    JD_HEADER,
    PDD_HEADER,
    TAOBAO_ITEMS_NEW,
    TAOBAO_ITEMS_OLD,
    TAOBAO_ORDERS_NEW,
    TAOBAO_ORDERS_OLD,
    jd_line,
    pdd_order,
    rows_for,
    taobao_item,
    taobao_order,
)
from tests.integration.helpers import row_counts, station

Rows = list[list[Any]]
# order_no -> (status, priority, sorted (sku, qty) lines)
Expected = dict[str, tuple[str, str | None, list[tuple[str, int]]]]
SHANGHAI = "上海 上海市 浦东新区 张江路 88号 ***(201203)"
CHENGDU = "四川省 成都市 武侯区 人民南路 4号 ***(610041)"


def write(path: Path, rows: Rows, encoding: str = "utf-8") -> Path:
    """A CSV as the back-ends write it (CRLF), or an XLSX for a `.xlsx` name."""
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        path.write_bytes(csv_text(rows).encode(encoding))
    return path


def run(db: Database, *paths: Path, dry_run: bool = False) -> ImportSummary:
    return import_files(db, list(paths), classifier(db), dry_run=dry_run)


def stored(db: Database) -> Expected:
    with db.transaction() as conn:
        orders = {r.id: r for r in conn.execute(select(Order.id, Order.order_no, Order.status,
                                                            Order.priority))}
        lines: dict[int, list[tuple[str, int]]] = {}
        for oid, sku, qty in conn.execute(select(OrderLine.order_id, OrderLine.sku,
                                                 OrderLine.quantity)):
            lines.setdefault(oid, []).append((sku, qty))
    return {o.order_no: (o.status, o.priority, sorted(lines.get(i, []))) for i, o in
            orders.items()}


def orders_table(db: Database) -> list[tuple[Any, ...]]:
    """Every order row in full: what a dry run must leave exactly as it was."""
    with db.transaction() as conn:
        return [tuple(r) for r in conn.execute(select(Order).order_by(Order.id))]


# -- one file per format and encoding ---------------------------------------------


def taobao_pair(tmp: Path, new: bool, encoding: str) -> list[Path]:
    orders_header, items_header = ((TAOBAO_ORDERS_NEW, TAOBAO_ITEMS_NEW) if new
                                   else (TAOBAO_ORDERS_OLD, TAOBAO_ITEMS_OLD))
    a, b = "3400000000000000001", "3400000000000000002"
    orders = rows_for(orders_header, [
        taobao_order(a, 收货地址=SHANGHAI),
        taobao_order(b, 收货地址=CHENGDU, 订单状态="交易关闭", 订单关闭原因="买家申请退款"),
    ])
    items = rows_for(items_header, [
        taobao_item(a, "TEE-RED-M", new=new),
        taobao_item(a, "SOCK-5P", qty="2", new=new),
        taobao_item(b, "MUG-01", new=new, 订单状态="交易关闭"),
    ])
    return [write(tmp / "ExportOrderList202611110930.csv", orders, encoding),
            write(tmp / "ExportOrderDetailList202611110930.csv", items, encoding)]


TAOBAO_EXPECTED: Expected = {
    "3400000000000000001": ("paid", "shanghai", [("SOCK-5P", 2), ("TEE-RED-M", 1)]),
    "3400000000000000002": ("refunded", None, [("MUG-01", 1)]),
}


def jd_file(tmp: Path, encoding: str) -> list[Path]:
    rows = rows_for(JD_HEADER, [
        jd_line("280000000001", "MUG-01", qty="2"),
        jd_line("280000000001", "CABLE-C"),
        jd_line("280000000002", "TEE-RED-M", 订单状态="已取消", 客户地址="四川成都市武侯区 1号"),
    ])
    return [write(tmp / "jd_orders.csv", rows, encoding)]


def pdd_file(tmp: Path, encoding: str) -> list[Path]:
    rows = rows_for(PDD_HEADER, [
        pdd_order("261122-000000001", "SOCK-5P", qty="3"),
        pdd_order("261122-000000002", "TEE-RED-M", 售后状态="退款成功", 省="四川省",
                  市="成都市", 区="武侯区"),
    ])
    return [write(tmp / "pdd_orders.csv", rows, encoding)]


def generic_file(tmp: Path, encoding: str, suffix: str = ".csv") -> list[Path]:
    rows: Rows = [list(GENERIC_HEADER),
                  generic_row("G1", sku="TEE-RED-M", barcodes="6901234567892"),
                  generic_row("G1", sku="SOCK-5P", qty="2",
                              barcodes="6920000000012|SOCK5P-BOX*5"),
                  generic_row("G2", status="cancelled", address="北京市 朝阳区 建国路 1号",
                              sku="MUG-01", barcodes="6930000000028"),
                  generic_row("G3", address="四川省 成都市 武侯区 人民南路 4号",
                              sku="MUG-01", barcodes="")]
    return [write(tmp / f"orders{suffix}", rows, encoding)]


CASES: dict[str, tuple[Callable[[Path], list[Path]], Expected]] = {
    "taobao-old-gbk": (lambda t: taobao_pair(t, new=False, encoding="gbk"), TAOBAO_EXPECTED),
    "taobao-new-utf8-bom": (lambda t: taobao_pair(t, new=True, encoding="utf-8-sig"),
                            TAOBAO_EXPECTED),
    "jd-gbk": (lambda t: jd_file(t, "gbk"), {
        "280000000001": ("paid", "guangzhou", [("CABLE-C", 1), ("MUG-01", 2)]),
        "280000000002": ("cancelled", None, [("TEE-RED-M", 1)]),
    }),
    "pdd-gb18030": (lambda t: pdd_file(t, "gb18030"), {
        "261122-000000001": ("paid", "shenzhen", [("SOCK-5P", 3)]),
        "261122-000000002": ("refunded", None, [("TEE-RED-M", 1)]),
    }),
    **{f"generic-{name}": (lambda t, e=encoding, s=suffix: generic_file(t, e, s), {
        "G1": ("paid", "hangzhou", [("SOCK-5P", 2), ("TEE-RED-M", 1)]),
        "G2": ("cancelled", "beijing", [("MUG-01", 1)]),
        "G3": ("paid", None, [("MUG-01", 1)]),
    }) for name, encoding, suffix in (("utf8", "utf-8", ".csv"), ("bom", "utf-8-sig", ".csv"),
                                      ("gbk", "gbk", ".csv"), ("xlsx", "", ".xlsx"))},
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_format_stores_its_orders_and_the_same_file_twice_creates_nothing(
        db: Database, tmp_path: Path, case: str) -> None:
    make, expected = CASES[case]
    paths = make(tmp_path)
    first = run(db, *paths)
    assert first.rejected == []
    assert (first.orders_created, first.orders_updated) == (len(expected), 0)
    assert first.lines == sum(len(v[2]) for v in expected.values())
    assert stored(db) == expected
    with db.transaction() as conn:
        skus = set(conn.scalars(select(Product.sku)))
    assert skus == {sku for *_, lines in expected.values() for sku, _ in lines}

    before = row_counts(db)
    again = run(db, *paths)
    assert (again.orders_created, again.orders_updated, again.orders_intercepted,
            again.lines) == (0, 0, 0, 0)
    assert again.orders_unchanged == len(expected)
    assert row_counts(db) == before
    assert stored(db) == expected


def test_generic_barcodes_and_pack_sizes_reach_the_bench(db: Database, tmp_path: Path) -> None:
    run(db, *generic_file(tmp_path, "utf-8"))
    with db.transaction() as conn:
        codes = {(c, u) for c, u in conn.execute(select(Barcode.code, Barcode.units))}
    assert {("6901234567892", 1), ("SOCK5P-BOX", 5), ("MUG-01", 1)} <= codes
    bench = station(db)
    assert [bench.scan(c).verdict for c in ("G1", "6901234567892", "6920000000012",
                                            "6920000000012")] == [
        Verdict.ORDER_OPENED, Verdict.OK, Verdict.OK, Verdict.ORDER_COMPLETE]
    assert station(db, "B").scan("G2").verdict is Verdict.INTERCEPTED  # imported cancelled


def test_later_files_add_their_orders_beside_the_earlier_ones(
        db: Database, tmp_path: Path) -> None:
    """New rows get ids after the ones already stored, and every line its own order."""
    expected: Expected = {}
    for case in ("generic-utf8", "jd-gbk", "pdd-gb18030", "taobao-old-gbk"):
        make, of_case = CASES[case]
        directory = tmp_path / case
        directory.mkdir()
        summary = run(db, *make(directory))
        assert (summary.orders_created, summary.rejected) == (len(of_case), [])
        expected.update(of_case)
        assert stored(db) == expected
    bench = station(db)
    assert [bench.scan(c).verdict for c in ("261122-000000001", "SOCK-5P", "SOCK-5P",
                                            "SOCK-5P")] == [
        Verdict.ORDER_OPENED, Verdict.OK, Verdict.OK, Verdict.ORDER_COMPLETE]


# -- re-downloads during a sale ---------------------------------------------------

STARTED_REFUND, PACKED_CANCEL, QUIET_MOVE = "3400000000000000011", "3400000000000000012", \
    "3400000000000000013"
STARTED_LINES, STARTED_SAME, PACKED_MOVE = "3400000000000000014", "3400000000000000015", \
    "3400000000000000016"
QUIET_REFUND = "3400000000000000017"
ALL = (STARTED_REFUND, PACKED_CANCEL, QUIET_MOVE, STARTED_LINES, STARTED_SAME, PACKED_MOVE,
       QUIET_REFUND)


def sale_download(tmp: Path, stamp: str, changed: bool) -> list[Path]:
    """The Taobao pair as first downloaded, or later with six of its orders changed."""
    orders, items = [], []
    for no in ALL:
        values: dict[str, str] = {}
        lines = [("TEE-RED-M", "1"), ("MUG-01", "1")]
        if changed and no in (STARTED_REFUND, QUIET_REFUND):
            values = {"订单状态": "交易关闭", "订单关闭原因": "买家申请退款"}
        elif changed and no == PACKED_CANCEL:
            values = {"订单状态": "交易关闭", "订单关闭原因": "买家不想买了"}
        elif changed and no in (QUIET_MOVE, PACKED_MOVE):
            values = {"收货地址": SHANGHAI}
        elif changed and no == STARTED_LINES:
            lines = [("TEE-RED-M", "2")]
        orders.append(taobao_order(no, **values))
        items += [taobao_item(no, sku, qty=qty, **({"订单状态": values["订单状态"]}
                                                   if "订单状态" in values else {}))
                  for sku, qty in lines]
    return [write(tmp / f"ExportOrderList{stamp}.csv", rows_for(TAOBAO_ORDERS_OLD, orders), "gbk"),
            write(tmp / f"ExportOrderDetailList{stamp}.csv", rows_for(TAOBAO_ITEMS_OLD, items),
                  "gbk")]


@pytest.mark.parametrize("chunk", [5000, 2], ids=["one-chunk", "chunks-of-two"])
def test_a_re_download_updates_changed_orders_and_intercepts_only_started_or_packed_ones(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """`chunk`: the orders are also looked up and stored two at a time (statements of two
    rows), known ones met between new ones."""
    monkeypatch.setattr(order_store, "CHUNK", chunk)
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", min(chunk, bulk.ROWS_PER_STATEMENT))
    first = run(db, *sale_download(tmp_path, "202611110001", changed=False))
    assert (first.orders_created, first.rejected) == (len(ALL), [])
    benches = {no: station(db, f"bench-{no[-2:]}") for no in ALL}
    for no in (STARTED_REFUND, STARTED_LINES, STARTED_SAME):  # open, one unit in the box
        assert [benches[no].scan(c).verdict for c in (no, "TEE-RED-M")] == [
            Verdict.ORDER_OPENED, Verdict.OK]
    for no in (PACKED_CANCEL, PACKED_MOVE):
        assert [benches[no].scan(c).verdict for c in (no, "TEE-RED-M", "MUG-01")] == [
            Verdict.ORDER_OPENED, Verdict.OK, Verdict.ORDER_COMPLETE]
    changed = sale_download(tmp_path, "202611111200", changed=True)

    counts, rows = row_counts(db), orders_table(db)
    preview = run(db, *changed, dry_run=True)
    assert row_counts(db) == counts and orders_table(db) == rows  # a dry run changes nothing
    summary = run(db, *changed)
    for report in (preview, summary):  # … and tells exactly what the real run then does
        assert (report.orders_created, report.orders_updated, report.orders_intercepted,
                report.orders_unchanged, report.rejected) == (0, 6, 4, 1, [])

    with db.transaction() as conn:
        now = {r.order_no: r for r in conn.execute(select(Order.order_no, Order.status,
                                                          Order.intercept_reason,
                                                          Order.priority, Order.version))}
    assert {no: (now[no].status, now[no].intercept_reason) for no in ALL} == {
        STARTED_REFUND: ("refunded", "refunded"),
        PACKED_CANCEL: ("cancelled", "cancelled"),
        QUIET_MOVE: ("paid", None),  # nobody had started it: updated, nothing to stop
        STARTED_LINES: ("paid", "lines_changed"),
        STARTED_SAME: ("paid", None),
        PACKED_MOVE: ("packed", "address_changed"),
        QUIET_REFUND: ("refunded", None),  # refunded before any bench touched it
    }
    assert now[QUIET_MOVE].priority == "shanghai" and now[STARTED_SAME].version == 1
    assert stored(db)[STARTED_LINES][2] == [("TEE-RED-M", 2)]

    def next_scan(no: str, code: str) -> tuple[Verdict, str | None]:
        result = benches[no].scan(code)
        return result.verdict, result.intercept_reason

    assert next_scan(STARTED_REFUND, "MUG-01") == (Verdict.INTERCEPTED, "refunded")
    assert next_scan(STARTED_LINES, "TEE-RED-M") == (Verdict.INTERCEPTED, "lines_changed")
    assert next_scan(STARTED_SAME, "MUG-01") == (Verdict.ORDER_COMPLETE, None)  # untouched
    other = station(db, "other")
    assert (other.scan(PACKED_MOVE).verdict, other.box) == (Verdict.INTERCEPTED, None)
    assert other.scan(PACKED_CANCEL).intercept_reason == "cancelled"
    assert other.scan(QUIET_REFUND).verdict is Verdict.INTERCEPTED
    assert other.scan(QUIET_MOVE).verdict is Verdict.ORDER_OPENED

    again = run(db, *changed)  # the same changed download once more: nothing new
    assert (again.orders_updated, again.orders_intercepted, again.orders_unchanged) == (
        0, 0, len(ALL))


# -- bad and hostile files --------------------------------------------------------


@pytest.mark.parametrize("bad", ["qty", "status", "pair-item"])
def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(
        db: Database, tmp_path: Path, bad: str) -> None:
    run(db, *generic_file(tmp_path, "utf-8"))
    before, rows = row_counts(db), orders_table(db)
    if bad == "pair-item":
        paths = taobao_pair(tmp_path, new=False, encoding="gbk")
        items = rows_for(TAOBAO_ITEMS_OLD, [taobao_item("3400000000000000001", "TEE-RED-M"),
                                            taobao_item("3400000000000000002", "MUG-01",
                                                        qty="两件")])
        write(paths[1], items, "gbk")
        where = (paths[1].name, 3, "购买数量")
    else:
        value = {"qty": {"qty": "-1"}, "status": {"status": "已发货了吗"}}[bad]
        rows_ = [list(GENERIC_HEADER), generic_row("G1", status="refunded"),  # a real change
                 generic_row("G9"), generic_row("G10", **value), generic_row("G11")]
        paths = [write(tmp_path / "bad.csv", rows_)]
        where = ("bad.csv", 4, bad)
    summary = run(db, *paths)
    assert [(Path(p.file).name, p.row, p.column) for p in summary.rejected] == [where]
    assert all(p.reason for p in summary.rejected)
    assert (summary.orders_created, summary.orders_updated, summary.lines) == (0, 0, 0)
    assert row_counts(db) == before and orders_table(db) == rows


def test_a_file_refused_while_parsed_stores_nothing_of_itself_and_names_those_stored(
        db: Database, tmp_path: Path) -> None:
    """Each file is its own unit: a file with a bad row stores nothing, the good one is
    stored, the re-saved Excel file after them refuses itself, and the error says which
    one went in (not the rejected one; none on a dry run)."""
    rejected = write(tmp_path / "rejected.csv", [list(GENERIC_HEADER), generic_row("R1"),
                                                 generic_row("R2", qty="-3")])
    good = generic_file(tmp_path, "utf-8")[0]
    bad = write(tmp_path / "resaved.csv", [list(GENERIC_HEADER), generic_row("B1"),
                                           generic_row("3.41235E+18")])
    with pytest.raises(UserError) as dry:
        run(db, rejected, good, bad, dry_run=True)
    assert "orders.csv" not in str(dry.value) and row_counts(db)["orders"] == 0
    with pytest.raises(UserError) as caught:
        run(db, rejected, good, bad)
    assert "E+18" in caught.value.en and "rejected.csv" not in str(caught.value)
    assert caught.value.en.endswith("(the files before it were imported: orders.csv)")
    assert "此前的文件已导入：orders.csv" in caught.value.zh
    assert sorted(stored(db)) == ["G1", "G2", "G3"]


HOSTILE_NAME = '=HYPERLINK("http://evil.example/x","点我领红包")'
HOSTILE_CARRIER = "=cmd|' /C calc'!A0"
HOSTILE_WAYBILL = "@SUM(1+1)*YT9"
LONG = "北京市 朝阳区 建国路 " + "长" * 10_000  # 30 kB of UTF-8 in one cell


def test_hostile_cells_are_stored_as_text_and_exported_escaped(
        db: Database, db_url: str, tmp_path: Path) -> None:
    import csv

    from packstation.cli import main

    rows: Rows = [list(GENERIC_HEADER), generic_row(
        "H1", recipient=HOSTILE_NAME, title="-2+3\x00\x1b[2J杯子\x07", address=LONG,
        carrier=HOSTILE_CARRIER, waybill_no=HOSTILE_WAYBILL, sku="MUG-01",
        barcodes="6930000000028")]
    summary = run(db, write(tmp_path / "hostile.csv", rows))
    assert (summary.orders_created, summary.rejected) == (1, [])
    with db.transaction() as conn:
        order = conn.execute(select(Order.recipient, Order.address, Order.carrier,
                                    Order.waybill_no, Order.priority)).one()
        title = conn.scalar(select(OrderLine.title))
    assert (order.recipient, order.carrier, order.waybill_no) == (
        HOSTILE_NAME, HOSTILE_CARRIER, HOSTILE_WAYBILL)
    assert order.address == LONG[:2000] and order.priority == "beijing"
    assert title == "-2+3[2J杯子"  # control characters gone, the rest kept as plain text

    bench = station(db)
    assert [bench.scan(c).verdict for c in ("H1", "6930000000028")] == [
        Verdict.ORDER_OPENED, Verdict.ORDER_COMPLETE]
    for fmt in ("csv", "taobao"):
        out = tmp_path / f"shipped-{fmt}.csv"
        assert main(["--db", db_url, "export-shipped", "--format", fmt, "--out", str(out)]) == 0
        encoding = "utf-8-sig" if fmt == "csv" else "gb18030"
        header, line = list(csv.reader(out.read_text(encoding).splitlines()))
        assert header[0] == ("order_no" if fmt == "csv" else "订单编号")
        assert f"'{HOSTILE_WAYBILL}" in line and f"'{HOSTILE_CARRIER}" in line
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line)



def test_one_bar_moves_forward_through_reading_and_storing_to_the_end(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI's bar: never backwards, moving while a big file is stored (not only
    while it is read), ending full, over two files; a re-download ends full too.
    (Orders are stored 1,000 at a time here, so 6,000 take several steps.)"""
    monkeypatch.setattr(order_store, "CHUNK", 1_000)
    rows = [GENERIC_HEADER]
    for n in range(6000):
        rows += [generic_row(f"P{n:05d}", sku="TEE-RED-M"), generic_row(f"P{n:05d}", sku="MUG-01")]
    big = write(tmp_path / "big.csv", rows)
    pair = taobao_pair(tmp_path, new=False, encoding="gbk")

    def watched(paths: list[Path]) -> tuple[ImportSummary, list[tuple[int, int]]]:
        calls: list[tuple[int, int]] = []
        summary = import_files(db, paths, classifier(db),
                               progress=lambda d, t, _s: calls.append((d, t)))
        return summary, calls

    summary, calls = watched([big, *pair])
    assert (summary.orders_created, summary.lines) == (6002, 12003)
    total = calls[-1][1]
    assert calls[-1] == (total, total) and {t for _d, t in calls} == {total}
    done = [d for d, _t in calls]
    assert done == sorted(done) and len(set(done)) == len(done)  # forward only, no repeats
    reading_ends = next(i for i, d in enumerate(done) if d >= total // 2 - 1)
    assert len(done[reading_ends:]) >= 6  # storing the big file moved the bar in steps
    summary, again = watched([big])
    assert summary.orders_unchanged == 6000
    assert again[-1][0] == again[-1][1] and [d for d, _ in again] == sorted(d for d, _ in again)
