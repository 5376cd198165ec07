"""Parser for single-table platform exports (one row per order line), configured per platform.

JD and Pinduoduo both export one sheet where every row carries the order fields and one
line; their modules only describe columns and status words (`FlatSpec`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from packstation.importers import cells
from packstation.importers.assemble import OrderAssembler
from packstation.importers.reading import Table
from packstation.importers.records import OrderStatus, ParsedFile, RowProblem
from packstation.importers.tables import (
    TICK_ROWS,
    Column,
    missing_columns_error,
    pick,
    scientific_error,
)

Tick = Callable[[int], None]
UNPAID = "unpaid"
StatusFn = Callable[[str, str], OrderStatus | str | None]  # (status, after-sale) -> status


@dataclass(frozen=True, slots=True)
class FlatSpec:
    """Where a platform keeps each field; `()` for a field it does not export."""

    format: str
    platform: str
    order_no: Column
    status: Column
    recipient: Column
    phone: Column
    address: Column
    sku: Column
    qty: Column
    status_of: StatusFn
    title: Column = ()
    province: Column = ()
    city: Column = ()
    district: Column = ()
    carrier: Column = ()
    waybill: Column = ()
    buyer_note: Column = ()
    seller_note: Column = ()
    after_sale: Column = ()
    fallback_sku: Column = ()  # used when `sku` is empty (JD 货号 behind 商家SKUID)


def _names(column: Column) -> tuple[str, ...]:
    return column if isinstance(column, tuple) else (column,)


def _label(table: Table, column: Column) -> str:
    names = _names(column)
    index = table.find(*names) if names else None
    return table.raw_headers[index].strip() if index is not None else (names[0] if names else "")


def parse(table: Table, spec: FlatSpec, tick: Tick) -> ParsedFile:
    required = {
        "order_no": spec.order_no,
        "status": spec.status,
        "sku": _names(spec.sku) + _names(spec.fallback_sku),
        "qty": spec.qty,
        "recipient": spec.recipient,
        "address": spec.address,
    }
    missing = []
    for column in required.values():
        names = _names(column)
        if table.find(*names) is None:
            missing.append(names[0])
    if missing:
        raise missing_columns_error(table, missing)
    get = pick(
        table,
        (
            spec.order_no,
            spec.status,
            spec.after_sale,
            spec.recipient,
            spec.phone,
            spec.address,
            spec.province,
            spec.city,
            spec.district,
            spec.carrier,
            spec.waybill,
            spec.buyer_note,
            spec.seller_note,
            spec.sku,
            spec.fallback_sku,
            spec.title,
            spec.qty,
        ),
    )
    label = {name: _label(table, getattr(spec, name)) for name in ("order_no", "status", "qty")}
    label["sku"] = _label(table, _names(spec.sku) + _names(spec.fallback_sku))
    asm = OrderAssembler(
        table.name,
        {"recipient": _label(table, spec.recipient), "address": _label(table, spec.address)},
    )
    parsed = ParsedFile(spec.format, sources=(table.name,), encoding=table.encoding)
    short = cells.Memo(cells.text)  # columns with few distinct values: status, carrier, …
    skus, quantities = cells.Memo(cells.identifier), cells.Memo(cells.quantity)
    for count, (row_no, row) in enumerate(table.rows, start=1):
        if not count % TICK_ROWS:
            tick(TICK_ROWS)
        (
            no_raw,
            status_raw,
            after_sale,
            name,
            phone,
            address,
            province,
            city,
            district,
            carrier,
            waybill,
            buyer_note,
            seller_note,
            sku_raw,
            sku_alt,
            title,
            qty_raw,
        ) = get(row)
        order_no = cells.identifier(no_raw)
        if not order_no:
            asm.problem(
                row_no, label["order_no"], "缺少订单号 / order number is empty", "missing_value"
            )
            continue
        if cells.is_scientific(order_no):
            raise scientific_error(table, row_no, label["order_no"], order_no)
        status_text = short[status_raw]
        status = spec.status_of(status_text, short[after_sale])
        if status is None:
            asm.reject(
                order_no,
                row_no,
                label["status"],
                f"未知订单状态“{status_text[:40]}” / unknown order status",
                "bad_status",
            )
            continue
        if status == UNPAID:
            parsed.skipped.append(
                RowProblem(
                    table.name,
                    row_no,
                    label["status"],
                    f"未付款订单，未导入 / unpaid order {order_no} left out",
                    "unpaid",
                    order_no,
                )
            )
            continue
        assert isinstance(status, OrderStatus)
        phone_no, waybill_no = cells.code(phone), cells.identifier(waybill)
        bad = cells.code_problem(order_no) or cells.code_problem(waybill_no)
        if bad:
            asm.reject(order_no, row_no, label["order_no"], bad, "bad_code")
            continue
        parts = (short[province], short[city], short[district])
        street = cells.text(address)
        full = " ".join(p for p in (*parts, street) if p) if spec.province else street
        notes = cells.remarks(cells.text(buyer_note), cells.text(seller_note))
        head = (
            spec.platform,
            status,
            cells.text(name),
            phone_no,
            full[: cells.MAX_TEXT_LEN],
            *parts,
            short[carrier],
            waybill_no,
            notes,
            order_no,
        )
        if not asm.head(order_no, row_no, head):
            continue
        sku = skus[sku_raw] or skus[sku_alt]
        why = (
            cells.code_problem(sku) if sku else "商家编码为空，无法核对商品 / the SKU code is empty"
        )
        if why:
            asm.reject(order_no, row_no, label["sku"], why, "bad_code")
            continue
        qty = quantities[qty_raw]
        if qty is None:
            asm.reject(
                order_no,
                row_no,
                label["qty"],
                "数量不是正整数 / quantity is not a positive whole number",
                "bad_quantity",
            )
            continue
        asm.line(order_no, sku, short[title], qty, ())
    parsed.orders = asm.orders()
    parsed.problems = asm.problems
    return parsed
