"""Taobao / Tmall seller export: 订单报表 (ExportOrderList) + 宝贝报表 (ExportOrderDetailList).

Column sets (header names after normalisation; both old and new spellings accepted):
- Order report, older wide set (~40 columns, 2016-): 订单编号, 买家会员名, 买家支付宝账号,
  买家应付货款, …, 订单状态, 买家留言, 收货人姓名, 收货地址, 运送方式, 联系电话, 联系手机,
  订单创建时间, 订单付款时间, 宝贝标题, 宝贝种类, 物流单号, 物流公司, 订单备注, 宝贝总数量,
  店铺Id, 店铺名称, 订单关闭原因, …, 修改后的sku, 修改后的收货地址, 异常信息, …
  Around 2020-2022 it grew to 61 columns (支付单号, 支付详情, …, 退款金额, 确认收货时间,
  打款商家金额, …, 配送类型, 主订单编号). Newer 千牛 exports are shorter (订单编号, 支付单号,
  买家会员名, 买家实付金额, 订单状态, 买家留言, 收货人姓名, 收货地址, 联系手机, 物流单号,
  物流公司, 订单备注, 订单关闭原因, 退款金额, …). Only the key columns used below matter.
- Item report, older set: 订单编号, 标题, 价格, 购买数量, 外部系统编号, 商品属性, 套餐信息,
  备注, 订单状态, 商家编码. Newer set: 子订单编号, 主订单编号, 标题/商品标题, 价格, 购买数量,
  外部系统编号, 商品属性, 套餐信息, 备注, 订单状态, 商家编码, 支付单号, 买家应付货款,
  买家实际支付金额, 退款状态, 退款金额, 订单创建时间, 订单付款时间, …
The item report joins the order report on 订单编号 (主订单编号 in the newer set); 商家编码
is the SKU. Sources: the shared samples and public parsers of these exports (see the
importers report); Taobao publishes no formal spec.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from packstation.errors import UserError
from packstation.importers import cells
from packstation.importers.assemble import HEAD_FIELDS, Head, OrderAssembler
from packstation.importers.reading import Table
from packstation.importers.records import OrderStatus, ParsedFile, RowProblem
from packstation.importers.tables import TICK_ROWS, missing_columns_error, pick, scientific_error

Tick = Callable[[int], None]
PLATFORM = "taobao"

ORDER_KEYS = {"订单编号", "收货人姓名", "订单状态"}
ITEM_NO = ("主订单编号", "订单编号")
ITEM_TITLE = ("标题", "商品标题", "宝贝标题")
ITEM_QTY = ("购买数量", "宝贝数量", "数量")
PHONE = ("联系手机", "手机", "联系电话")

UNPAID = "unpaid"
_STATUS: dict[str, OrderStatus | str] = {
    "买家已付款,等待卖家发货": OrderStatus.PAID,
    "等待卖家发货": OrderStatus.PAID,
    "待发货": OrderStatus.PAID,
    "卖家部分发货": OrderStatus.PAID,  # item rows say which lines already left
    "部分发货": OrderStatus.PAID,
    "卖家已发货,等待买家确认": OrderStatus.SHIPPED,
    "已发货": OrderStatus.SHIPPED,
    "交易成功": OrderStatus.SHIPPED,
    "已完成": OrderStatus.SHIPPED,
    "交易关闭": OrderStatus.CANCELLED,  # refunded when the close reason is a refund
    "交易被淘宝关闭": OrderStatus.CANCELLED,
    "已关闭": OrderStatus.CANCELLED,
    "已取消": OrderStatus.CANCELLED,
    "退款成功": OrderStatus.REFUNDED,
    "已退款": OrderStatus.REFUNDED,
    "等待买家付款": UNPAID,
    "待付款": UNPAID,
    "买家已付定金": UNPAID,
    "等待买家付尾款": UNPAID,
    "付款确认中": UNPAID,
}
_REFUND_WORDS = ("退款", "退货")
_GONE = (OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.REFUNDED)
_NO_REFUND = {"", "无退款", "无退款申请", "没有申请退款", "退款关闭", "0", "0.00", "-"}
_ZIP_OPEN = ("(", "（")


@lru_cache(maxsize=256)
def status_of(raw: str) -> OrderStatus | str | None:
    """Map a Taobao status text (either comma width, any spacing) to OrderStatus or UNPAID."""
    key = unicodedata.normalize("NFKC", raw).replace(" ", "")
    return _STATUS.get(key)


def looks_like_orders(headers: set[str]) -> bool:
    return headers >= ORDER_KEYS


def looks_like_items(headers: set[str]) -> bool:
    return (
        "商家编码" in headers
        and bool(headers & set(ITEM_NO))
        and bool(headers & set(ITEM_QTY))
        and "收货人姓名" not in headers
    )


# One item-report row: (row number, sku, title, quantity, gone), where gone means refunded,
# closed or already shipped, not to be packed. A plain tuple: hundreds of thousands are
# made per import and a NamedTuple costs twice as much to build.
_Item = tuple[int, str, str, int, bool]


def pairs(tables: Sequence[tuple[str, Table]]) -> list[tuple[Table, Table]]:
    """(order report, item report) pairs of these tables; UserError if one has no partner."""
    orders = [t for kind, t in tables if kind == "taobao_orders"]
    items = [t for kind, t in tables if kind == "taobao_items"]
    return _pairs(orders, items)


def _pairs(orders: list[Table], items: list[Table]) -> list[tuple[Table, Table]]:
    """One of each pairs directly; several pair by the digits (export time) in their names."""
    if len(orders) == 1 and len(items) == 1:
        return [(orders[0], items[0])]
    order_stamps = [_stamp(t.name) for t in orders]
    item_stamps = [_stamp(t.name) for t in items]
    lonely = _unmatched(orders, order_stamps, item_stamps)
    lonely += _unmatched(items, item_stamps, order_stamps)
    if lonely or not orders:
        raise UserError(
            "淘宝/天猫订单需要“订单报表”和“宝贝报表”成对导入（文件名中的导出时间相同）。"
            f"无法配对：{'、'.join(lonely)}",
            "Taobao/Tmall orders need the order report (ExportOrderList) and the item report "
            "(ExportOrderDetailList) together, with the same export time in their names. "
            f"Cannot pair: {', '.join(lonely)}",
        )
    by_stamp = dict(zip(item_stamps, items, strict=True))
    return [(o, by_stamp[s]) for o, s in zip(orders, order_stamps, strict=True)]


def _unmatched(tables: list[Table], stamps: list[str], others: list[str]) -> list[str]:
    """Names whose stamp has no partner, or is shared by two files of the same kind."""
    return [
        table.name
        for table, stamp in zip(tables, stamps, strict=True)
        if stamp not in others or stamps.count(stamp) > 1
    ]


def _stamp(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isdigit())


def parse_pair(orders: Table, items: Table, tick: Tick) -> ParsedFile:
    """The item report is read first; then each order-report row is joined to its lines."""
    labels = {"recipient": "收货人姓名", "address": "收货地址"}
    asm = OrderAssembler(orders.name, labels)
    parsed = ParsedFile("taobao", sources=(orders.name, items.name), encoding=orders.encoding)
    lines = _read_items(items, asm, tick)
    _join_orders(order_rows(orders), asm, lines, parsed.skipped, orders.name, tick)
    no_label = items.raw_headers[items.find(*ITEM_NO) or 0].strip()
    for order_no, found in lines.items():
        if not asm.known(order_no):
            first = found[0][0] if found else 0
            asm.problem(
                first,
                no_label,
                f"订单 {order_no} 不在订单报表中，请同时导出两份报表 / order {order_no} is not in "
                "the order report; export both reports together",
                "unknown_order",
                items.name,
            )
    parsed.orders = asm.orders()
    parsed.problems = asm.problems
    return parsed


def _read_items(table: Table, asm: OrderAssembler, tick: Tick) -> dict[str, list[_Item]]:
    needed = {"订单编号/主订单编号": ITEM_NO, "标题": ITEM_TITLE, "购买数量": ITEM_QTY}
    missing = [label for label, names in needed.items() if table.find(*names) is None]
    if table.find("商家编码") is None:
        missing.append("商家编码")
    if missing:
        raise missing_columns_error(table, missing)
    no_label = table.raw_headers[table.find(*ITEM_NO) or 0].strip()
    get = pick(
        table, (ITEM_NO, "商家编码", ITEM_TITLE, "商品属性", ITEM_QTY, "订单状态", "退款状态")
    )
    found: dict[str, list[_Item]] = {}
    skus, quantities = cells.Memo(cells.checked_code), cells.Memo(cells.quantity)
    titles, attributes = cells.Memo(cells.text), cells.Memo(cells.text)
    gone_by_status = cells.Memo(lambda raw: status_of(cells.text(raw)) in _GONE)
    last_raw, order_no, no_problem = None, "", None
    order_lines: list[_Item] = []
    for count, (row_no, row) in enumerate(table.rows, start=1):
        if not count % TICK_ROWS:
            tick(TICK_ROWS)
        no_raw, sku_raw, title, attrs, qty_raw, status_raw, refund = get(row)
        if no_raw != last_raw:  # lines of one order are consecutive: check its number once
            last_raw, order_no = no_raw, cells.identifier(no_raw)
            if cells.is_scientific(order_no):
                raise scientific_error(table, row_no, no_label, order_no)
            no_problem = cells.code_problem(order_no) if order_no else None
            order_lines = found.setdefault(order_no, [])
        if not order_no:
            asm.problem(
                row_no,
                no_label,
                "缺少订单编号 / order number is empty",
                "missing_value",
                table.name,
            )
            continue
        (sku, sku_problem), qty = skus[sku_raw], quantities[qty_raw]
        if no_problem or sku_problem or not sku or qty is None:
            column, why = "商家编码", no_problem or sku_problem
            if not sku:
                why = "商家编码为空，无法核对商品 / 商家编码 (SKU) is empty"
            if why is None:
                why, column = (
                    "购买数量不是正整数 / quantity is not a positive whole number",
                    "购买数量",
                )
            asm.reject(order_no, row_no, column, why, "bad_line", table.name)
            continue
        title_text = titles[title]
        if attrs:
            title_text = f"{title_text} {attributes[attrs]}".strip()[: cells.MAX_TEXT_LEN]
        gone = gone_by_status[status_raw]
        if refund and not gone:
            gone = _refunded(cells.text(refund))
        order_lines.append((row_no, sku, title_text, qty, gone))
    return found


def _never_paid(close_reason: str) -> bool:
    reason = cells.text(close_reason)
    return "未付款" in reason or "超时" in reason


def _refunded(refund_status: str) -> bool:
    return refund_status not in _NO_REFUND and "成功" in refund_status


# What one order-report row says before the item report is joined to it: (row, order
# number, the order's fields or None, (column, reason, code) of a problem or None).
RowOutcome = tuple[int, str, Head | None, tuple[str, str, str] | None]
_STATUS_AT = HEAD_FIELDS.index("status")


def order_rows(table: Table) -> Iterator[RowOutcome]:
    """Read the order report on its own: one outcome per row, in file order.

    UserError (missing columns, Excel's scientific notation) stops the whole pair."""
    missing = [c for c in ("订单编号", "订单状态", "收货人姓名") if table.find(c) is None]
    if table.find("收货地址", "修改后的收货地址") is None:
        missing.append("收货地址")
    if missing:
        raise missing_columns_error(table, missing)
    get = pick(
        table,
        (
            "订单编号",
            "订单状态",
            "订单关闭原因",
            "收货人姓名",
            "收货地址",
            "修改后的收货地址",
            PHONE,
            "联系电话",
            "物流公司",
            "物流单号",
            "买家留言",
            "订单备注",
            "退款金额",
        ),
    )
    statuses = cells.Memo(lambda raw: status_of(cells.text(raw)))
    carriers = cells.Memo(cells.text)
    for row_no, row in table.rows:
        (
            no_raw,
            status_raw,
            close_reason,
            name,
            address,
            new_address,
            mobile,
            phone,
            carrier,
            waybill,
            message,
            memo,
            refund_amount,
        ) = get(row)
        order_no = cells.identifier(no_raw)
        if not order_no:
            problem = ("订单编号", "缺少订单编号 / order number is empty", "missing_value")
            yield row_no, "", None, problem
            continue
        if cells.is_scientific(order_no):
            raise scientific_error(table, row_no, "订单编号", order_no)
        status = statuses[status_raw]
        if status is None:
            reason = f"未知订单状态“{cells.text(status_raw)[:40]}” / unknown order status"
            yield row_no, order_no, None, ("订单状态", reason, "bad_status")
            continue
        if status is OrderStatus.CANCELLED and close_reason and _never_paid(close_reason):
            status = UNPAID  # closed before payment: never packable, not worth a record
        if status == UNPAID:
            reason = f"未付款订单，未导入 / unpaid order {order_no} left out"
            yield row_no, order_no, None, ("订单状态", reason, UNPAID)  # its code: skipped
            continue
        assert isinstance(status, OrderStatus)
        if status is OrderStatus.CANCELLED and (
            any(w in cells.text(close_reason) for w in _REFUND_WORDS)
            or cells.text(refund_amount) not in _NO_REFUND
        ):
            status = OrderStatus.REFUNDED
        phone_no = cells.code(mobile) or cells.code(phone)
        waybill_no = cells.identifier(waybill) if waybill else ""
        bad = cells.code_problem(order_no)
        if bad or (waybill_no and cells.code_problem(waybill_no)):
            column = "订单编号" if bad else "物流单号"
            reason = bad or cells.code_problem(waybill_no) or ""
            yield row_no, order_no, None, (column, reason, "bad_code")
            continue
        where = cells.text(new_address) if new_address else cells.text(address)
        if where[-1:] in (")", "）"):
            where = _without_zip(where)
        notes = cells.remarks(cells.text(message), cells.text(memo)) if message or memo else ""
        head = (
            PLATFORM,
            status,
            cells.text(name),
            phone_no,
            where,
            "",
            "",
            "",
            carriers[carrier],
            waybill_no,
            notes,
            order_no,
        )
        yield row_no, order_no, head, None


def _join_orders(
    outcomes: Iterable[RowOutcome],
    asm: OrderAssembler,
    lines: dict[str, list[_Item]],
    skipped: list[RowProblem],
    table_name: str,
    tick: Tick,
) -> None:
    """Give each order row its item-report lines, and complete the order."""
    seen: set[str] = set()
    for count, (row_no, order_no, head, problem) in enumerate(outcomes, start=1):
        if not count % TICK_ROWS:
            tick(TICK_ROWS)
        if problem is not None:
            column, reason, code = problem
            if code == UNPAID:
                skipped.append(RowProblem(table_name, row_no, column, reason, code, order_no))
                lines.pop(order_no, None)
            elif order_no:
                asm.reject(order_no, row_no, column, reason, code)
            else:
                asm.problem(row_no, column, reason, code)
            continue
        assert head is not None
        if not asm.head(order_no, row_no, head) or order_no in seen:
            continue  # a repeated identical row adds nothing; a different one was reported
        seen.add(order_no)
        status = head[_STATUS_AT]
        items = lines.pop(order_no, None)  # joined: what is left in `lines` is unknown
        if items is None and status is not OrderStatus.PAID:
            continue  # a closed order without item rows still carries its status
        if items is None:
            asm.reject(
                order_no,
                row_no,
                "订单编号",
                "宝贝报表中没有此订单的商品 / the item report has no lines for this order",
                "no_lines",
            )
            lines[order_no] = []
            continue
        packable = [i for i in items if not i[4]] if status is OrderStatus.PAID else items
        if not packable and items:
            packable = items  # every line gone while the order says paid: keep, let it show
        asm.plain_lines(order_no, [(i[1], i[2], i[3]) for i in packable])


def _without_zip(address: str) -> str:
    """Drop the `(310000)` postcode Taobao appends to addresses."""
    if len(address) > 8 and address[-8] in _ZIP_OPEN and address[-7:-1].isdigit():
        return address[:-8].rstrip()
    return address
