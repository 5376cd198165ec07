"""Building orders for tests from the same plain records the importers produce."""

from __future__ import annotations

from packstation.importers.records import (
    BarcodeSpec,
    ImportedLine,
    ImportedOrder,
    OrderStatus,
    ParsedFile,
)
from packstation.services.importing import ImportSummary, import_parsed
from packstation.storage.database import Database

TEE = ImportedLine("TEE-RED-M", "纯棉T恤 红色 M", 1, (BarcodeSpec("6901234567892"),))
SOCKS = ImportedLine(
    "SOCK-5P", "运动袜 五双装", 2, (BarcodeSpec("6920000000012"), BarcodeSpec("SOCK5P-BOX", 5))
)
MUG = ImportedLine("MUG-01", "陶瓷马克杯", 1, (BarcodeSpec("6930000000028"),))


def order(
    order_no: str = "T1001",
    *lines: ImportedLine,
    status: OrderStatus = OrderStatus.PAID,
    address: str = "浙江省 杭州市 西湖区 文三路 90号",
    waybill_no: str = "",
    recipient: str = "张伟",
) -> ImportedOrder:
    return ImportedOrder(
        order_no=order_no,
        platform="taobao",
        status=status,
        recipient=recipient,
        phone="13812345678",
        address=address,
        carrier="YTO",
        waybill_no=waybill_no,
        lines=tuple(lines) or (TEE, SOCKS),
    )


def load(db: Database, *orders: ImportedOrder) -> ImportSummary:
    from packstation.bootstrap import classifier

    return import_parsed(db, ParsedFile(format="csv", orders=list(orders)), classifier(db))
