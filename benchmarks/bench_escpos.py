"""ESC/POS encode benchmark: our encoder vs python-escpos's own image() on one bitmap.

    python benchmarks/bench_escpos.py [--repeat 50] [--band-rows 64]

The bitmap is a 100x150 mm label at 203 dpi (800x1200 dots): the real waybill renderer
(`packstation.labels.render_waybill`, priority label) when it imports, otherwise a
synthetic one with text, an inverse block, a Code 128 and a QR. Both encoders get the
same bitmap in the same run; their raster bytes are checked to be identical (same band
height, no red). Prints one JSON document. Budget (DESIGN.md): render + encode <= 20 ms,
and >= 50x faster than the printer prints the label (150 mm at 150 mm/s = 1 s).
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import barcode
import qrcode
from escpos.printer import Dummy
from packstation.printers import encode_label
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 1200
LABEL_MM = 150.0
PRINT_SPEED_MM_S = 150.0


def synthetic_label() -> tuple[Image.Image, tuple[tuple[int, int], ...]]:
    """A waybill-like 1-bit bitmap drawn with Pillow only (whole-dot barcodes)."""
    img = Image.new("1", (WIDTH, HEIGHT), 1)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=28)
    draw.rectangle((4, 4, WIDTH - 5, HEIGHT - 5), outline=0, width=3)
    draw.text((30, 20), "SF EXPRESS  standard", font=font, fill=0)
    pattern = barcode.get("code128", "SF1234567890123").build()[0]
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = 60 + i * 3
            draw.rectangle((x, 70, x + 2, 230), fill=0)
    draw.rectangle((20, 260, WIDTH - 20, 420), fill=0)
    draw.text((60, 300), "HZ  2-day priority", font=ImageFont.load_default(size=64), fill=1)
    for i in range(14):
        line = f"recipient / address / items line {i:02d}"
        draw.text((30, 450 + i * 36), line, font=font, fill=0)
    code = qrcode.QRCode(border=4)
    code.add_data("PS-20261111-000123")
    code.make(fit=True)
    for y, row in enumerate(code.get_matrix()):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle((560 + x * 6, 960 + y * 6, 565 + x * 6, 965 + y * 6), fill=0)
    return img, ((260, 421),)


def real_label() -> tuple[Callable[[], Any], str] | None:
    """The core's renderer, if present: returns a zero-argument render call."""
    try:
        from packstation.labels import PriorityMark, WaybillData, render_waybill
    except Exception:  # the renderer is optional for this benchmark
        return None
    data = WaybillData(
        carrier="顺丰速运",
        waybill_no="SF1234567890123",
        order_no="PS-20261111-000123",
        printed_at=datetime(2026, 11, 11, 10, 30),
        sort_text="杭州 西湖 A12",
        recipient_name="王小明",
        recipient_phone="13812345678",
        recipient_address="浙江省杭州市西湖区文三路 100 号 3 幢 502 室",
        sender_name="PackStation 仓",
        sender_phone="057188888888",
        sender_address="浙江省嘉兴市南湖区仓储路 8 号",
        item_summary="保温杯 ×2；手机壳 ×1",
        remarks="易碎，轻放",
        bench="B-03",
        priority=PriorityMark("杭", city="杭州"),
    )
    serial = itertools.count(1)

    def render() -> Any:
        # A new waybill and order number per call, so barcode caches do not flatter it.
        n = next(serial)
        fresh = replace(data, waybill_no=f"SF{n:013d}", order_no=f"PS-20261111-{n:06d}")
        return render_waybill(fresh, size="100x150", dpi=203)

    return render, "packstation.labels (new waybill number each call)"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU milliseconds per call after two warm-up calls, and the last result.

    CPU time is reported too because a shared, loaded machine inflates wall time with
    time spent descheduled, which says nothing about the code.
    """
    result = fn()
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu, result


def summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    ordered = sorted(wall)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3),
        "min_ms": round(ordered[0], 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
    }


def python_escpos_image(bitmap: Image.Image, band_rows: int) -> bytes:
    printer = Dummy(profile="TM-T88III")
    printer.profile.profile_data["media"]["width"]["pixels"] = 832
    printer.image(bitmap, impl="bitImageRaster", fragment_height=band_rows)
    return printer.output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--band-rows", type=int, default=64)
    args = parser.parse_args(argv)

    render_info = real_label()
    if render_info is not None:
        render, source = render_info
        render_wall, render_cpu, label = timed(render, args.repeat)
        bitmap, red = label.image, label.red_bands
    else:
        source = "synthetic (packstation.labels not importable)"
        render_wall, render_cpu, (bitmap, red) = timed(synthetic_label, args.repeat)
    if bitmap.size != (WIDTH, HEIGHT):
        print(f"warning: bitmap is {bitmap.size}, expected {(WIDTH, HEIGHT)}", file=sys.stderr)

    def ours_mono() -> bytes:
        return encode_label(
            bitmap, "label-4in-203", band_rows=args.band_rows, cut=False, init=False
        )

    def ours_red() -> bytes:
        return encode_label(bitmap, "two-colour-4in-203", red_bands=red, band_rows=args.band_rows)

    ours_wall, ours_cpu, ours_bytes = timed(ours_mono, args.repeat)
    red_wall, red_cpu, red_bytes = timed(ours_red, args.repeat)
    theirs_wall, theirs_cpu, theirs_bytes = timed(
        lambda: python_escpos_image(bitmap, args.band_rows), args.repeat
    )
    med = statistics.median
    total_med = med(render_wall) + med(red_wall)
    total_cpu = med(render_cpu) + med(red_cpu)
    print_seconds = LABEL_MM / PRINT_SPEED_MM_S
    report = {
        "bitmap": {"size": list(bitmap.size), "source": source, "red_bands": list(red)},
        "band_rows": args.band_rows,
        "repeat": args.repeat,
        "render": summary(render_wall, render_cpu),
        "encode_ours": summary(ours_wall, ours_cpu) | {"bytes": len(ours_bytes)},
        "encode_ours_two_colour_full_job": summary(red_wall, red_cpu) | {"bytes": len(red_bytes)},
        "encode_python_escpos_image": summary(theirs_wall, theirs_cpu)
        | {"bytes": len(theirs_bytes)},
        "raster_bytes_identical": ours_bytes == theirs_bytes,
        "speedup_vs_python_escpos": round(med(theirs_wall) / med(ours_wall), 1),
        "speedup_vs_python_escpos_cpu": round(med(theirs_cpu) / max(med(ours_cpu), 1e-6), 1),
        "render_plus_encode_median_ms": round(total_med, 3),
        "render_plus_encode_cpu_median_ms": round(total_cpu, 3),
        "budget_ms": 20.0,
        "within_budget": total_med <= 20.0,
        "printer_seconds_at_150mm_s": print_seconds,
        "faster_than_printer_x": round(print_seconds * 1000 / total_med, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
