"""Fixture helpers: write CSV/XLSX files in the encodings and quirks real exports have."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "samples"

GENERIC_HEADER = [
    "order_no", "platform", "status", "recipient", "phone", "address", "province", "city",
    "district", "carrier", "waybill_no", "sku", "title", "qty", "barcodes",
]  # fmt: skip


def sample(name: str) -> Path:
    """A shared sample, from the copy in tests/importers/data when present."""
    local = DATA / name
    if local.exists():
        return local
    shared = SHARED / name
    if not shared.exists():
        pytest.skip(f"sample {name} not available")
    return shared


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """write_csv(rows, name="x.csv", encoding="utf-8", delimiter=",") -> Path."""

    def write(
        rows: Sequence[Sequence[str]],
        name: str = "orders.csv",
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(rows, delimiter).encode(encoding))
        return path

    return write


WriteXlsx = Callable[..., Path]


@pytest.fixture
def write_xlsx(tmp_path: Path) -> WriteXlsx:
    """write_xlsx(rows, name="x.xlsx") -> Path; cells keep their Python type (int, float, str)."""
    from openpyxl import Workbook

    def write(rows: Sequence[Sequence[object]], name: str = "orders.xlsx") -> Path:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


def generic_row(order_no: str = "A1", **values: str) -> list[str]:
    """A valid generic row; keyword arguments override single columns."""
    row = {
        "order_no": order_no,
        "platform": "taobao",
        "status": "paid",
        "recipient": "张伟",
        "phone": "13812345678",
        "address": "浙江省 杭州市 西湖区 文三路 90号",
        "province": "",
        "city": "",
        "district": "",
        "carrier": "YTO",
        "waybill_no": "",
        "sku": "TEE-RED-M",
        "title": "纯棉T恤",
        "qty": "1",
        "barcodes": "6901234567892",
    }
    row.update(values)
    return [row[c] for c in GENERIC_HEADER]
