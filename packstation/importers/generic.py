"""The generic order file of DESIGN.md and the product catalogue file.

Generic columns: order_no, platform, status, recipient, phone, address, province, city,
district, carrier, waybill_no, sku, title, qty, barcodes (+ optional remarks,
platform_order_no). Required columns: order_no, status, recipient, address, sku, qty;
a paid (packable) order also needs a recipient and an address in its rows, or no
waybill could be printed for it. Catalogue columns: sku, title, barcodes (sku and
barcodes required; 商家编码/货号, 商品名称, 条码/条形码 accepted as their names).
"""

from __future__ import annotations

from collections.abc import Callable

from packstation.importers import cells
from packstation.importers.assemble import OrderAssembler
from packstation.importers.reading import Table
from packstation.importers.records import (
    BarcodeSpec,
    ImportedProduct,
    OrderStatus,
    ParsedFile,
    RowProblem,
)
from packstation.importers.tables import TICK_ROWS, missing_columns_error, pick, scientific_error

Progress = Callable[[int], None]

ORDER_REQUIRED = ("order_no", "status", "recipient", "address", "sku", "qty")
ORDER_OPTIONAL = (
    "platform",
    "phone",
    "province",
    "city",
    "district",
    "carrier",
    "waybill_no",
    "remarks",
    "platform_order_no",
    "title",
    "barcodes",
)
# Catalogue columns with the Chinese names sellers' own product sheets use.
PRODUCT_SKU = ("sku", "商家编码", "货号", "商品编码")
PRODUCT_TITLE = ("title", "商品名称", "名称", "标题")
PRODUCT_BARCODES = ("barcodes", "barcode", "条码", "条形码", "商品条码")
_ORDER_NUMBER_HEADERS = {"order_no", "订单号", "订单编号", "主订单编号"}

STATUS_WORDS: dict[str, OrderStatus] = {
    "paid": OrderStatus.PAID,
    "packable": OrderStatus.PAID,
    "待发货": OrderStatus.PAID,
    "已付款": OrderStatus.PAID,
    "shipped": OrderStatus.SHIPPED,
    "已发货": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
    "canceled": OrderStatus.CANCELLED,
    "已取消": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
    "已退款": OrderStatus.REFUNDED,
}
DEFAULT_PLATFORM = "generic"


def looks_like_orders(headers: set[str]) -> bool:
    """`order_no` alone marks the generic file, so a missing column is named, not guessed."""
    return "order_no" in headers


def looks_like_products(headers: set[str]) -> bool:
    return (
        bool(headers & set(PRODUCT_SKU))
        and bool(headers & set(PRODUCT_BARCODES))
        and not headers & _ORDER_NUMBER_HEADERS
    )


def parse_orders(table: Table, tick: Progress) -> ParsedFile:
    """Read the generic order file; bad rows become problems, their orders are left out."""
    missing = [c for c in ORDER_REQUIRED if table.find(c) is None]
    if missing:
        raise missing_columns_error(table, missing)
    cols = ORDER_REQUIRED + ORDER_OPTIONAL
    get = pick(table, cols)
    labels = {c: c for c in cols}
    asm = OrderAssembler(table.name, labels)
    short = cells.Memo(cells.text)  # columns with few distinct values: status, platform, …
    skus, quantities = cells.Memo(cells.identifier), cells.Memo(cells.quantity)
    codes_of = cells.Memo(cells.barcodes)
    for count, (row_no, row) in enumerate(table.rows, start=1):
        if not count % TICK_ROWS:
            tick(TICK_ROWS)
        (
            order_raw,
            status_raw,
            recipient,
            address,
            sku_raw,
            qty_raw,
            platform,
            phone,
            province,
            city,
            district,
            carrier,
            waybill,
            remarks,
            pon,
            title,
            codes_raw,
        ) = get(row)
        order_no = cells.identifier(order_raw)
        if not order_no:
            asm.problem(row_no, "order_no", "缺少订单号 / order_no is empty", "missing_value")
            continue
        if cells.is_scientific(order_no):
            raise scientific_error(table, row_no, "order_no", order_no)
        why = cells.code_problem(order_no)
        if why:
            asm.reject(order_no, row_no, "order_no", why, "bad_code")
            continue
        status = STATUS_WORDS.get(short[status_raw].lower())
        if status is None:
            asm.reject(
                order_no,
                row_no,
                "status",
                f"未知状态“{cells.text(status_raw)[:40]}”，应为 paid/shipped/cancelled/refunded / "
                "unknown status, expected paid, shipped, cancelled or refunded",
                "bad_status",
            )
            continue
        phone_no, waybill_no = cells.code(phone), cells.identifier(waybill)
        platform_no = cells.code(pon)
        bad_id = _first_bad_id(
            (("phone", phone_no), ("waybill_no", waybill_no), ("platform_order_no", platform_no))
        )
        if bad_id:
            asm.reject(order_no, row_no, bad_id[0], bad_id[1], "bad_code")
            continue
        head = (
            short[platform].lower() or DEFAULT_PLATFORM,
            status,
            cells.text(recipient),
            phone_no,
            cells.text(address),
            short[province],
            short[city],
            short[district],
            short[carrier],
            waybill_no,
            cells.text(remarks),
            platform_no,
        )
        if status is OrderStatus.PAID and not (head[2] and head[4]):
            asm.reject(
                order_no,
                row_no,
                "address" if head[2] else "recipient",
                "待发货订单缺少收货人或地址，无法打印面单 / "
                "a paid order needs a recipient and an address for its waybill",
                "missing_value",
            )
            continue
        if not asm.head(order_no, row_no, head):
            continue
        sku = skus[sku_raw]
        if not sku or cells.code_problem(sku):
            reason = cells.code_problem(sku) or "缺少 SKU / sku is empty"
            asm.reject(order_no, row_no, "sku", reason, "missing_value" if not sku else "bad_code")
            continue
        qty = quantities[qty_raw]
        if qty is None:
            asm.reject(
                order_no,
                row_no,
                "qty",
                f"数量“{cells.text(qty_raw)[:20]}”不是正整数 / qty is not a positive whole number",
                "bad_quantity",
            )
            continue
        codes, why = codes_of[codes_raw]
        if why:
            asm.reject(order_no, row_no, "barcodes", why, "bad_barcodes")
            continue
        asm.line(order_no, sku, short[title], qty, codes)
    return ParsedFile(
        "csv",
        orders=asm.orders(),
        problems=asm.problems,
        sources=(table.name,),
        encoding=table.encoding,
    )


def parse_products(table: Table, tick: Progress) -> ParsedFile:
    """Read the catalogue; the same SKU twice keeps the first title and all barcodes."""
    missing = [names[0] for names in (PRODUCT_SKU, PRODUCT_BARCODES) if table.find(*names) is None]
    if missing:
        raise missing_columns_error(table, missing)
    get = pick(table, (PRODUCT_SKU, PRODUCT_TITLE, PRODUCT_BARCODES))
    sku_label = table.raw_headers[table.find(*PRODUCT_SKU) or 0].strip()
    codes_label = table.raw_headers[table.find(*PRODUCT_BARCODES) or 0].strip()
    parsed = ParsedFile("products", sources=(table.name,), encoding=table.encoding)
    found: dict[str, tuple[str, list[BarcodeSpec]]] = {}
    for count, (row_no, row) in enumerate(table.rows, start=1):
        if not count % TICK_ROWS:
            tick(TICK_ROWS)
        sku_raw, title, codes_raw = get(row)
        sku = cells.identifier(sku_raw)
        why = "缺少 SKU / sku is empty" if not sku else cells.code_problem(sku)
        if why:
            parsed.problems.append(_problem(table, row_no, sku_label, why, "bad_code"))
            continue
        codes, why = cells.barcodes(codes_raw)
        if why:
            parsed.problems.append(_problem(table, row_no, codes_label, why, "bad_barcodes"))
            continue
        known = found.setdefault(sku, (cells.text(title), []))
        known[1].extend(c for c in codes if c not in known[1])
    parsed.products = [ImportedProduct(s, t, tuple(c)) for s, (t, c) in found.items()]
    return parsed


def _first_bad_id(values: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    for column, value in values:
        if value:
            why = cells.code_problem(value)
            if why:
                return column, why
    return None


def _problem(table: Table, row: int, column: str, reason: str, code: str) -> RowProblem:
    return RowProblem(table.name, row, column, reason, code)
