"""Barcode readiness on both databases, and SKU labels printed on the mock printer (real
ESC/POS bytes decoded back) and read back by zxing-cpp."""

from __future__ import annotations

import json

import pytest
import zxingcpp
from sqlalchemy import delete, select

from packstation.bootstrap import printer_for
from packstation.errors import UserError
from packstation.importers.records import BarcodeSpec, ImportedLine, OrderStatus
from packstation.services.readiness import Problem, barcode_readiness, looks_like_gtin
from packstation.services.shift_printing import SkuLabelRequest, print_sku_labels
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, Barcode, Product
from tests.factories import MUG, load, order

BARE = ImportedLine("BARE-01", "无条码 围巾", 3)  # only its SKU text: nothing on the unit
TWIN_A = ImportedLine("TWIN-A", "杯子 蓝", 1, (BarcodeSpec("6950000000019"),))
TWIN_B = ImportedLine("TWIN-B", "杯子 绿", 2, (BarcodeSpec("6950000000019"),))
BADCHECK = ImportedLine("BAD-EAN", "笔记本", 1, (BarcodeSpec("6901234567891"),))  # ...2 is right
UPC_BAD = ImportedLine("UPC-X", "Pen", 1, (BarcodeSpec("036000291453"),))  # UPC-A ...2 is right
ONLY_SHIPPED = ImportedLine("OLD-01", "旧款 无码", 1)


@pytest.fixture
def catalogue(db: Database) -> Database:
    load(
        db,
        order("R1", BARE, TWIN_A, MUG),
        order("R2", BARE._replace(quantity=2), TWIN_B),
        order("R3", BADCHECK, UPC_BAD),
        order("R4", BARE._replace(quantity=10), status=OrderStatus.CANCELLED),
        order("R5", ONLY_SHIPPED, status=OrderStatus.SHIPPED),
    )
    return db


def test_gtin_shapes() -> None:
    assert looks_like_gtin("6901234567892") and looks_like_gtin("036000291452")
    assert looks_like_gtin("96385074") and not looks_like_gtin("SKU-1")
    assert not looks_like_gtin("1234567")


def test_blocked_skus_ranked_by_waiting_units(catalogue: Database) -> None:
    report = barcode_readiness(catalogue)
    by_sku = {item.sku: item for item in report.blocked}
    assert [item.sku for item in report.blocked] == ["BARE-01", "TWIN-B", "BAD-EAN", "TWIN-A",
                                                     "UPC-X"]
    bare = by_sku["BARE-01"]
    assert bare.problems == (Problem.NO_BARCODE,)
    assert (bare.waiting_units, bare.waiting_orders) == (5, 2)  # the cancelled 10 do not count
    assert by_sku["TWIN-A"].problems == (Problem.AMBIGUOUS_CODE,)
    assert by_sku["TWIN-A"].shared_with == ("TWIN-B",)
    assert by_sku["TWIN-B"].shared_codes == ("6950000000019",)
    assert by_sku["BAD-EAN"].invalid_codes == ("6901234567891",)
    assert by_sku["UPC-X"].problems == (Problem.INVALID_CHECK_DIGIT,)
    assert "MUG-01" not in by_sku and "OLD-01" not in by_sku  # fine / nothing waiting
    assert report.units_blocked == 5 + 2 + 1 + 1 + 1


def test_sku_labels_print_scan_back_and_take_the_sku_off_the_list(catalogue: Database) -> None:
    with catalogue.transaction() as conn:  # a product with no code at all, not even its SKU
        pid = conn.scalar(select(Product.id).where(Product.sku == "BARE-01"))
        conn.execute(delete(Barcode).where(Barcode.product_id == pid))
    port = printer_for("mock")
    results = print_sku_labels(
        catalogue, port, [SkuLabelRequest("BARE-01", 5)], "boss", size="76x130"
    )
    assert [(r.sku, r.printed, r.barcode_recorded) for r in results] == [("BARE-01", 5, True)]
    labels = port.printer.transport.printed_labels
    assert len(labels) == 5 and all(label.cut for label in labels)
    for label in labels:
        read = zxingcpp.read_barcodes(label.image.convert("L"))
        assert [(r.format.name, r.text) for r in read] == [("Code128", "BARE-01")]
    with catalogue.transaction() as conn:
        codes = conn.scalars(select(Barcode.code).where(Barcode.product_id == pid)).all()
        audit = conn.execute(select(AuditRecord.actor, AuditRecord.action, AuditRecord.target,
                                    AuditRecord.detail)).all()
    assert codes == ["BARE-01"]
    assert [(a, b, c) for a, b, c, _ in audit] == [("boss", "sku_labels_printed", "BARE-01")]
    assert json.loads(audit[0][3])["labels"] == 5
    assert "BARE-01" not in {item.sku for item in barcode_readiness(catalogue).blocked}


def test_sku_labels_for_an_unknown_sku_print_nothing(catalogue: Database) -> None:
    port = printer_for("mock")
    with pytest.raises(UserError, match="no product with SKU NOPE"):
        print_sku_labels(catalogue, port, [SkuLabelRequest("BARE-01", 1),
                                           SkuLabelRequest("NOPE", 1)], "boss")
    assert port.printer.transport.printed_labels == []


def test_a_printer_fault_keeps_the_count_of_what_printed(catalogue: Database) -> None:
    port = printer_for("mock")
    port.printer.transport.set_fault("paper_end")
    with pytest.raises(UserError):
        print_sku_labels(catalogue, port, [SkuLabelRequest("BARE-01", 2)], "boss")
    with catalogue.transaction() as conn:
        assert conn.scalar(select(AuditRecord.id)) is None  # nothing printed, nothing recorded
    assert "BARE-01" in {item.sku for item in barcode_readiness(catalogue).blocked}
