"""Every size and dpi renders; codes read back exactly; bars sit on whole dots."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import reduce

import numpy as np
import pytest
from PIL import Image

from packstation.labels import LABEL_SIZES, WaybillData, render_waybill
from packstation.labels.barcodes import CODE128_QUIET_MODULES, code128_modules

from .conftest import assert_texts_inside, read_codes, row_runs

SIZES_DPI = [(size, dpi) for size in LABEL_SIZES for dpi in (203, 300)]
DOTS = {  # (width, height) in dots; "80" is continuous, height as needed
    ("76x130", 203): (608, 1040), ("100x150", 203): (800, 1200),
    ("100x180", 203): (800, 1440), ("80", 203): (576, None),
    ("76x130", 300): (898, 1535), ("100x150", 300): (1181, 1772),
    ("100x180", 300): (1181, 2126), ("80", 300): (850, None),
}


@pytest.mark.parametrize(("size", "dpi"), SIZES_DPI)
@pytest.mark.parametrize("kind", ["plain", "priority"])
def test_every_size_and_dpi_renders_a_1bit_label_of_the_right_size(
    size: str, dpi: int, kind: str, request: pytest.FixtureRequest,
) -> None:
    data = request.getfixturevalue(kind)
    label = render_waybill(data, size=size, dpi=dpi)
    width, height = DOTS[(size, dpi)]
    assert label.image.mode == "1"
    assert label.image.width == width
    if height is not None:
        assert label.image.height == height
    assert label.missing_glyphs == frozenset()
    assert bool(label.red_bands) == (kind == "priority")


@pytest.mark.parametrize(("size", "dpi"), SIZES_DPI)
def test_waybill_code128_and_order_qr_read_back_exactly(
    size: str, dpi: int, priority: WaybillData,
) -> None:
    label = render_waybill(priority, size=size, dpi=dpi)
    assert read_codes(label.image) == [
        ("Code128", priority.waybill_no),
        ("Code128", priority.waybill_no),
        ("QRCode", priority.order_no),
    ]


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_codes_survive_a_2x_nearest_downsample_at_300_dpi(size: str, priority: WaybillData) -> None:
    label = render_waybill(priority, size=size, dpi=300)
    half = label.image.resize(
        (label.image.width // 2, label.image.height // 2), Image.Resampling.NEAREST
    )
    codes = read_codes(half)
    assert ("Code128", priority.waybill_no) in codes
    assert ("QRCode", priority.order_no) in codes


@pytest.mark.parametrize(("size", "dpi"), SIZES_DPI)
@pytest.mark.parametrize("band", ["barcode", "barcode2"])
def test_bars_are_whole_modules_with_ten_module_quiet_zones(
    size: str, dpi: int, band: str, plain: WaybillData,
) -> None:
    label = render_waybill(plain, size=size, dpi=dpi)
    runs, white_before, white_after = row_runs(label, band)
    module = reduce(math.gcd, runs)
    assert module >= 2 if dpi == 300 or band == "barcode" else module >= 1
    assert all(r % module == 0 and 1 <= r // module <= 4 for r in runs)
    pattern = "".join(("1" if i % 2 == 0 else "0") * (r // module) for i, r in enumerate(runs))
    assert pattern == code128_modules(plain.waybill_no)
    assert white_before >= CODE128_QUIET_MODULES * module
    assert white_after >= CODE128_QUIET_MODULES * module


def test_main_barcode_modules_are_between_a_quarter_and_half_a_millimetre(
    plain: WaybillData,
) -> None:
    for size in LABEL_SIZES:
        runs, _, _ = row_runs(render_waybill(plain, size=size, dpi=203), "barcode")
        module_mm = reduce(math.gcd, runs) / 8.0
        assert 0.25 <= module_mm <= 0.5, size


@pytest.mark.parametrize(("size", "dpi"), SIZES_DPI)
def test_every_text_line_stays_inside_its_band_and_the_frame(
    size: str, dpi: int, priority: WaybillData,
) -> None:
    label = render_waybill(priority, size=size, dpi=dpi)
    assert_texts_inside(label)


def test_bands_follow_the_e_waybill_order(priority: WaybillData) -> None:
    names = [name for name, _, _ in render_waybill(priority, "76x130").bands]
    assert names == ["header", "barcode", "priority", "sort", "recipient", "sender",
                     "barcode2", "items", "qr", "footer"]


def test_label_shows_the_fields_it_was_given(plain: WaybillData) -> None:
    text = render_waybill(plain, "100x150").text()
    for expected in ["中通快递 ZTO", "7531 2345 6789 01", "浙 杭州 西湖 571-W12", "收", "寄",
                     "好物旗舰店", "品名：保温杯", "备注：易碎品轻放", plain.order_no,
                     "打印时间 2026-11-11 00:12", "工作台 B-03", "已验视"]:
        assert expected in text, expected


def test_recipient_is_masked_on_the_label(plain: WaybillData) -> None:
    text = render_waybill(plain, "76x130").text()
    assert "张*  138****5678" in text
    assert "张伟" not in text and "13812345678" not in text
    assert "0571-88886666" in text  # the sender (the shop) is not masked


def test_internal_shipment_id_says_it_is_not_a_carrier_number(plain: WaybillData) -> None:
    data = replace(plain, waybill_no="PS20261111000123", waybill_is_internal=True)
    label = render_waybill(data, "76x130")
    lines = label.text().splitlines()
    assert "内部单号 PS20261111000123" in lines
    assert any("not a carrier number" in ln and "非承运商运单号" in ln for ln in lines)
    assert "已验视" not in lines  # header tag says 内部单号 instead
    assert read_codes(label.image)[0] == ("Code128", "PS20261111000123")
    carrier_label = render_waybill(plain, "76x130").text()
    assert "内部单号" not in carrier_label and "not a carrier number" not in carrier_label


def test_aware_print_time_is_shown_in_the_benchs_local_time(
    plain: WaybillData, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from datetime import UTC, datetime

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        data = replace(plain, printed_at=datetime(2026, 11, 10, 16, 12, tzinfo=UTC))
        assert "打印时间 2026-11-11 00:12" in render_waybill(data, "76x130").text()
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(("size", "dpi"), SIZES_DPI)
def test_a_reprint_carries_a_visible_reprint_mark_in_the_header(
    size: str, dpi: int, priority: WaybillData,
) -> None:
    first = render_waybill(priority, size=size, dpi=dpi)
    again = render_waybill(replace(priority, reprint=2), size=size, dpi=dpi)
    assert_texts_inside(again)
    marks = [r for r in again.texts if r.text == "重打 2"]
    assert len(marks) == 1 and marks[0].band == "header"
    assert "重打" not in first.text()
    # white on black: the stamp's box is mostly ink around the white text
    x0, y0, x1, y1 = marks[0].box
    stamp = np.asarray(again.image, dtype=bool)[y0:y1, x0:x1]
    assert (~stamp).mean() > 0.4
    assert read_codes(again.image) == read_codes(first.image)  # codes unchanged
