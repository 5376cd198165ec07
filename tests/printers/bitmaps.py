"""Test bitmaps: barcodes drawn at whole-dot module widths, no scaling, no dithering."""

from __future__ import annotations

import random

import barcode
import qrcode
from PIL import Image, ImageDraw


def code128(data: str, module: int = 3, height: int = 120, quiet: int = 10) -> Image.Image:
    """Code 128 from python-barcode's module pattern, `module` dots per module."""
    pattern = barcode.get("code128", data).build()[0]
    width = (len(pattern) + 2 * quiet) * module
    img = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = (quiet + i) * module
            draw.rectangle((x, 0, x + module - 1, height - 1), fill=0)
    return img


def qr(data: str, module: int = 6) -> Image.Image:
    """QR from qrcode's module matrix (border included), `module` dots per module."""
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix) * module
    img = Image.new("1", (size, size), 1)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle(
                    (x * module, y * module, (x + 1) * module - 1, (y + 1) * module - 1), fill=0
                )
    return img


def waybill(
    width: int = 800,
    height: int = 1200,
    *,
    code: str = "SF1234567890123",
    order: str = "PS-20261111-000123",
) -> Image.Image:
    """A label-like bitmap: frame, text, a priority block, a Code 128 and a QR."""
    img = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(img)
    draw.rectangle((4, 4, width - 5, height - 5), outline=0, width=3)
    for i in range(12):
        draw.text((30, 420 + i * 40), f"line {i}: recipient address text {i * 7}", fill=0)
    draw.rectangle((30, 300, width - 30, 400), fill=0)
    draw.text((60, 340), "PRIORITY", fill=1)
    bar = code128(code, module=3, height=160)
    img.paste(bar, ((width - bar.width) // 2, 60))
    q = qr(order, module=6)
    img.paste(q, (width - q.width - 30, height - q.height - 30))
    return img


def noise(width: int, height: int, seed: int) -> Image.Image:
    """Random dots: every bit position matters in a round trip."""
    rng = random.Random(seed)
    data = bytes(rng.getrandbits(8) for _ in range(((width + 7) // 8) * height))
    return Image.frombytes("1", (width, height), data)
