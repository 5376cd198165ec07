"""The core's real waybills through the mock and the emulator, read back by zxing-cpp.

Skipped when `packstation.labels` is not importable, so this package's tests do not
depend on the renderer; when it is there, this is the end-to-end proof for issue 5.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import zxingcpp
from packstation.printers import open_printer
from packstation.printers.emulator import PrinterEmulator
from PIL import Image

labels: Any = pytest.importorskip("packstation.labels")

WAYBILL_NO = "SF1234567890123"
ORDER_NO = "PS-20261111-000123"


def render(size: str, dpi: int, priority: bool) -> Any:
    data = labels.WaybillData(
        carrier="顺丰速运",
        waybill_no=WAYBILL_NO,
        order_no=ORDER_NO,
        printed_at=datetime(2026, 11, 11, 10, 30),
        sort_text="杭州 西湖 A12",
        recipient_name="王小明",
        recipient_phone="13812345678",
        recipient_address="浙江省杭州市西湖区文三路 100 号",
        sender_name="PackStation 仓",
        sender_phone="057188888888",
        sender_address="浙江省嘉兴市南湖区仓储路 8 号",
        item_summary="保温杯 ×2",
        bench="B-03",
        priority=labels.PriorityMark("杭", city="杭州") if priority else None,
    )
    return labels.render_waybill(data, size=size, dpi=dpi)


def profile_for(dpi: int, priority: bool) -> str:
    if dpi == 300:
        return "label-4in-300"
    return "two-colour-4in-203" if priority else "label-4in-203-cutter"


def barcodes(img: Image.Image) -> set[tuple[str, str]]:
    return {(r.format.name, r.text) for r in zxingcpp.read_barcodes(img)}


CASES = [
    (size, dpi, priority)
    for size in ("76x130", "100x150", "100x180", "80")
    for dpi in (203, 300)
    for priority in (False, True)
]


@pytest.mark.parametrize(("size", "dpi", "priority"), CASES)
def test_every_size_prints_through_the_mock_and_scans(size: str, dpi: int, priority: bool) -> None:
    label = render(size, dpi, priority)
    printer = open_printer("mock", profile_for(dpi, priority))
    printer.print_label(label.image, red_bands=label.red_bands, job_id=f"{size}@{dpi}")
    [printed] = printer.transport.printed_labels
    width, height = label.image.size
    assert printed.image.crop((0, 0, width, height)).tobytes() == label.image.tobytes()
    if priority and dpi == 203:
        assert printed.red_bands == tuple(label.red_bands)
    found = barcodes(printed.image)
    assert ("Code128", WAYBILL_NO) in found
    assert ("QRCode", ORDER_NO) in found


@pytest.mark.parametrize(("size", "dpi"), [(s, d) for s, d, p in CASES if p])
def test_priority_labels_print_through_the_emulator_and_scan_from_png(
    emulator: PrinterEmulator, size: str, dpi: int
) -> None:
    label = render(size, dpi, True)
    printer = open_printer(emulator.spec, profile_for(dpi, True), status_timeout=2)
    printer.print_label(label.image, red_bands=label.red_bands)
    assert emulator.wait_for_labels(1, timeout=10)
    found = barcodes(Image.open(emulator.saved[0]))
    assert ("Code128", WAYBILL_NO) in found
    assert ("QRCode", ORDER_NO) in found
