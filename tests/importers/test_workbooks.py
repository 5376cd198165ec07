"""Workbooks read by python-calamine: XLSX and the older XLS, every cell kind platform
exports contain, sheet row numbers kept, and damaged files refused clearly.

The XLSX files are written with openpyxl, the XLS files with xlwt (a test-only
dependency that writes the Excel 97-2003 format the older Taobao and JD exports use)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook

from packstation.errors import UserError
from packstation.importers import parse_files
from packstation.importers.reading import open_table
from tests.importers.platforms import (
    TAOBAO_ITEMS_OLD,
    TAOBAO_ORDERS_OLD,
    rows_for,
    taobao_item,
    taobao_order,
)


def write_xls(path: Path, rows: Sequence[Sequence[object]], sheet: str = "订单") -> Path:
    """An Excel 97-2003 workbook, one sheet, written as xlwt writes it (as WPS/Excel do)."""
    workbook = xlwt.Workbook(encoding="utf-8")
    page = workbook.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
            if isinstance(value, dt.datetime):
                page.write(r, c, value, style)
            else:
                page.write(r, c, value)
    workbook.save(str(path))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


CELLS: list[list[object]] = [
    ["订单列表"],  # a title line above the header
    ["sku", "title", "n", "when"],
    [None],
    [6901234567892, "杯子", 2, dt.datetime(2024, 11, 11, 12, 30)],
    [True, "  T恤 ", 3.4123456789012301e18, dt.datetime(2024, 11, 11)],
    [1.5, "x", -12, None],
]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_every_cell_kind_is_text_as_typed_and_rows_keep_sheet_numbers(
    tmp_path: Path, suffix: str
) -> None:
    write = write_xlsx if suffix == ".xlsx" else write_xls
    table = open_table(write(tmp_path / f"cells{suffix}", CELLS))
    assert table.encoding == suffix[1:]
    assert (table.header_row, table.headers) == (2, ["sku", "title", "n", "when"])
    assert list(table.rows) == [
        (4, ["6901234567892", "杯子", "2", "2024-11-11 12:30:00"]),
        (5, ["TRUE", "  T恤 ", "3.41234567890123E+18", "2024-11-11"]),
        (6, ["1.5", "x", "-12", ""]),
    ]


def test_the_first_visible_sheet_is_read(tmp_path: Path) -> None:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.append(["not", "this"])
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("订单")
    shown.append(["sku", "title"])
    shown.append(["A", "杯子"])
    workbook.active = 1
    workbook.save(tmp_path / "two.xlsx")
    table = open_table(tmp_path / "two.xlsx")
    assert table.headers == ["sku", "title"] and list(table.rows) == [(2, ["A", "杯子"])]


def taobao_rows() -> tuple[list[list[str]], list[list[str]]]:
    numbers = [f"38000000000000{n:05d}" for n in range(40)]
    orders = rows_for(
        TAOBAO_ORDERS_OLD,
        [taobao_order(n, 收货人姓名=f"买家{i}") for i, n in enumerate(numbers)]
        + [taobao_order("3809999999999999999", 订单状态="等待买家付款")],
    )
    items = rows_for(
        TAOBAO_ITEMS_OLD,
        [taobao_item(n, "TEE-RED-M") for n in numbers] + [taobao_item(numbers[3], "MUG-01")],
    )
    return _cells(orders), _cells(items)


def _cells(rows: list[list[str]]) -> list[list[str]]:
    """A workbook holds text cells, not the `="…"` wrappers a CSV export uses."""
    return [[c[2:-1] if c.startswith('="') else c for c in row] for row in rows]


def test_an_xls_and_an_xlsx_taobao_export_import_alike(tmp_path: Path) -> None:
    orders, items = taobao_rows()
    (tmp_path / "x").mkdir()
    (tmp_path / "s").mkdir()
    [old] = parse_files(
        [
            write_xls(tmp_path / "x" / "ExportOrderList1.xls", orders),
            write_xls(tmp_path / "x" / "ExportOrderDetailList1.xls", items),
        ]
    )
    [new] = parse_files(
        [
            write_xlsx(tmp_path / "s" / "ExportOrderList1.xlsx", orders),
            write_xlsx(tmp_path / "s" / "ExportOrderDetailList1.xlsx", items),
        ]
    )
    assert (old.encoding, new.encoding) == ("xls", "xlsx")
    assert len(old.orders) == 40 and old.orders == new.orders
    assert not old.problems and not new.problems
    assert [(p.row, p.order_no) for p in old.skipped] == [(42, "3809999999999999999")]
    assert [(p.row, p.order_no) for p in new.skipped] == [(42, "3809999999999999999")]


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("orders.xlsx", b"PK\x03\x04 not really a zip", "XLSX"),
        ("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "XLS"),
    ],
)
def test_a_damaged_workbook_is_a_clear_error(
    tmp_path: Path, name: str, data: bytes, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UserError) as caught:
        parse_files([path])
    assert f"不是可读取的 {kind} 工作簿" in caught.value.zh
    assert f"not a readable {kind} workbook" in caught.value.en and name in caught.value.en


def test_a_truncated_xls_is_a_clear_error(tmp_path: Path) -> None:
    whole = write_xls(tmp_path / "whole.xls", [["sku", "title"], ["A", "杯子"]] * 200).read_bytes()
    cut = tmp_path / "cut.xls"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UserError, match="XLS"):
        parse_files([cut])
