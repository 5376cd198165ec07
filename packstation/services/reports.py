"""Throughput reports for a day: orders, units and wrong scans per packer, bench and hour,
as CSV or XLSX (openpyxl), from the same scan tallies as the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from sqlalchemy import select

from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.importers.export import csv_bytes
from packstation.services.dashboard import (
    UNIT_VERDICTS,
    WRONG_VERDICTS,
    aware,
    local_zone,
)
from packstation.storage.database import Database
from packstation.storage.tables import ScanTally

HEADER = ("date", "hour", "packer", "bench", "orders", "units", "scans", "wrong_scans")


@dataclass(frozen=True, slots=True)
class ThroughputRow:
    hour: datetime  # local time, start of the hour
    packer: str
    bench: str
    orders: int
    units: int
    scans: int
    wrong_scans: int


def throughput(db: Database, day: date, zone: tzinfo | None = None) -> tuple[ThroughputRow, ...]:
    """One row per local hour, packer and bench that scanned on `day`, in that order."""
    zone = zone or local_zone()
    start = datetime.combine(day, time(), zone)
    end = start + timedelta(days=1)
    acc: dict[tuple[datetime, str, str], list[int]] = {}
    with db.transaction() as conn:
        rows = conn.execute(
            select(
                ScanTally.hour,
                ScanTally.packer,
                ScanTally.bench,
                ScanTally.verdict,
                ScanTally.scans,
                ScanTally.units,
            ).where(ScanTally.hour >= start, ScanTally.hour < end)
        ).all()
    for hour, packer, bench, verdict, scans, units in rows:
        counts = acc.setdefault((aware(hour).astimezone(zone), packer, bench), [0, 0, 0, 0])
        counts[2] += scans
        if verdict == Verdict.ORDER_COMPLETE.value:
            counts[0] += scans
        if verdict in UNIT_VERDICTS:
            counts[1] += units
        if verdict in WRONG_VERDICTS:
            counts[3] += scans
    return tuple(
        ThroughputRow(hour, packer, bench, *counts)
        for (hour, packer, bench), counts in sorted(
            acc.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])
        )
    )


def _cells(rows: tuple[ThroughputRow, ...]) -> list[tuple[object, ...]]:
    return [
        (
            r.hour.date().isoformat(),
            r.hour.strftime("%H:00"),
            r.packer,
            r.bench,
            r.orders,
            r.units,
            r.scans,
            r.wrong_scans,
        )
        for r in rows
    ]


def write_report(rows: tuple[ThroughputRow, ...], out: Path) -> None:
    """`.xlsx` gives a workbook (numbers as numbers, text never a formula), else CSV."""
    try:
        if out.suffix.lower() == ".xlsx":
            _write_xlsx(rows, out)
        else:
            cells = [HEADER] + [tuple(str(c) for c in row) for row in _cells(rows)]
            out.write_bytes(csv_bytes(cells, "utf-8-sig"))
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc}", f"cannot write {out}: {exc}") from exc


def _write_xlsx(rows: tuple[ThroughputRow, ...], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("throughput")
    sheet.append(list(HEADER))
    for row in _cells(rows):
        line = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text stays text, even "=...": never a formula
            else:
                cell = WriteOnlyCell(sheet, value=value)
            line.append(cell)
        sheet.append(line)
    workbook.save(out)
