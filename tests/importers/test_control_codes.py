"""A control character inside an order number, waybill number, SKU or barcode rejects the
row with its reason: removing it (as free text is cleaned) would turn `6966666666\\x00676`
into another code, which a packer could then scan as this one."""

from __future__ import annotations

import pytest

from packstation.importers import cells, parse_files
from tests.importers.conftest import GENERIC_HEADER, WriteCsv, generic_row
from tests.importers.platforms import (
    TAOBAO_ITEMS_OLD,
    TAOBAO_ORDERS_OLD,
    rows_for,
    taobao_item,
    taobao_order,
)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("barcodes", "6966666666\x00676"),
        ("order_no", "T10\x0001"),
        ("waybill_no", "YT70\x0700011"),
        ("sku", "TEE\x1b-RED"),
        ("barcodes", "6901234567892|BOX-69\x7f*6"),
    ],
)
def test_a_control_character_inside_a_code_rejects_its_row(
    write_csv: WriteCsv, column: str, value: str
) -> None:
    bad = generic_row(**{"order_no": "T1001", column: value})
    [parsed] = parse_files([write_csv([GENERIC_HEADER, generic_row("T1000"), bad])])
    assert [o.order_no for o in parsed.orders] == ["T1000"]
    [problem] = parsed.problems
    assert problem.row == 3 and problem.column == column
    char = next(c for c in value if not c.isprintable())
    assert f"U+{ord(char):04X}" in problem.reason and "control character" in problem.reason


def test_a_nul_in_a_taobao_order_number_rejects_the_order(write_csv: WriteCsv) -> None:
    orders = rows_for(TAOBAO_ORDERS_OLD, [taobao_order("39000000\x0000001"),
                                          taobao_order("3900000000000002")])  # fmt: skip
    items = rows_for(TAOBAO_ITEMS_OLD, [taobao_item("39000000\x0000001", "A"),
                                        taobao_item("3900000000000002", "B")])  # fmt: skip
    [parsed] = parse_files([write_csv(orders, "ExportOrderList1.csv"),
                            write_csv(items, "ExportOrderDetailList1.csv")])  # fmt: skip
    assert [o.order_no for o in parsed.orders] == ["3900000000000002"]
    assert parsed.problems and all("U+0000" in p.reason for p in parsed.problems)


def test_edges_and_invisible_characters_are_still_cleaned() -> None:
    """Tab/space prefixes, line breaks at the edges and zero-width characters are not
    part of a code: cleaned as before."""
    assert cells.identifier("\t6901234567892\r\n") == "6901234567892"
    assert cells.identifier("'6901234\u200b567892") == "6901234567892"
    assert cells.code_problem(cells.identifier('="T1001"')) is None
