"""JD and Pinduoduo order exports: real column sets, tab-prefixed numbers, after-sale refunds."""

from __future__ import annotations

import pytest

from packstation.errors import UserError
from packstation.importers import parse_files
from packstation.importers.records import OrderStatus
from tests.importers.conftest import WriteCsv, WriteXlsx
from tests.importers.platforms import JD_HEADER, PDD_HEADER, jd_line, pdd_order, rows_for


def test_jd_export_groups_lines_and_maps_statuses(write_csv: WriteCsv) -> None:
    rows = rows_for(
        JD_HEADER,
        [
            jd_line("280000000001", "", 商家SKUID="MUG-01", qty="2"),
            jd_line("280000000001", "", 货号="CABLE-C", 商品名称="USB-C 数据线 1m"),
            jd_line(
                "280000000002",
                "TEE-RED-M",
                订单状态="等待确认收货",
                承运商="京东快递",
                运单号="JDV000000000042",
            ),
            jd_line("280000000003", "TEE-RED-M", 订单状态="锁定"),
            jd_line("280000000004", "TEE-RED-M", 订单状态="已取消"),
            jd_line("280000000005", "TEE-RED-M", 订单状态="等待付款"),
        ],
    )
    [parsed] = parse_files([write_csv(rows, "jd_orders.csv", encoding="gbk")])
    assert parsed.format == "jd"
    assert parsed.problems == []
    got = {o.order_no: o for o in parsed.orders}
    first = got["280000000001"]
    assert first.platform == "jd"
    assert first.status is OrderStatus.PAID
    assert first.address == "广东广州市越秀区北京路 200号"
    assert [(line.sku, line.quantity) for line in first.lines] == [("MUG-01", 2), ("CABLE-C", 1)]
    shipped = got["280000000002"]
    assert (shipped.status, shipped.carrier, shipped.waybill_no) == (
        OrderStatus.SHIPPED,
        "京东快递",
        "JDV000000000042",
    )
    assert got["280000000003"].status is OrderStatus.CANCELLED  # locked: must not ship
    assert got["280000000004"].status is OrderStatus.CANCELLED
    assert "280000000005" not in got
    assert [s.code for s in parsed.skipped] == ["unpaid"]


def test_jd_line_without_any_sku_rejects_its_order(write_csv: WriteCsv) -> None:
    rows = rows_for(JD_HEADER, [jd_line("280000000009", "", 商品名称="无编码商品")])
    [parsed] = parse_files([write_csv(rows, "jd.csv")], format="jd")
    assert parsed.orders == []
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [(2, "商家SKUID", "bad_code")]


def test_pdd_export_with_tab_prefixed_numbers_and_split_address(write_csv: WriteCsv) -> None:
    rows = rows_for(
        PDD_HEADER,
        [
            pdd_order("231111-123456789012345", "SOCK-5P", qty="3"),
            pdd_order("231111-123456789012346", "SOCK-5P", 售后状态="退款成功"),
            pdd_order("231111-123456789012347", "SOCK-5P", 售后状态="售后处理中"),
            pdd_order(
                "231111-123456789012348",
                "SOCK-5P",
                订单状态="已发货，待签收",
                快递公司="韵达快递",
                快递单号="\t4312345678901",
            ),
            pdd_order("231111-123456789012349", "SOCK-5P", 订单状态="已取消"),
            pdd_order("231111-123456789012350", "SOCK-5P", 订单状态="未发货，退款成功"),
        ],
    )
    [parsed] = parse_files([write_csv(rows, "pdd_orders.csv", encoding="utf-8-sig")])
    assert parsed.format == "pdd"
    assert parsed.problems == []
    got = {o.order_no: o for o in parsed.orders}
    first = got["231111-123456789012345"]
    assert first.phone == "135****4444"
    assert (first.province, first.city, first.district) == ("广东省", "深圳市", "南山区")
    assert first.address == "广东省 深圳市 南山区 科技园南区 5栋"
    assert [(line.sku, line.quantity, line.title) for line in first.lines] == [
        ("SOCK-5P", 3, "运动袜 五双装")
    ]
    assert got["231111-123456789012346"].status is OrderStatus.REFUNDED
    assert got["231111-123456789012347"].status is OrderStatus.REFUNDED  # refund requested
    shipped = got["231111-123456789012348"]
    assert (shipped.status, shipped.waybill_no) == (OrderStatus.SHIPPED, "4312345678901")
    assert got["231111-123456789012349"].status is OrderStatus.CANCELLED
    assert got["231111-123456789012350"].status is OrderStatus.REFUNDED


def test_pdd_xlsx_export(write_xlsx: WriteXlsx) -> None:
    rows = rows_for(PDD_HEADER, [pdd_order("231111-000000000000001", "MUG-01")])
    rows[1][PDD_HEADER.index("商品数量(件)")] = 2  # type: ignore[call-overload]
    [parsed] = parse_files([write_xlsx(rows, "pdd.xlsx")])
    assert parsed.orders[0].lines[0].quantity == 2
    assert parsed.orders[0].order_no == "231111-000000000000001"


def test_pdd_unknown_status_is_reported_with_its_column(write_csv: WriteCsv) -> None:
    rows = rows_for(PDD_HEADER, [pdd_order("231111-000000000000002", "A", 订单状态="神秘状态")])
    [parsed] = parse_files([write_csv(rows, "pdd.csv")])
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [(2, "订单状态", "bad_status")]


def test_pdd_missing_required_column_is_named(write_csv: WriteCsv) -> None:
    header = [h for h in PDD_HEADER if h != "收货人"]
    rows = rows_for(header, [pdd_order("231111-000000000000003", "A")])
    with pytest.raises(UserError) as caught:
        parse_files([write_csv(rows, "pdd.csv")])
    assert "收货人" in caught.value.zh


def test_older_jd_export_without_merchant_sku_column_uses_item_number(write_csv: WriteCsv) -> None:
    header = [h for h in JD_HEADER if h != "商家SKUID"]
    rows = rows_for(header, [jd_line("280000000010", "MUG-01"), jd_line("280000000011", "")])
    [parsed] = parse_files([write_csv(rows, "jd.csv")])
    assert [(o.order_no, o.lines[0].sku) for o in parsed.orders] == [("280000000010", "MUG-01")]
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [(3, "货号", "bad_code")]
