"""Shared waybill samples and barcode helpers for label tests."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from packstation.labels import PriorityMark, RenderedLabel, WaybillData

PRINTED_AT = datetime(2026, 11, 11, 0, 12)  # fixed, so goldens do not drift

SAMPLE = WaybillData(
    carrier="中通快递 ZTO",
    waybill_no="75312345678901",
    order_no="TB3891234567890123",
    printed_at=PRINTED_AT,
    sort_text="浙 杭州 西湖 571-W12",
    recipient_name="张伟",
    recipient_phone="13812345678",
    recipient_address="浙江省杭州市西湖区文三路 478 号华星时代广场 A 座 1203 室（前台代收）",
    sender_name="好物旗舰店",
    sender_phone="0571-88886666",
    sender_address="浙江省金华市义乌市福田街道国际商贸城五区 2 号仓",
    item_summary="保温杯 500ml 黑色 ×2；不锈钢饭盒 三层 ×1",
    remarks="易碎品轻放",
    bench="B-03",
)
PRIORITY = PriorityMark(mark="杭", promise="2日达", city="杭州")


@pytest.fixture
def plain() -> WaybillData:
    return SAMPLE


@pytest.fixture
def priority() -> WaybillData:
    return replace(SAMPLE, priority=PRIORITY)


def read_codes(image: Image.Image) -> list[tuple[str, str]]:
    """(format, text) of every barcode zxing-cpp finds, sorted; the image is not scaled."""
    found = zxingcpp.read_barcodes(image.convert("L"))
    return sorted((r.format.name, r.text) for r in found)


def row_runs(label: RenderedLabel, band: str, at: float = 0.3) -> tuple[list[int], int, int]:
    """Run lengths of one pixel row across `band`, inside the frame.

    Returns (runs from the first black dot to the last, white dots before, white after).
    """
    name_top_bottom = {name: (top, bottom) for name, top, bottom in label.bands}
    top, bottom = name_top_bottom[band]
    row = np.asarray(label.image, dtype=bool)[top + int((bottom - top) * at)]
    frame = frame_width(row)
    inside = row[frame:-frame]
    black = np.flatnonzero(~inside)
    first, last = int(black[0]), int(black[-1])
    bars = inside[first:last + 1]
    edges = np.flatnonzero(np.diff(bars.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), len(bars)]
    runs = [b - a for a, b in itertools.pairwise(bounds)]
    return runs, first, len(inside) - 1 - last


def frame_width(row: np.ndarray) -> int:
    """Dots from the edge through the frame's left line (white margin, then black)."""
    x = 0
    while row[x]:
        x += 1
    while not row[x]:
        x += 1
    return x


def assert_texts_inside(label: RenderedLabel) -> None:
    """Every text line's ink lies inside its own band and inside the frame's lines."""
    pixels = np.asarray(label.image, dtype=bool)
    frame = frame_width(pixels[pixels.shape[0] // 2])
    bands = {name: (top, bottom) for name, top, bottom in label.bands}
    assert label.texts
    for run in label.texts:
        x0, y0, x1, y1 = run.box
        top, bottom = bands[run.band]
        assert top <= y0 and y1 <= bottom, run
        assert frame <= x0 and x1 <= label.image.width - frame, run
