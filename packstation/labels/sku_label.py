"""SKU labels: a product unit that came without a usable barcode gets one, the Code 128 of
its SKU with the SKU text and the title, on the bench's label stock.

Drawn like the waybill (whole-dot modules, thresholded CJK text, no dithering) so it scans
first time: the code takes the label's width at the widest module up to 0.5 mm, bars
at least 15 mm high.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from packstation.labels.barcodes import draw_code128, fit_code128
from packstation.labels.layout import geometry
from packstation.labels.model import LabelDataError
from packstation.labels.text import Canvas

MAX_MODULE_MM = 0.5
MIN_MODULE_DOTS = 2  # one-dot bars are too thin to scan reliably off a thermal head
MIN_BAR_MM = 15.0
RECEIPT_HEIGHT_MM = 40.0  # continuous paper: a label this tall, then cut


@dataclass(frozen=True, slots=True)
class SkuLabel:
    """The 1-bit label image and where its code was drawn (for tests and previews)."""

    image: Image.Image
    sku: str
    barcode_box: tuple[int, int, int, int]
    module: int
    missing_glyphs: frozenset[str]


def render_sku_label(sku: str, title: str, size: str = "100x150", dpi: int = 203) -> SkuLabel:
    """One label for one unit: title on top, the code across the width, the SKU below."""
    if not sku or not sku.isascii() or not sku.isprintable():
        raise LabelDataError(
            f"SKU {sku!r} 不能编成 Code 128，请改用字母数字 SKU",
            f"SKU {sku!r} cannot be encoded as Code 128; use a letters-and-digits SKU",
        )
    geo = geometry(size, dpi)
    height = geo.height or round(RECEIPT_HEIGHT_MM * geo.dots_per_mm)
    canvas = Canvas(geo.width, height)
    margin = geo.phys(3.0)
    inner = geo.width - 2 * margin
    fit = fit_code128(sku, inner, geo.phys(MAX_MODULE_MM))
    if fit is None or fit.module < MIN_MODULE_DOTS:
        raise LabelDataError(
            f"SKU {sku} 太长，{size} 标签上的条码无法扫描，请用更宽的标签",
            f"SKU {sku} is too long to scan on a {size} label; use wider label stock",
        )
    sku_px = canvas.fit_px(sku, geo.phys(7.0), geo.phys(3.0), True, inner)
    title_px = geo.phys(6.0 if geo.height and geo.height > geo.width else 3.5)
    title_lines = 3 if geo.height and geo.height > geo.width else 2
    title = canvas.printable(title, 200)
    gap = geo.phys(2.0)
    title_h = round(title_px * 1.22) * title_lines
    bar_h = max(geo.phys(MIN_BAR_MM), height - 2 * margin - title_h - sku_px - 3 * gap)
    bar_h = min(bar_h, geo.phys(40.0))
    block = title_h + gap + bar_h + gap + sku_px
    top = max(margin, (height - block) // 2)
    canvas.band = "title"
    canvas.paragraph(margin, top, title, title_px, False, inner, title_h, max_lines=title_lines)
    y = top + title_h + gap
    x = margin + (inner - fit.width) // 2
    right = draw_code128(canvas.draw, sku, x, y, fit.module, bar_h)
    canvas.band = "sku"
    canvas.line(geo.width // 2, y + bar_h + gap, sku, sku_px, bold=True, align="m")
    return SkuLabel(
        canvas.to_1bit(), sku, (x, y, right, y + bar_h), fit.module, frozenset(canvas.missing)
    )


def label_sheet(labels: list[SkuLabel], columns: int = 3, gap: int = 24) -> Image.Image:
    """Labels side by side on one image, as they come off a roll (previews and docs)."""
    if not labels:
        raise ValueError("no labels")
    w, h = labels[0].image.size
    rows = (len(labels) + columns - 1) // columns
    sheet = Image.new("1", (columns * w + (columns + 1) * gap, rows * h + (rows + 1) * gap), 0)
    for i, label in enumerate(labels):
        r, c = divmod(i, columns)
        sheet.paste(label.image, (gap + c * (w + gap), gap + r * (h + gap)))
    return sheet
