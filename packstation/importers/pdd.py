"""Pinduoduo (拼多多) seller order export (商家后台 → 订单查询 → 导出订单).

Columns: 商品, 订单号, 订单状态, 商品总价(元), 店铺优惠折扣(元), 平台优惠折扣(元), 邮费(元),
用户实付金额(元), 商家实收金额(元), 商品数量(件), 身份证姓名, 身份证号码, 收货人, 手机, 是否审核中,
省, 市, 区, 街道, 支付时间, 拼单成功时间, 订单确认时间, 承诺发货时间, 发货时间, 确认收货时间,
商品id, 商品规格, 用户购买手机号, 样式ID, 商家编码-SKU维度, 商家编码-商品维度, 快递单号, 快递公司,
…, 商家备注, 售后状态, 买家留言, … Numbers are written with a leading tab so spreadsheets
keep them as text. The SKU is 商家编码-SKU维度; 售后状态 carries refunds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from packstation.importers import flat
from packstation.importers.reading import Table
from packstation.importers.records import OrderStatus, ParsedFile

_STATUS: dict[str, OrderStatus | str] = {
    "待发货": OrderStatus.PAID,
    "已付款,待发货": OrderStatus.PAID,
    "待商家发货": OrderStatus.PAID,
    "已发货,待签收": OrderStatus.SHIPPED,
    "已发货,待收货": OrderStatus.SHIPPED,
    "已发货": OrderStatus.SHIPPED,
    "已签收": OrderStatus.SHIPPED,
    "已收货": OrderStatus.SHIPPED,
    "交易成功": OrderStatus.SHIPPED,
    "已取消": OrderStatus.CANCELLED,
    "已关闭": OrderStatus.CANCELLED,
    "交易关闭": OrderStatus.CANCELLED,
    "未发货,退款成功": OrderStatus.REFUNDED,
    "已发货,退款成功": OrderStatus.REFUNDED,
    "退款成功": OrderStatus.REFUNDED,
    "待支付": flat.UNPAID,
    "待付款": flat.UNPAID,
    "拼单中": flat.UNPAID,
    "未成团": flat.UNPAID,
}
# 售后状态 values that mean "no refund": anything else stops the parcel.
_NO_AFTER_SALE = {"", "-", "无", "无售后", "无售后或售后取消", "售后取消", "售后关闭", "退款关闭"}


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


@lru_cache(maxsize=256)
def status_of(status: str, after_sale: str) -> OrderStatus | str | None:
    """A refund finished or still in progress makes a packable order refunded.

    Pinduoduo has no "on hold" status; a parcel whose buyer asked for a refund must not
    ship, so an open after-sale case counts as refunded (the next import clears it if
    the case is withdrawn).
    """
    mapped = _STATUS.get(_key(status))
    if mapped is OrderStatus.PAID and _key(after_sale) not in _NO_AFTER_SALE:
        return OrderStatus.REFUNDED
    return mapped


SPEC = flat.FlatSpec(
    format="pdd",
    platform="pdd",
    order_no="订单号",
    status="订单状态",
    after_sale="售后状态",
    recipient=("收货人", "收货人姓名"),
    phone=("手机", "收货人手机号", "收货人电话"),
    address=("详细地址", "街道", "收货地址"),
    province="省",
    city="市",
    district="区",
    sku="商家编码-SKU维度",
    fallback_sku=("SKU编码",),
    qty=("商品数量(件)", "商品数量"),
    title=("商品", "商品名称"),
    carrier="快递公司",
    waybill="快递单号",
    buyer_note="买家留言",
    seller_note="商家备注",
    status_of=status_of,
)


def looks_like(headers: set[str]) -> bool:
    return "商家编码-sku维度" in headers and "订单号" in headers


def parse(table: Table, tick: Callable[[int], None]) -> ParsedFile:
    return flat.parse(table, SPEC, tick)
