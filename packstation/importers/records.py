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
    "FileFloodedError",
    "ImportedLine",
    "ImportedOrder",
    "ImportedProduct",
    "OrderStatus",
    "ParsedFile",
    "Problems",
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


# Problems a file's report lists; the rest are only counted. A 50 MB file of junk has
# millions of bad rows: nobody reads them, and keeping them cost gigabytes.
MAX_LISTED = 100
# A file with this many problems, more than half of its rows so far, is not an order file
# gone slightly wrong: it is not read further (reading all of a 50 MB one took a minute).
FLOOD_PROBLEMS = 1000
FLOOD_SHARE = 0.5


class FileFloodedError(Exception):
    """Raised by Problems.append when a file turns out to be mostly junk."""

    def __init__(self, problems: Problems, row: int) -> None:
        super().__init__(f"{problems.total} problems by row {row}")
        self.problems = problems
        self.row = row


class Problems(list[RowProblem]):
    """A file's first MAX_LISTED problems, and `total`: how many it has in all."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, problem: RowProblem) -> None:
        self.total += 1
        if len(self) < MAX_LISTED:
            super().append(problem)
        if self.total >= FLOOD_PROBLEMS and self.total > FLOOD_SHARE * problem.row:
            raise FileFloodedError(self, problem.row)

    def stopped(self, file: str, row: int, rows: int) -> None:
        """Say that reading stopped at `row` of about `rows`, and why (listed last)."""
        rest = max(rows - row, 0)
        self.total += 1  # the unread rest counts as one more problem: it is listed
        super().append(
            RowProblem(
                file,
                row,
                "",
                f"前 {row} 行中有 {self.total - 1} 行有问题，这不像是订单文件，已停止读取；"
                f"其余约 {rest} 行未检查 / {self.total - 1} of the first {row} rows are bad: this "
                f"does not look like an order file, reading stopped; the remaining ~{rest} rows "
                "were not checked",
                "not_an_order_file",
            )
        )


@dataclass(slots=True)
class ParsedFile:
    """What a parser read from one file (or one file pair)."""

    format: str
    orders: list[ImportedOrder] = field(default_factory=list)
    products: list[ImportedProduct] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    sources: tuple[str, ...] = ()  # the file(s) this came from, as given
    encoding: str = ""  # "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "xlsx" or "xls"
    # Rows left out on purpose, not errors (e.g. unpaid Taobao orders): told, not rejected.
    skipped: list[RowProblem] = field(default_factory=list)
