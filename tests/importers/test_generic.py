"""The generic order file and the product catalogue, in every encoding and with bad rows."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.importers import parse_files
from packstation.importers.records import BarcodeSpec, OrderStatus
from tests.importers.conftest import GENERIC_HEADER, WriteCsv, WriteXlsx, generic_row, sample
from tests.importers.platforms import PDD_HEADER, pdd_order, rows_for


def test_sample_generic_file_gives_nine_orders_with_pack_barcodes() -> None:
    [parsed] = parse_files([sample("orders_generic.csv")])
    assert parsed.format == "csv"
    assert parsed.problems == []
    assert [o.order_no for o in parsed.orders] == [f"T100{i}" for i in range(1, 10)]
    first = parsed.orders[0]
    assert [(line.sku, line.quantity) for line in first.lines] == [
        ("TEE-RED-M", 1),
        ("SOCK-5P", 2),
    ]
    assert first.lines[1].barcodes == (
        BarcodeSpec("6920000000012", 1),
        BarcodeSpec("SOCK5P-BOX", 5),
    )
    statuses = {o.order_no: o.status for o in parsed.orders}
    assert statuses["T1007"] is OrderStatus.REFUNDED
    assert statuses["T1009"] is OrderStatus.CANCELLED
    t1005 = next(o for o in parsed.orders if o.order_no == "T1005")
    assert (t1005.province, t1005.city, t1005.district) == ("广东省", "深圳市", "南山区")


def test_sample_product_file_gives_products_with_pack_codes() -> None:
    [parsed] = parse_files([sample("products.csv")])
    assert parsed.format == "products"
    assert parse_files([sample("products.csv")], format="csv")[0].products == parsed.products
    cable = next(p for p in parsed.products if p.sku == "CABLE-C")
    assert cable.barcodes == (
        BarcodeSpec("6940000000034", 1),
        BarcodeSpec("BOX-6940000000034", 10),
    )
    assert len(parsed.products) == 5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_each_encoding_reads_the_same_chinese_text(write_csv: WriteCsv, encoding: str) -> None:
    rows = [GENERIC_HEADER, generic_row("A1", recipient="欧阳娜娜", address="广东省 深圳市 福田区")]
    if encoding == "gb18030":  # a character outside GBK: only GB18030 can hold it
        rows[1] = generic_row("A1", recipient="欧阳𠮷", address="广东省 深圳市 福田区")
    [parsed] = parse_files([write_csv(rows, encoding=encoding)])
    assert parsed.encoding == encoding
    assert parsed.orders[0].recipient == rows[1][3]
    assert parsed.orders[0].address == "广东省 深圳市 福田区"


def test_undecodable_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    header = ",".join(GENERIC_HEADER).encode()
    path.write_bytes(header + b"\r\nA1,\xff\xfe\x80\x80,paid\r\n")
    with pytest.raises(UserError) as caught:
        parse_files([path])
    assert "UTF-8" in caught.value.zh and "GBK" in caught.value.en


def test_missing_file_and_unknown_format_and_missing_columns(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    with pytest.raises(UserError, match="找不到文件"):
        parse_files([tmp_path / "nope.csv"])
    with pytest.raises(UserError) as unknown:
        parse_files([write_csv([["foo", "bar"], ["1", "2"]], name="x.csv")])
    assert "foo" in unknown.value.en
    with pytest.raises(UserError) as missing:
        parse_files([write_csv([["order_no", "title"], ["A1", "t"]])])
    assert "status" in missing.value.en and "qty" in missing.value.en and "sku" in missing.value.en


def test_xlsx_generic_file_with_numeric_cells(write_xlsx: WriteXlsx) -> None:
    row: list[object] = list(generic_row("A1"))
    row[0] = 20261111000123  # 14 digits: exact as a float, so accepted
    row[4] = 13812345678
    row[13] = 2.0
    row[14] = 6901234567892
    [parsed] = parse_files([write_xlsx([GENERIC_HEADER, row, [None] * 15, []])])
    order = parsed.orders[0]
    assert parsed.encoding == "xlsx"
    assert order.order_no == "20261111000123"
    assert order.phone == "13812345678"
    assert order.lines[0].quantity == 2
    assert order.lines[0].barcodes == (BarcodeSpec("6901234567892"),)


def test_xlsx_float_order_number_beyond_15_digits_is_refused(write_xlsx: WriteXlsx) -> None:
    row: list[object] = list(generic_row("A1"))
    row[0] = 3412345678901234567.0  # what Excel stores after a re-save: digits lost
    with pytest.raises(UserError) as caught:
        parse_files([write_xlsx([GENERIC_HEADER, row])])
    assert "科学计数法" in caught.value.zh
    assert "E+18" in caught.value.en


def test_xlsx_nineteen_digit_number_cell_is_refused_never_rounded(
    write_xlsx: WriteXlsx, tmp_path: Path
) -> None:
    """Generators that write every digit into the XML (`<v>341…567</v>`): the workbook
    reader (python-calamine) reads numbers as floats, so the file is refused like one
    Excel re-saved, rather than importing a rounded order number."""
    row: list[object] = list(generic_row("A1"))
    row[0] = 3412345678901234567  # openpyxl itself writes this as a float: patch the XML
    path = write_xlsx([GENERIC_HEADER, row])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b"<v>3.412345678901235e+18</v>" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<v>3.412345678901235e+18</v>", b"<v>3412345678901234567</v>"
    )
    exact = tmp_path / "exact.xlsx"
    with zipfile.ZipFile(exact, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(UserError, match=r"3\.41234567890123E"):
        parse_files([exact])


def test_scientific_notation_in_csv_order_numbers_refuses_the_file(write_csv: WriteCsv) -> None:
    path = write_csv([GENERIC_HEADER, generic_row("A1"), generic_row("3.41235E+18")])
    with pytest.raises(UserError) as caught:
        parse_files([path])
    assert "第 3 行" in caught.value.zh
    assert "re-sav" in caught.value.en or "without opening" in caught.value.en


def test_excel_text_wrappers_apostrophes_and_tabs_are_unwrapped(write_csv: WriteCsv) -> None:
    row = generic_row('="3412345678901234567"', phone="'13812345678", waybill_no="\tYT123")
    [parsed] = parse_files([write_csv([GENERIC_HEADER, row])])
    order = parsed.orders[0]
    assert (order.order_no, order.phone, order.waybill_no) == (
        "3412345678901234567",
        "13812345678",
        "YT123",
    )


def test_header_quirks_and_blank_trailing_rows(write_csv: WriteCsv) -> None:
    header = [f" {h.upper()} " for h in GENERIC_HEADER]  # stray spaces, other case
    header[0] = "\ufeffOrder_No"  # a second BOM glued to the first header
    rows = [header, generic_row("A1"), [""] * 15, [], [" ", ""], [",", ""][1:]]
    [parsed] = parse_files([write_csv(rows)])
    assert [o.order_no for o in parsed.orders] == ["A1"]
    assert parsed.problems == []


def test_full_width_brackets_in_headers_match_half_width_ones(write_csv: WriteCsv) -> None:
    """Pinduoduo writes both 商品数量(件) and 商品数量（件） depending on the year."""
    header = [h.replace("(", "（").replace(")", "）") + "  " for h in PDD_HEADER]
    rows = rows_for(PDD_HEADER, [pdd_order("231111-1", "MUG-01", qty="4")])
    rows[0] = header
    [parsed] = parse_files([write_csv(rows, "pdd.csv")])
    assert parsed.orders[0].lines[0].quantity == 4


def test_tab_separated_utf16_unicode_text_export(tmp_path: Path) -> None:
    """Excel's "Unicode text" save: UTF-16 with BOM, tab-separated."""
    text = "\r\n".join("\t".join(r) for r in [GENERIC_HEADER, generic_row("A1")])
    path = tmp_path / "orders.txt"
    path.write_bytes(text.encode("utf-16"))
    [parsed] = parse_files([path])
    assert parsed.orders[0].recipient == "张伟"


def test_bad_rows_are_reported_with_file_row_column_reason(write_csv: WriteCsv) -> None:
    rows = [
        GENERIC_HEADER,
        generic_row("A1"),  # row 2: good
        generic_row("", sku="X"),  # row 3: no order number
        generic_row("B1", sku=""),  # row 4: no SKU
        generic_row("C1", qty="0"),  # row 5
        generic_row("D1", qty="1.5"),  # row 6
        generic_row("E1", status="lost"),  # row 7
        generic_row("F1", sku="A"),  # row 8: good line of an order broken on row 9
        generic_row("F1", sku="B", address="另一个地址"),  # row 9: inconsistent
        generic_row("G1", barcodes="690*x"),  # row 10
        generic_row("H1", address=" "),  # row 11: paid, nowhere to send it
        generic_row("I1", recipient="", status="cancelled"),  # row 12: fine, not packable
    ]
    path = write_csv(rows)
    [parsed] = parse_files([path])
    assert [o.order_no for o in parsed.orders] == ["A1", "I1"]
    found = {(p.row, p.column, p.code) for p in parsed.problems}
    assert found == {
        (3, "order_no", "missing_value"),
        (4, "sku", "missing_value"),
        (5, "qty", "bad_quantity"),
        (6, "qty", "bad_quantity"),
        (7, "status", "bad_status"),
        (9, "address", "inconsistent_order"),
        (10, "barcodes", "bad_barcodes"),
        (11, "address", "missing_value"),
    }
    assert all(p.file == str(path) for p in parsed.problems)
    inconsistent = next(p for p in parsed.problems if p.row == 9)
    assert "第 8 行" in inconsistent.reason and "row 8" in inconsistent.reason


def test_same_sku_twice_in_one_order_is_one_line_with_summed_quantity(
    write_csv: WriteCsv,
) -> None:
    rows = [GENERIC_HEADER, generic_row("A1", qty="2"), generic_row("A1", qty="3")]
    [parsed] = parse_files([write_csv(rows)])
    assert [(line.sku, line.quantity) for line in parsed.orders[0].lines] == [("TEE-RED-M", 5)]


def test_hostile_content_is_kept_as_plain_text(write_csv: WriteCsv) -> None:
    formula = '=HYPERLINK("http://evil.example","点我")'
    rows = [
        GENERIC_HEADER,
        generic_row(
            "A1",
            recipient=formula,
            address="杭州\x00市\x1b[31m 西湖区\r\n文三路\u202e",
            title="x" * 10_000,
        ),
    ]
    [parsed] = parse_files([write_csv(rows)])
    order = parsed.orders[0]
    assert order.recipient == formula
    assert order.address == "杭州市[31m 西湖区 文三路"
    assert len(order.lines[0].title) == 2000
    assert parsed.problems == []


def test_ten_kilobyte_identifier_rejects_its_row(write_csv: WriteCsv) -> None:
    [parsed] = parse_files([write_csv([GENERIC_HEADER, generic_row("A1", sku="S" * 10_000)])])
    assert parsed.orders == []
    assert [(p.column, p.code) for p in parsed.problems] == [("sku", "bad_code")]


def test_explicit_format_that_does_not_match_is_refused(write_csv: WriteCsv) -> None:
    with pytest.raises(UserError, match="looks like"):
        parse_files([write_csv([GENERIC_HEADER, generic_row()])], format="taobao")
    with pytest.raises(UserError, match="Unknown format"):
        parse_files([write_csv([GENERIC_HEADER, generic_row()])], format="ebay")


def test_progress_is_reported_in_batches_and_ends_at_total(write_csv: WriteCsv) -> None:
    rows = [GENERIC_HEADER] + [generic_row(f"A{i}") for i in range(5000)]
    calls: list[tuple[int, int]] = []
    parse_files([write_csv(rows)], progress=lambda done, total: calls.append((done, total)))
    assert 2 <= len(calls) <= 10
    assert calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_product_file_bad_rows_and_duplicates(write_csv: WriteCsv) -> None:
    rows = [
        ["sku", "title", "barcodes"],
        ["S1", "一", "111|BOX-111*6"],
        ["S1", "一（重复）", "222"],
        ["", "无编码", "333"],
        ["S2", "二", "444*0"],
    ]
    [parsed] = parse_files([write_csv(rows, name="products.csv")], format="products")
    assert [(p.sku, p.title, p.barcodes) for p in parsed.products] == [
        ("S1", "一", (BarcodeSpec("111"), BarcodeSpec("BOX-111", 6), BarcodeSpec("222")))
    ]
    assert [(p.row, p.column) for p in parsed.problems] == [(4, "sku"), (5, "barcodes")]


def test_chinese_product_sheet_in_xlsx(write_xlsx: WriteXlsx) -> None:
    rows: list[list[object]] = [
        ["商家编码", "商品名称", "条形码"],
        ["MUG-01", "陶瓷马克杯", 6930000000028],
        ["CABLE-C", "USB-C 数据线 1m", "6940000000034|BOX-6940000000034*10"],
        ["", "无编码", "123"],
    ]
    [parsed] = parse_files([write_xlsx(rows, "商品.xlsx")])
    assert parsed.format == "products"
    assert [(p.sku, p.barcodes) for p in parsed.products] == [
        ("MUG-01", (BarcodeSpec("6930000000028"),)),
        ("CABLE-C", (BarcodeSpec("6940000000034"), BarcodeSpec("BOX-6940000000034", 10))),
    ]
    assert [(p.row, p.column) for p in parsed.problems] == [(4, "商家编码")]
