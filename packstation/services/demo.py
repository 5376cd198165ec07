"""A demo database: enough orders, products and people to try every bench situation.

Deterministic (seeded), so screenshots, training notes and tests can name real orders.
"""

from __future__ import annotations

import random
from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy import select, update

from packstation.domain.codes import gtin_check_digit
from packstation.importers.records import (
    BarcodeSpec,
    ImportedLine,
    ImportedOrder,
    ImportedProduct,
    OrderStatus,
    ParsedFile,
)
from packstation.services.importing import Classifier, ImportSummary, import_parsed
from packstation.services.users import PermissionDeniedError, UserExistsError, add_user
from packstation.storage.database import Database
from packstation.storage.packing import register_bench
from packstation.storage.tables import Barcode, Bench, Order, OrderLine, PackSession, Product

DEMO_USERS = (("packer1", "packer", "0000"), ("supervisor", "supervisor", "1234"))
DEMO_BADGES = {"packer1": "PSBADGE-PACKER1", "supervisor": "PSBADGE-SUPERVISOR"}
DEMO_BENCH = "demo"  # registered with the mock printer, so the demo's labels print
DEMO_PRINTER = "mock"

# (address without street, street) — priority cities first, then look-alikes and neighbours.
PLACES = (
    ("北京 北京市 朝阳区", "建国路 88号"),
    ("北京市海淀区", "中关村大街 27号"),
    ("北京市 通州区", "新华西街 60号"),
    ("上海 上海市 浦东新区", "世纪大道 100号"),
    ("上海市黄浦区", "北京东路 668号"),
    ("上海市 闵行区", "虹桥路 2000号"),
    ("广东省 广州市 天河区", "天河路 385号"),
    ("广东省广州市越秀区", "北京路 248号"),
    ("广州市 番禺区", "市桥街 12号"),
    ("广东省 深圳市 南山区", "科技园南路 18号"),
    ("广东省深圳市福田区", "深南大道 6008号"),
    ("深圳市 宝安区", "新安街道 3号"),
    ("浙江省 杭州市 西湖区", "文三路 90号"),
    ("浙江省杭州市余杭区", "五常街道 文一西路 969号"),
    ("浙江省 杭州市 钱塘区", "白杨街道 6号大街 260号"),
    ("浙江省 杭州市 临平区", "南苑街道 人民大道 1号"),
    ("江苏省 南京市 鼓楼区", "上海路 10号"),
    ("江苏省 苏州市 工业园区", "星湖街 328号"),
    ("浙江省 宁波市 慈溪市", "杭州湾新区 滨海二路 1号"),
    ("浙江省 嘉兴市 南湖区", "中山东路 1号"),
    ("浙江省 湖州市 吴兴区", "红旗路 2号"),
    ("广东省 东莞市", "南城街道 鸿福路 99号"),
    ("广东省 佛山市 南海区", "桂城街道 南海大道 1号"),
    ("河北省 廊坊市 广阳区", "新华路 50号"),
    ("吉林省 长春市 朝阳区", "人民大街 5688号"),
    ("四川省 成都市 武侯区", "人民南路四段 1号"),
    ("湖北省 武汉市 洪山区", "珞喻路 129号"),
    ("陕西省 西安市 雁塔区", "长安南路 1号"),
    ("重庆市 渝中区", "解放碑 民族路 1号"),
    ("天津市 和平区", "南京路 1号"),
    ("湖南省 长沙市 岳麓区", "麓山南路 932号"),
    ("山东省 青岛市 市南区", "香港中路 10号"),
    ("福建省 厦门市 思明区", "思明南路 422号"),
    ("河南省 郑州市 金水区", "花园路 1号"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛")
ITEMS = (
    ("TEE-RED-M", "纯棉T恤 红色 M"),
    ("TEE-BLK-L", "纯棉T恤 黑色 L"),
    ("SOCK-5P", "运动袜 五双装"),
    ("MUG-01", "陶瓷马克杯"),
    ("CABLE-C1", "USB-C 数据线 1m"),
    ("BOTTLE-500", "保温杯 500ml"),
    ("TOWEL-2P", "纯棉毛巾 两条装"),
    ("PEN-BLUE", "中性笔 蓝色"),
    ("NOTE-A5", "笔记本 A5"),
    ("CASE-IP15", "手机壳 透明"),
    ("MASK-50", "一次性口罩 50只"),
    ("TEA-250", "龙井茶 250g"),
    ("SNACK-NUT", "每日坚果 30包"),
    ("LAMP-USB", "USB 小台灯"),
    ("BAG-TOTE", "帆布包"),
    ("CHARGER-20W", "20W 充电器"),
)
CARRIERS = (("SF", "SF14"), ("YTO", "YT70"), ("ZTO", "7800"), ("YUNDA", "4330"))


@dataclass(frozen=True, slots=True)
class DemoData:
    products: list[ImportedProduct]
    orders: list[ImportedOrder]


def ean13(body12: str) -> str:
    """Complete a 12-digit body with its GS1 check digit."""
    return body12 + gtin_check_digit(body12)


def demo_data(orders: int = 240, seed: int = 1111) -> DemoData:
    rng = random.Random(seed)
    products = []
    for index, (sku, title) in enumerate(ITEMS):
        codes = [BarcodeSpec(ean13(f"69{index:04d}{rng.randrange(10**6):06d}"))]
        if index % 2:  # a Code 128 label some suppliers stick on instead of an EAN
            codes.append(BarcodeSpec(f"PS{index:03d}-{sku}"))
        if index % 4 == 2:  # an inner pack of six
            codes.append(BarcodeSpec(f"BOX6-{codes[0].code}", 6))
        products.append(ImportedProduct(sku, title, tuple(codes)))
    by_sku = {p.sku: p for p in products}
    records = []
    for n in range(orders):
        place, street = PLACES[n % len(PLACES)]
        picked = rng.sample(ITEMS, k=1 if n % 3 == 0 else rng.randint(2, 3))
        lines = tuple(
            ImportedLine(
                sku,
                title,
                rng.choice((1, 1, 1, 2, 3, 6)) if sku in _PACKS else rng.choice((1, 1, 2)),
                by_sku[sku].barcodes,
            )
            for sku, title in picked
        )
        carrier, prefix = CARRIERS[n % len(CARRIERS)]
        status = (
            OrderStatus.CANCELLED
            if n % 37 == 5
            else OrderStatus.REFUNDED
            if n % 41 == 7
            else OrderStatus.PAID
        )
        records.append(
            ImportedOrder(
                order_no=f"D{20261111000 + n}",
                platform=("taobao", "tmall", "jd", "pdd")[n % 4],
                status=status,
                recipient=rng.choice(SURNAMES) + rng.choice(GIVEN),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                address=f"{place} {street}",
                carrier=carrier,
                waybill_no="" if n % 10 == 9 else f"{prefix}{rng.randrange(10**9):09d}",
                lines=lines,
            )
        )
    return DemoData(products=products, orders=records)


_PACKS = frozenset(sku for i, (sku, _t) in enumerate(ITEMS) if i % 4 == 2)


def seed_demo(db: Database, classify: Classifier, orders: int = 240) -> ImportSummary:
    """Load the demo catalogue, orders, users and bench (idempotent: a second run adds
    nothing). The demo supervisor is only added to a database without supervisors: a
    known PIN must never become a way into a real one."""
    data = demo_data(orders)
    summary = import_parsed(
        db, ParsedFile("demo", orders=data.orders, products=data.products), classify
    )
    for name, role, pin in DEMO_USERS:
        with suppress(UserExistsError, PermissionDeniedError):  # an earlier run; real people
            add_user(db, name, role, pin, badge=DEMO_BADGES[name])
    with db.transaction() as conn:
        register_bench(conn, DEMO_BENCH, DEMO_PRINTER)
        conn.execute(  # a demo bench left without a printer by an older version
            update(Bench)
            .where(Bench.name == DEMO_BENCH, Bench.printer_spec == "")
            .values(printer_spec=DEMO_PRINTER)
        )
    return summary


def example_order(db: Database) -> tuple[str, list[str]]:
    """A packable priority order nobody has opened, and the codes that pack it (what the
    demo tells a newcomer to try)."""
    with db.session() as session:
        packable = select(Order).where(
            Order.status == "paid",
            Order.intercept_reason.is_(None),
            ~Order.id.in_(select(PackSession.order_id)),
        )
        order = session.scalar(packable.where(Order.priority.is_not(None)).order_by(Order.id))
        if order is None:
            order = session.scalar(packable.order_by(Order.id))
        if order is None:  # every demo order packed already: show one anyway
            order = session.scalar(select(Order).order_by(Order.id))
        assert order is not None  # the demo just imported its orders
        codes: list[str] = []
        for sku, quantity in session.execute(
            select(OrderLine.sku, OrderLine.quantity).where(OrderLine.order_id == order.id)
        ):
            code = session.scalar(
                select(Barcode.code)
                .join(Product)
                .where(Product.sku == sku, Barcode.units == 1, Barcode.code != sku)
                .order_by(Barcode.id)
            )
            codes.extend([code or sku] * quantity)
        return order.order_no, codes
