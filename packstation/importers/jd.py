"""JD (京东) POP seller order export (商家后台 → 订单管理 → 订单导出), one row per order line.

Columns (CSV or XLSX): 订单号, 商品ID, 商品名称, 订购数量, 支付方式, 下单时间, 京东价, 订单金额,
结算金额, 余额支付, 应付金额, 订单状态, 订单类型, 下单帐号, 客户姓名, 客户地址, 联系电话,
订单备注, 发票类型, 发票抬头, 发票内容, 商家备注, 商家备注等级（等级1-5为由高到低）, 运费金额,
付款确认时间, 增值税发票, 货号, 订单完成时间, 订单来源, 订单渠道, 送装服务, 服务费, 仓库ID,
仓库名称, 是否京仓订单, 是否京配订单, 商家SKUID, … (newer exports add 承运商/运单号 columns).
The SKU is 商家SKUID (the seller's outer SKU id), else 货号.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from packstation.importers import flat
from packstation.importers.reading import Table
from packstation.importers.records import OrderStatus, ParsedFile

_STATUS: dict[str, OrderStatus | str] = {
    "等待出库": OrderStatus.PAID,
    "等待发货": OrderStatus.PAID,
    "待出库": OrderStatus.PAID,
    "等待确认收货": OrderStatus.SHIPPED,
    "等待收货": OrderStatus.SHIPPED,
    "已出库": OrderStatus.SHIPPED,
    "完成": OrderStatus.SHIPPED,
    "已完成": OrderStatus.SHIPPED,
    "已取消": OrderStatus.CANCELLED,
    "取消": OrderStatus.CANCELLED,
    "删除": OrderStatus.CANCELLED,
    # A locked or paused order has a cancellation or change pending: it must not ship.
    "锁定": OrderStatus.CANCELLED,
    "暂停": OrderStatus.CANCELLED,
    "退款成功": OrderStatus.REFUNDED,
    "等待付款": flat.UNPAID,
    "等待付款确认": flat.UNPAID,
}


@lru_cache(maxsize=256)
def status_of(status: str, _after_sale: str) -> OrderStatus | str | None:
    return _STATUS.get(unicodedata.normalize("NFKC", status).replace(" ", ""))


SPEC = flat.FlatSpec(
    format="jd",
    platform="jd",
    order_no="订单号",
    status="订单状态",
    recipient=("客户姓名", "收货人"),
    phone=("联系电话", "收货人手机", "手机"),
    address=("客户地址", "收货地址"),
    sku=("商家SKUID", "商家SKU", "SKU编码"),
    fallback_sku="货号",
    qty=("订购数量", "商品数量"),
    title="商品名称",
    carrier=("承运商", "快递公司", "物流公司"),
    waybill=("运单号", "快递单号"),
    buyer_note="订单备注",
    seller_note="商家备注",
    status_of=status_of,
)


def looks_like(headers: set[str]) -> bool:
    return {"订单号", "客户姓名", "客户地址"} <= headers and bool(
        headers & {"订购数量", "商品数量"}
    )


def parse(table: Table, tick: Callable[[int], None]) -> ParsedFile:
    return flat.parse(table, SPEC, tick)
