"""Shipped-order upload files: platform templates, carrier names, formula-injection escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from packstation.errors import UserError
from packstation.importers.export import ShippedRow, escape_cell, write_shipped

SHIPPED_AT = dt.datetime(2026, 11, 11, 9, 30, 5)


def row(
    no: str, platform: str = "taobao", waybill: str = "YT7000000000011", **kw: str
) -> ShippedRow:
    values = {
        "order_no": no,
        "platform_order_no": no,
        "platform": platform,
        "carrier": "YTO",
        "waybill_no": waybill,
        "shipped_at": SHIPPED_AT,
    }
    values.update(kw)
    return ShippedRow(**values)  # type: ignore[arg-type]


def read_csv(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def test_taobao_upload_has_its_template_columns_and_carrier_names(tmp_path: Path) -> None:
    rows = [
        row("3412345678901234567"),
        row("3412345678901234568", platform="tmall", carrier="SF", waybill="SF1400000000031"),
        row("280000000001", platform="jd"),
        row("3412345678901234569", waybill=""),
    ]
    out = tmp_path / "taobao_ship.csv"
    result = write_shipped(rows, "taobao", out)
    assert (result.written, result.skipped_other_platform, result.skipped_no_waybill) == (2, 1, 1)
    assert read_csv(out, "gbk") == [
        ["订单编号", "物流公司", "运单号"],
        ["3412345678901234567", "圆通速递", "YT7000000000011"],
        ["3412345678901234568", "顺丰速运", "SF1400000000031"],
    ]


@pytest.mark.parametrize(
    ("format_", "header"),
    [("jd", ["订单号", "物流公司", "运单号"]), ("pdd", ["订单号", "快递公司", "快递单号"])],
)
def test_jd_and_pdd_uploads(tmp_path: Path, format_: str, header: list[str]) -> None:
    out = tmp_path / f"{format_}.csv"
    write_shipped([row("231111-1", platform=format_, carrier="ZTO")], format_, out)
    assert read_csv(out, "gb18030") == [header, ["231111-1", "中通快递", "YT7000000000011"]]


def test_pdd_upload_spells_carriers_as_pinduoduos_carrier_list(tmp_path: Path) -> None:
    rows = [
        row("231111-1", platform="pdd", carrier="SF", waybill="SF1400000000031"),
        row("231111-2", platform="pdd", carrier="YTO"),
        row("231111-3", platform="pdd", carrier="STO", waybill="773000000001"),
    ]
    out = tmp_path / "pdd.csv"
    write_shipped(rows, "pdd", out)
    assert [r[1] for r in read_csv(out, "gb18030")[1:]] == ["顺丰快递", "圆通快递", "申通快递"]


def test_generic_csv_is_utf8_with_bom_and_every_platform(tmp_path: Path) -> None:
    out = tmp_path / "shipped.csv"
    write_shipped([row("T1001"), row("T1004", platform="jd", carrier="JD")], "csv", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(out, "utf-8-sig") == [
        ["order_no", "platform_order_no", "platform", "carrier", "waybill_no", "shipped_at"],
        ["T1001", "T1001", "taobao", "YTO", "YT7000000000011", "2026-11-11 09:30:05"],
        ["T1004", "T1004", "jd", "JD", "YT7000000000011", "2026-11-11 09:30:05"],
    ]


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("SF1400000000031", "SF1400000000031"),
        ("3412345678901234567", "3412345678901234567"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_escaped(value: str, escaped: str) -> None:
    assert escape_cell(value) == escaped


def test_hostile_values_reach_the_csv_escaped(tmp_path: Path) -> None:
    out = tmp_path / "shipped.csv"
    write_shipped([row("=1+1", waybill="@evil", carrier="-cmd")], "csv", out)
    [_, data] = read_csv(out, "utf-8-sig")
    assert data[:5] == ["'=1+1", "'=1+1", "taobao", "'-cmd", "'@evil"]


def test_xlsx_upload_keeps_text_and_never_writes_formulas(tmp_path: Path) -> None:
    out = tmp_path / "taobao.xlsx"
    write_shipped([row("3412345678901234567"), row('=HYPERLINK("x")')], "taobao", out)
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[1] == ["3412345678901234567", "圆通速递", "YT7000000000011"]
    assert values[2][0] == '=HYPERLINK("x")'
    assert sheet.cell(row=3, column=1).data_type == "s"


def test_unknown_export_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Unknown export format"):
        write_shipped([row("1")], "ebay", tmp_path / "x.csv")
