"""Taobao/Tmall order report + item report pairs: old wide and new column sets, quirks, joins."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.importers import parse_files
from packstation.importers.records import OrderStatus, ParsedFile
from tests.importers.conftest import WriteCsv, WriteXlsx, sample
from tests.importers.platforms import (
    TAOBAO_ITEMS_NEW,
    TAOBAO_ITEMS_OLD,
    TAOBAO_ORDERS_NEW,
    TAOBAO_ORDERS_OLD,
    TAOBAO_ORDERS_WIDEST,
    rows_for,
    taobao_item,
    taobao_order,
)

ORDERS = "ExportOrderList202611110930.csv"
ITEMS = "ExportOrderDetailList202611110930.csv"


def by_no(parsed: ParsedFile) -> dict[str, object]:
    return {o.order_no: o for o in parsed.orders}


def test_sample_pair_joins_lines_keeps_19_digits_and_maps_refund() -> None:
    [parsed] = parse_files(
        [sample("taobao_ExportOrderDetailList.csv"), sample("taobao_ExportOrderList.csv")]
    )
    assert parsed.format == "taobao"
    assert parsed.encoding == "gbk"
    assert parsed.problems == []
    orders = {o.order_no: o for o in parsed.orders}
    assert set(orders) == {f"341234567890123456{i}" for i in (7, 8, 9)} | {"3412345678901234570"}
    first = orders["3412345678901234567"]
    assert first.status is OrderStatus.PAID
    assert first.recipient == "张伟"
    assert first.phone == "138****5678"
    assert first.platform == "taobao"
    assert first.platform_order_no == "3412345678901234567"
    assert [(line.sku, line.quantity) for line in first.lines] == [("TEE-RED-M", 1), ("SOCK-5P", 2)]
    assert "红色" in first.lines[0].title
    assert orders["3412345678901234569"].status is OrderStatus.REFUNDED
    assert orders["3412345678901234570"].remarks == "卖家备注：尽快发货"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "gb18030"])
def test_old_wide_column_set_in_each_encoding(write_csv: WriteCsv, encoding: str) -> None:
    name = "欧阳𠮷" if encoding == "gb18030" else "欧阳娜娜"  # 𠮷 exists only in GB18030
    orders = rows_for(
        TAOBAO_ORDERS_OLD,
        [
            taobao_order("3400000000000000001", 订单备注="加急", 收货人姓名=name),
            taobao_order(
                "3400000000000000002",
                订单状态="卖家已发货，等待买家确认",
                物流公司="圆通速递",
                物流单号="YT1234567890123",
            ),
            taobao_order("3400000000000000003", 订单状态="交易关闭", 订单关闭原因="买家不想买了"),
            taobao_order("3400000000000000004", 订单状态="交易关闭", 订单关闭原因="退款"),
            taobao_order("3400000000000000005", 订单状态="交易成功"),
        ],
    )
    items = rows_for(
        TAOBAO_ITEMS_OLD,
        [taobao_item(f"340000000000000000{i}", f"SKU-{i}", qty=str(i)) for i in range(1, 6)],
    )
    [parsed] = parse_files(
        [
            write_csv(orders, ORDERS, encoding=encoding),
            write_csv(items, ITEMS, encoding=encoding),
        ]
    )
    assert parsed.problems == []
    assert parsed.encoding == encoding
    got = {o.order_no: o for o in parsed.orders}
    assert got["3400000000000000001"].status is OrderStatus.PAID
    assert got["3400000000000000001"].recipient == name
    assert got["3400000000000000001"].address == "浙江省 杭州市 西湖区 文三路 ***"
    assert got["3400000000000000001"].remarks == "卖家备注：加急"
    shipped = got["3400000000000000002"]
    assert (shipped.status, shipped.carrier, shipped.waybill_no) == (
        OrderStatus.SHIPPED,
        "圆通速递",
        "YT1234567890123",
    )
    assert got["3400000000000000003"].status is OrderStatus.CANCELLED
    assert got["3400000000000000004"].status is OrderStatus.REFUNDED
    assert got["3400000000000000005"].status is OrderStatus.SHIPPED
    assert got["3400000000000000004"].lines[0].quantity == 4


def test_new_column_set_with_line_refunds_and_changed_address(write_csv: WriteCsv) -> None:
    orders = rows_for(
        TAOBAO_ORDERS_NEW,
        [
            taobao_order("3500000000000000001"),
            taobao_order("3500000000000000002", 订单状态="交易关闭", 退款金额="59.00"),
            taobao_order("3500000000000000003", 订单状态="等待买家付款"),
            taobao_order("3500000000000000004", 订单状态="交易关闭", 订单关闭原因="买家未付款"),
        ],
    )
    items = rows_for(
        TAOBAO_ITEMS_NEW,
        [
            taobao_item("3500000000000000001", "A", new=True),
            taobao_item("3500000000000000001", "B", new=True, 退款状态="退款成功"),
            taobao_item("3500000000000000002", "C", new=True),
            taobao_item("3500000000000000003", "D", new=True),
            taobao_item("3500000000000000004", "E", new=True),
        ],
    )
    [parsed] = parse_files([write_csv(items, ITEMS), write_csv(orders, ORDERS)], format="taobao")
    got = {o.order_no: o for o in parsed.orders}
    assert [line.sku for line in got["3500000000000000001"].lines] == ["A"]
    assert got["3500000000000000002"].status is OrderStatus.REFUNDED
    assert "3500000000000000003" not in got
    assert "3500000000000000004" not in got  # closed before payment
    assert [(s.code, s.row) for s in parsed.skipped] == [("unpaid", 4), ("unpaid", 5)]
    assert parsed.problems == []


def test_modified_address_wins_over_the_original(write_csv: WriteCsv) -> None:
    orders = rows_for(
        TAOBAO_ORDERS_OLD,
        [taobao_order("3600000000000000001", 修改后的收货地址="上海 上海市 浦东新区 张江路 1号")],
    )
    items = rows_for(TAOBAO_ITEMS_OLD, [taobao_item("3600000000000000001", "A")])
    [parsed] = parse_files([write_csv(orders, ORDERS), write_csv(items, ITEMS)])
    assert parsed.orders[0].address == "上海 上海市 浦东新区 张江路 1号"


def test_xlsx_pair_with_text_cells(write_xlsx: WriteXlsx) -> None:
    orders = rows_for(
        TAOBAO_ORDERS_NEW, [taobao_order("3700000000000000001", 订单编号="3700000000000000001")]
    )
    items = rows_for(
        TAOBAO_ITEMS_NEW,
        [taobao_item("3700000000000000001", "A", new=True, 主订单编号="3700000000000000001")],
    )
    [parsed] = parse_files(
        [
            write_xlsx(orders, "ExportOrderList1.xlsx"),
            write_xlsx(items, "ExportOrderDetailList1.xlsx"),
        ]
    )
    assert parsed.encoding == "xlsx"
    assert [o.order_no for o in parsed.orders] == ["3700000000000000001"]


def test_bad_item_rows_reject_the_order_and_name_the_item_file(write_csv: WriteCsv) -> None:
    orders = rows_for(
        TAOBAO_ORDERS_OLD,
        [
            taobao_order("3800000000000000001"),
            taobao_order("3800000000000000002"),
            taobao_order("3800000000000000003"),
        ],
    )
    items = rows_for(
        TAOBAO_ITEMS_OLD,
        [
            taobao_item("3800000000000000001", "A"),
            taobao_item("3800000000000000001", "B", qty="abc"),  # row 3
            taobao_item("3800000000000000002", ""),  # row 4: no 商家编码
            taobao_item("3899999999999999999", "Z"),  # row 5: not in the order report
        ],
    )
    items_path = write_csv(items, ITEMS)
    orders_path = write_csv(orders, ORDERS)
    [parsed] = parse_files([orders_path, items_path])
    assert parsed.orders == []
    found = {(Path(p.file).name, p.row, p.column, p.code) for p in parsed.problems}
    assert found == {
        (ITEMS, 3, "购买数量", "bad_line"),
        (ITEMS, 4, "商家编码", "bad_line"),
        (ITEMS, 5, "订单编号", "unknown_order"),
        (ORDERS, 4, "订单编号", "no_lines"),
    }


def test_scientific_order_numbers_refuse_the_pair(write_csv: WriteCsv) -> None:
    orders = rows_for(TAOBAO_ORDERS_OLD, [taobao_order("x", 订单编号="3.41235E+18")])
    items = rows_for(TAOBAO_ITEMS_OLD, [taobao_item("x", "A", 订单编号="3.41235E+18")])
    with pytest.raises(UserError) as caught:
        parse_files([write_csv(orders, ORDERS), write_csv(items, ITEMS)])
    assert "科学计数法" in caught.value.zh


def test_a_lone_order_report_cannot_be_imported(write_csv: WriteCsv) -> None:
    orders = rows_for(TAOBAO_ORDERS_OLD, [taobao_order("3900000000000000001")])
    with pytest.raises(UserError, match="宝贝报表"):
        parse_files([write_csv(orders, ORDERS)])


def test_two_pairs_are_matched_by_the_export_time_in_their_names(write_csv: WriteCsv) -> None:
    paths = []
    for stamp, no in (
        ("202611110930", "3910000000000000001"),
        ("202611111030", "3910000000000000002"),
    ):
        paths.append(
            write_csv(
                rows_for(TAOBAO_ORDERS_OLD, [taobao_order(no)]), f"ExportOrderList{stamp}.csv"
            )
        )
        paths.append(
            write_csv(
                rows_for(TAOBAO_ITEMS_OLD, [taobao_item(no, "A")]),
                f"ExportOrderDetailList{stamp}.csv",
            )
        )
    parsed = parse_files(paths)
    assert sorted(o.order_no for p in parsed for o in p.orders) == [
        "3910000000000000001",
        "3910000000000000002",
    ]
    assert all(p.problems == [] for p in parsed)


def test_missing_key_columns_are_listed(write_csv: WriteCsv) -> None:
    items = [["订单编号", "购买数量", "商家编码"], ['="1"', "1", "A"]]  # no 标题
    orders = rows_for(TAOBAO_ORDERS_OLD, [taobao_order("1")])
    with pytest.raises(UserError) as caught:
        parse_files([write_csv(orders, ORDERS), write_csv(items, ITEMS)])
    assert "缺少必需的列：标题" in caught.value.zh
    assert "lacks required columns" in caught.value.en


def test_reports_that_cannot_be_paired_are_named(write_csv: WriteCsv) -> None:
    paths = [
        write_csv(rows_for(TAOBAO_ORDERS_OLD, [taobao_order("1")]), "ExportOrderList1.csv"),
        write_csv(rows_for(TAOBAO_ORDERS_OLD, [taobao_order("2")]), "ExportOrderList2.csv"),
        write_csv(
            rows_for(TAOBAO_ITEMS_OLD, [taobao_item("1", "A")]), "ExportOrderDetailList1.csv"
        ),
        write_csv(
            rows_for(TAOBAO_ITEMS_OLD, [taobao_item("3", "A")]), "ExportOrderDetailList3.csv"
        ),
    ]
    with pytest.raises(UserError) as caught:
        parse_files(paths)
    assert "ExportOrderList2.csv" in caught.value.en
    assert "ExportOrderDetailList3.csv" in caught.value.en
    assert "ExportOrderList1.csv" not in caught.value.en


@pytest.mark.parametrize(
    ("order_header", "item_header", "new_items"),
    [
        (TAOBAO_ORDERS_OLD, TAOBAO_ITEMS_OLD, False),
        (TAOBAO_ORDERS_WIDEST, TAOBAO_ITEMS_OLD, False),
        (TAOBAO_ORDERS_WIDEST, TAOBAO_ITEMS_NEW, True),
        (TAOBAO_ORDERS_NEW, TAOBAO_ITEMS_NEW, True),
    ],
)
def test_every_column_set_combination_joins(
    write_csv: WriteCsv, order_header: list[str], item_header: list[str], new_items: bool
) -> None:
    no = "3920000000000000001"
    orders = rows_for(order_header, [taobao_order(no, 主订单编号=f'="{no}"')])
    items = rows_for(
        item_header, [taobao_item(no, "A", "2", new=new_items), taobao_item(no, "B", new=new_items)]
    )
    [parsed] = parse_files([write_csv(orders, ORDERS, "gbk"), write_csv(items, ITEMS, "gbk")])
    assert parsed.problems == []
    [order] = parsed.orders
    assert (order.order_no, order.recipient, order.status) == (no, "张伟", OrderStatus.PAID)
    assert [(line.sku, line.quantity) for line in order.lines] == [("A", 2), ("B", 1)]


def test_progress_over_a_pair_moves_forward_in_batches_and_ends_full(write_csv: WriteCsv) -> None:
    numbers = [f"39300000000{i:08d}" for i in range(3000)]
    orders = rows_for(TAOBAO_ORDERS_OLD, [taobao_order(n) for n in numbers])
    items = rows_for(TAOBAO_ITEMS_OLD, [taobao_item(n, s) for n in numbers for s in "AB"])
    calls: list[tuple[int, int]] = []
    [parsed] = parse_files(
        [write_csv(orders, ORDERS), write_csv(items, ITEMS)],
        progress=lambda done, total: calls.append((done, total)),
    )
    assert len(parsed.orders) == 3000
    assert 5 <= len(calls) <= 20  # every ~1,000 rows, not every row
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == calls[-1][1] >= 9000
