"""Shipped-order files for the platforms' batch-shipping upload (批量发货), and a generic CSV.

Lives in `packstation.importers` because the distribution lists its packages explicitly
(pyproject.toml); a new `packstation.exporters` package would not be installed.

Upload columns (the templates the back-ends offer for download; check them against the
current template when a platform changes it):
- taobao (千牛 批量发货):   订单编号, 物流公司, 运单号 (seen in public tools that fill it;
  some template versions ask for the carrier's code in 物流公司: not confirmed)
- jd (京东 批量出库):       订单号, 物流公司, 运单号 (no public template found: unverified)
- pdd (拼多多 批量导入发货): 订单号, 快递公司, 快递单号 (two independent public tools fill
  exactly these; carrier names as Pinduoduo's carrier list spells them; .xlsx preferred)
- csv: order_no, platform_order_no, platform, carrier, waybill_no, shipped_at

Formula injection (OWASP "CSV Injection"): a CSV cell starting with = + - @ tab or CR gets
a leading `'` so a spreadsheet shows it as text; XLSX cells are always written as
strings (never formulas), with the text number format so 19-digit numbers stay exact.
Platform CSVs are GB18030 (byte-identical to GBK for GBK text, never fails); the generic
CSV is UTF-8 with BOM so Excel opens it correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packstation.domain.carriers import carrier_name
from packstation.errors import UserError

EXPORT_FORMATS = ("taobao", "jd", "pdd", "csv")

HEADERS: dict[str, tuple[str, ...]] = {
    "taobao": ("订单编号", "物流公司", "运单号"),
    "jd": ("订单号", "物流公司", "运单号"),
    "pdd": ("订单号", "快递公司", "快递单号"),
    "csv": ("order_no", "platform_order_no", "platform", "carrier", "waybill_no", "shipped_at"),
}
PLATFORMS: dict[str, frozenset[str]] = {
    "taobao": frozenset({"taobao", "tmall"}),
    "jd": frozenset({"jd"}),
    "pdd": frozenset({"pdd"}),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ShippedRow:
    """One packed order to report as shipped."""

    order_no: str
    platform_order_no: str
    platform: str
    carrier: str
    waybill_no: str
    shipped_at: dt.datetime | str


@dataclass(frozen=True, slots=True)
class ExportResult:
    written: int
    skipped_other_platform: int
    skipped_no_waybill: int


def escape_cell(value: str) -> str:
    """OWASP CSV-injection escape: cells a spreadsheet would run as a formula become text."""
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _when(value: dt.datetime | str) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return value


def table(rows: Iterable[ShippedRow], format_: str) -> tuple[list[tuple[str, ...]], ExportResult]:
    """Rows for `format_` (header first), unescaped, and what was left out and why."""
    if format_ not in EXPORT_FORMATS:
        raise UserError(
            f"未知导出格式“{format_}”，可选：{'、'.join(EXPORT_FORMATS)}。",
            f"Unknown export format '{format_}'; choose one of: {', '.join(EXPORT_FORMATS)}.",
        )
    out: list[tuple[str, ...]] = [HEADERS[format_]]
    other = no_waybill = 0
    wanted = PLATFORMS.get(format_)
    for row in rows:
        if wanted is not None and row.platform.lower() not in wanted:
            other += 1
            continue
        if not row.waybill_no:
            no_waybill += 1
            continue
        number = row.platform_order_no or row.order_no
        if format_ == "csv":
            out.append(
                (
                    row.order_no,
                    number,
                    row.platform,
                    row.carrier,
                    row.waybill_no,
                    _when(row.shipped_at),
                )
            )
        else:
            out.append((number, carrier_name(row.carrier, format_), row.waybill_no))
    return out, ExportResult(len(out) - 1, other, no_waybill)


def write_shipped(rows: Iterable[ShippedRow], format_: str, out: Path) -> ExportResult:
    """Write the upload file; `.xlsx` gives a workbook, anything else CSV."""
    cells, result = table(rows, format_)
    try:
        if out.suffix.lower() == ".xlsx":
            _write_xlsx(cells, out)
        else:
            encoding = "utf-8-sig" if format_ == "csv" else "gb18030"
            out.write_bytes(csv_bytes(cells, encoding))
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc}", f"Cannot write {out}: {exc}") from exc
    return result


def csv_bytes(cells: Sequence[Sequence[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in cells:
        writer.writerow([escape_cell(c) for c in row])
    return buffer.getvalue().encode(encoding)


def _write_xlsx(cells: Sequence[Sequence[str]], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("发货")
    for row in cells:
        line = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # a string, even when it starts with "=": never a formula
            cell.number_format = "@"
            line.append(cell)
        sheet.append(line)
    workbook.save(out)
