"""The shared reader: files that cannot be read, XLSX quirks, cell rendering, sample copies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.importers import parse_files
from packstation.importers.reading import cell_text, normalise_header, open_table
from tests.importers.conftest import DATA, GENERIC_HEADER, SHARED, WriteXlsx, generic_row


def test_empty_file_and_directory_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="空文件"):
        parse_files([empty])
    with pytest.raises(UserError, match="Not a file"):
        parse_files([tmp_path])


def test_xlsx_title_row_above_the_header_is_skipped_and_rows_keep_sheet_numbers(
    write_xlsx: WriteXlsx,
) -> None:
    rows: list[list[object]] = [
        ["订单列表"],
        list(GENERIC_HEADER),
        list(generic_row("A1")),
        list(generic_row("A2", qty="0")),
    ]
    [parsed] = parse_files([write_xlsx(rows)])
    assert [o.order_no for o in parsed.orders] == ["A1"]
    assert [(p.row, p.column) for p in parsed.problems] == [(4, "qty")]


def test_bidirectional_and_zero_width_characters_are_removed(write_xlsx: WriteXlsx) -> None:
    rows = [GENERIC_HEADER, generic_row("A1", recipient="张\u200b伟\u202e", title="杯\u00ad子")]
    [parsed] = parse_files([write_xlsx(rows)])
    assert parsed.orders[0].recipient == "张伟"
    assert parsed.orders[0].lines[0].title == "杯子"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (2, "2"),
        (2.0, "2"),
        (1.5, "1.5"),
        (13812345678.0, "13812345678"),
        (3412345678901234567.0, "3.41234567890123E+18"),
        (3412345678901234567, "3412345678901234567"),
        (dt.datetime(2026, 11, 11, 0, 1, 12), "2026-11-11 00:01:12"),
        (dt.date(2026, 11, 11), "2026-11-11"),
        (True, "TRUE"),
    ],
)
def test_xlsx_cells_render_as_the_text_the_user_typed(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("收货地址 ", "收货地址"),
        ("商品数量（件）", "商品数量(件)"),
        (" Order_No ", "order_no"),
        ("*订单号", "订单号"),
        ("\ufeff订单编号", "订单编号"),
        ("商家备注等级（等级1-5为由高到低）", "商家备注等级(等级1-5为由高到低)"),
    ],
)
def test_header_spelling_variants_fold_together(raw: str, normal: str) -> None:
    assert normalise_header(raw) == normal


def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(";".join(GENERIC_HEADER) + "\n" + ";".join(generic_row("A1")) + "\n")
    assert open_table(path).headers[:2] == ["order_no", "platform"]
    [parsed] = parse_files([path])
    assert parsed.orders[0].order_no == "A1"


def test_local_sample_copies_match_the_shared_samples() -> None:
    if not SHARED.is_dir():
        pytest.skip("shared/samples is not checked out beside the repository")
    copies = sorted(DATA.glob("*.csv"))
    assert copies, "tests/importers/data holds copies of the shared samples"
    for copy in copies:
        assert copy.read_bytes() == (SHARED / copy.name).read_bytes(), copy.name


def test_a_cell_beyond_ten_megabytes_refuses_the_file_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    huge = "x" * (10 * 1024 * 1024 + 1)
    path.write_text(",".join(GENERIC_HEADER) + "\n" + ",".join(generic_row("A1", title=huge)))
    with pytest.raises(UserError) as caught:
        parse_files([path])
    assert "near row 2" in caught.value.en
