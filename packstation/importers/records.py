"""Plain records every importer produces and the import service persists.

Parsers (one module per format) only read files into these; persistence, change
detection and address classification happen in `packstation.services.importing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from packstation.domain.orders import OrderStatus

__all__ = [
    "BarcodeSpec",
    "ImportedLine",
    "ImportedOrder",
    "ImportedProduct",
    "OrderStatus",
    "ParsedFile",
    "RowProblem",
]


@dataclass(frozen=True, slots=True)
class BarcodeSpec:
    """A code that stands for `units` units of one SKU (`*N` in files: a pack of N)."""

    code: str
    units: int = 1


# Orders and lines are NamedTuples: a 100k-order import builds 350k of them, and a tuple
# is built three times faster than a frozen dataclass (benchmarks/bench_parse.py).
class ImportedLine(NamedTuple):
    sku: str
    title: str
    quantity: int
    barcodes: tuple[BarcodeSpec, ...] = ()


class ImportedOrder(NamedTuple):
    order_no: str
    platform: str
    status: OrderStatus
    recipient: str = ""
    phone: str = ""
    address: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    carrier: str = ""
    waybill_no: str = ""
    remarks: str = ""
    platform_order_no: str = ""  # defaults to order_no when empty
    lines: tuple[ImportedLine, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedProduct:
    sku: str
    title: str
    barcodes: tuple[BarcodeSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One rejected row or cell, reported to the user as file/row/column/reason."""

    file: str
    row: int  # spreadsheet row number: the header is row 1 in a plain CSV
    column: str  # the column name as the file spells it; "" for the whole row
    reason: str  # "中文 / English", for people
    code: str = ""  # stable machine code, e.g. "bad_quantity", for UIs and tests
    order_no: str = ""  # the order the row belongs to, where known


@dataclass(slots=True)
class ParsedFile:
    """What a parser read from one file (or one file pair)."""

    format: str
    orders: list[ImportedOrder] = field(default_factory=list)
    products: list[ImportedProduct] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    sources: tuple[str, ...] = ()  # the file(s) this came from, as given
    encoding: str = ""  # "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "xlsx" or "xls"
    # Rows left out on purpose, not errors (e.g. unpaid Taobao orders): told, not rejected.
    skipped: list[RowProblem] = field(default_factory=list)
