"""The assembler builds ImportedOrder tuples straight from a head of HEAD_FIELDS: the two
must name the same fields in the same order, or every order would come out shifted."""

from __future__ import annotations

from packstation.importers.assemble import HEAD_FIELDS, OrderAssembler
from packstation.importers.records import ImportedLine, ImportedOrder, OrderStatus


def test_head_fields_are_the_order_fields_between_its_number_and_its_lines() -> None:
    assert ImportedOrder._fields == ("order_no", *HEAD_FIELDS, "lines")
    assert ImportedLine._fields == ("sku", "title", "quantity", "barcodes")


def test_an_assembled_order_equals_one_built_by_name() -> None:
    asm = OrderAssembler("f.csv")
    head = ("taobao", OrderStatus.PAID, "张伟", "138****5678", "浙江省杭州市西湖区文三路1号",
            "浙江省", "杭州市", "西湖区", "圆通速递", "YT1", "加急", "TB-1")  # fmt: skip
    assert asm.head("1001", 2, head)
    asm.plain_lines("1001", [("TEE", "T恤", 1), ("MUG", "杯子", 2), ("TEE", "T恤", 2)])
    expected = ImportedOrder(
        order_no="1001", platform="taobao", status=OrderStatus.PAID, recipient="张伟",
        phone="138****5678", address="浙江省杭州市西湖区文三路1号", province="浙江省",
        city="杭州市", district="西湖区", carrier="圆通速递", waybill_no="YT1",
        remarks="加急", platform_order_no="TB-1",
        lines=(ImportedLine("TEE", "T恤", 3), ImportedLine("MUG", "杯子", 2)),
    )  # fmt: skip
    [order] = asm.orders()
    assert order == expected
    assert type(order) is ImportedOrder and type(order.lines[0]) is ImportedLine
    assert order.lines[0].barcodes == () and order.status is OrderStatus.PAID
