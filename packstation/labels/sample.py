"""Two realistic waybills (one priority, one with an internal shipment id) for the doc
screenshots, benchmarks and demos: one definition, so what is measured is what is shown."""

from __future__ import annotations

from datetime import datetime

from packstation.labels.model import PriorityMark, WaybillData

PRIORITY_SAMPLE = WaybillData(
    carrier="中通快递 ZTO",
    waybill_no="75312345678901",
    order_no="TB3891234567890123",
    printed_at=datetime(2026, 11, 11, 0, 12),
    sort_text="浙 杭州 西湖 571-W12",
    recipient_name="张伟",
    recipient_phone="13812345678",
    recipient_address="浙江省杭州市西湖区文三路 478 号华星时代广场 A 座 1203 室（前台代收）",
    sender_name="好物旗舰店",
    sender_phone="0571-88886666",
    sender_address="浙江省金华市义乌市福田街道国际商贸城五区 2 号仓",
    item_summary="保温杯 500ml 黑色 ×2；不锈钢饭盒 三层 ×1",
    remarks="易碎品轻放，双十一优先发货",
    bench="B-03",
    priority=PriorityMark(mark="杭", promise="2日达", city="杭州"),
)
PLAIN_SAMPLE = WaybillData(
    carrier="韵达快递",
    waybill_no="PS20261111000123",
    waybill_is_internal=True,
    order_no="PDD231111-0420-123456",
    printed_at=datetime(2026, 11, 11, 9, 41),
    sort_text="川 成都 武侯 028-C07",
    recipient_name="欧阳娜娜",
    recipient_phone="13987654321-4321",
    recipient_address="四川省成都市武侯区天府大道北段 1700 号环球中心 W6 区 2 楼",
    sender_name="小米仓配中心",
    sender_phone="400-100-5678",
    sender_address="广东省东莞市长安镇振安中路 1 号",
    item_summary="蓝牙耳机 Pro 白色 ×1",
    remarks="",
    bench="A-12",
)
