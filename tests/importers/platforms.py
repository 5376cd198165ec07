"""Real-format platform export fixtures, generated: Taobao (old wide / new), JD, Pinduoduo.

Headers are written the way the platforms write them (trailing spaces and all); values
follow the platforms' quirks: `="…"` order numbers, `'` phones, tab-prefixed numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Taobao 订单报表, older wide set (as in shared/samples, plus 特权订金订单id of some years).
TAOBAO_ORDERS_OLD = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分",
    "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言",
    "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机", "订单创建时间",
    "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注", "宝贝总数量",
    "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息",
    "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
]  # fmt: skip
# Taobao 订单报表 as exported around 2020-2022: the widest set (61 columns, 主订单编号 last).
TAOBAO_ORDERS_WIDEST = [
    "订单编号", "买家会员名", "买家支付宝账号", "支付单号", "支付详情", "买家应付货款",
    "买家应付邮费", "买家支付积分", "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分",
    "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机",
    "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称",
    "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
    "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "新零售交易类型",
    "新零售导购门店名称", "新零售导购门店id", "新零售发货门店名称", "新零售发货门店id", "退款金额",
    "预约门店", "确认收货时间", "打款商家金额", "含应开票给个人的个人红包", "是否信用购",
    "体验期结束时间", "前N有礼", "配送类型", "主订单编号",
]  # fmt: skip
# Taobao 订单报表, newer 千牛 set (shorter, 买家实付金额 / 退款金额 / 确认收货时间).
TAOBAO_ORDERS_NEW = [
    "订单编号", "支付单号", "买家会员名", "买家应付货款", "买家实付金额", "订单状态", "买家留言",
    "收货人姓名", "收货地址", "运送方式", "联系手机", "订单创建时间", "订单付款时间", "物流单号",
    "物流公司", "订单备注", "宝贝总数量", "店铺名称", "订单关闭原因", "退款金额", "确认收货时间",
]  # fmt: skip
TAOBAO_ITEMS_OLD = [
    "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注",
    "订单状态", "商家编码",
]  # fmt: skip
TAOBAO_ITEMS_NEW = [
    "子订单编号", "主订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息",
    "备注", "订单状态", "商家编码", "支付单号", "买家应付货款", "买家实际支付金额", "退款状态",
    "退款金额", "订单创建时间", "订单付款时间",
]  # fmt: skip

PAID = "买家已付款，等待卖家发货"


def rows_for(header: Sequence[str], records: Sequence[Mapping[str, str]]) -> list[list[str]]:
    """Header + one row per record; keys are header names without their stray spaces."""
    keys = [h.strip() for h in header]
    return [list(header)] + [[r.get(k, "") for k in keys] for r in records]


def taobao_order(no: str, **values: str) -> dict[str, str]:
    record = {
        "订单编号": f'="{no}"',
        "买家会员名": "tb_buyer",
        "订单状态": PAID,
        "收货人姓名": "张伟",
        "收货地址": "浙江省 杭州市 西湖区 文三路 ***(310000)",
        "联系手机": "'138****5678",
        "订单关闭原因": "订单未关闭",
        "店铺名称": "示例旗舰店",
    }
    record.update(values)
    return record


def taobao_item(
    no: str, sku: str, qty: str = "1", new: bool = False, **values: str
) -> dict[str, str]:
    key = "主订单编号" if new else "订单编号"
    record = {
        key: f'="{no}"',
        "标题": "纯棉T恤",
        "购买数量": qty,
        "订单状态": PAID,
        "商家编码": sku,
    }
    if new:
        record["子订单编号"] = f'="{no}{sku[-1:]}"'
        record["退款状态"] = "没有申请退款"
    record.update(values)
    return record


# JD 京东 POP 商家后台 order export (订单导出), one row per order line.
JD_HEADER = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额",
    "结算金额", "余额支付", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名",
    "客户地址", "联系电话", "订单备注", "发票类型", "发票抬头", "发票内容", "商家备注",
    "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间", "增值税发票", "货号",
    "订单完成时间", "订单来源", "订单渠道", "送装服务", "服务费", "仓库ID", "仓库名称",
    "是否京仓订单", "是否京配订单", "商家SKUID", "商品规格", "承运商", "运单号",
]  # fmt: skip


def jd_line(no: str, sku: str, qty: str = "1", **values: str) -> dict[str, str]:
    record = {
        "订单号": no,
        "商品ID": "100012345678",
        "商品名称": "陶瓷马克杯",
        "订购数量": qty,
        "订单状态": "等待出库",
        "客户姓名": "刘洋",
        "客户地址": "广东广州市越秀区北京路 200号",
        "联系电话": "136****3333",
        "货号": sku,
    }
    record.update(values)
    return record


# Pinduoduo 拼多多商家后台 订单查询 → 导出 (one row per order; separate 省/市/区).
PDD_HEADER = [
    "商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)",
    "邮费(元)", "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "身份证姓名", "身份证号码",
    "收货人", "手机", "是否审核中", "省", "市", "区", "街道", "支付时间", "拼单成功时间",
    "订单确认时间", "承诺发货时间", "发货时间", "确认收货时间", "商品id", "商品规格",
    "用户购买手机号", "样式ID", "商家编码-SKU维度", "商家编码-商品维度", "sku编码", "商家备注",
    "售后状态", "快递单号", "快递公司", "买家留言", "订单类型",
]  # fmt: skip


def pdd_order(no: str, sku: str, qty: str = "1", **values: str) -> dict[str, str]:
    record = {
        "商品": "运动袜 五双装",
        "订单号": f"\t{no}",
        "订单状态": "待发货",
        "商品数量(件)": qty,
        "收货人": "陈静",
        "手机": "\t135****4444",
        "省": "广东省",
        "市": "深圳市",
        "区": "南山区",
        "街道": "科技园南区 5栋",
        "商品id": "\t123456789",
        "商品规格": "黑色",
        "商家编码-SKU维度": sku,
        "商家编码-商品维度": "SOCK",
        "售后状态": "无售后或售后取消",
        "快递单号": "",
        "快递公司": "",
    }
    record.update(values)
    return record
