"""Code 128 and QR drawn as whole-dot modules straight onto the label canvas.

Bars are rectangles at an integer module width in printer dots: no scaling, no resampling,
no anti-aliasing, so every bar edge falls on a dot and the code scans first time.
python-barcode gives the Code 128 module pattern (including code-set optimisation and the
check character); qrcode gives the QR module matrix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from barcode import Code128
from PIL import ImageDraw

from packstation.labels.qrmask import best_mask

CODE128_QUIET_MODULES = 10
QR_QUIET_MODULES = 4
BLACK = 0


@lru_cache(maxsize=256)
def code128_modules(data: str) -> str:
    """The Code 128 module string ('1' bar, '0' space) from start to stop, no quiet zone."""
    return Code128(data).build()[0]


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix (no quiet zone), error correction M, smallest version that fits.

    The same symbol qrcode makes by default; the mask is chosen by `qrmask.best_mask`
    (same rule, ~6x faster) and the symbol built by qrcode with that mask.
    """
    payload = data.encode("utf-8")
    first = _build_qr(payload, 0)
    matrix = first.get_matrix()
    mask = best_mask(matrix, first.version)
    if mask != 0:  # rebuild with the chosen mask; make() reuses the encoded data
        first.mask_pattern = mask
        first.make(fit=False)
        matrix = first.get_matrix()
    return tuple(tuple(row) for row in matrix)


def _build_qr(payload: bytes, mask: int) -> qrcode.QRCode:
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M,
                       mask_pattern=mask)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr


@dataclass(frozen=True, slots=True)
class BarcodeFit:
    """Module width chosen for a code and the total width it takes, quiet zones included."""

    module: int
    width: int


def fit_code128(data: str, avail: int, max_module: int) -> BarcodeFit | None:
    """Widest whole-dot module (≤ max_module) whose bars plus 10-module quiet zones fit."""
    total = len(code128_modules(data)) + 2 * CODE128_QUIET_MODULES
    module = min(max_module, avail // total)
    if module < 1:
        return None
    return BarcodeFit(module, total * module)


def bar_runs(data: str) -> Iterator[tuple[int, int]]:
    """(first module, width in modules) of each dark bar of the Code 128 of `data`,
    counted from the end of the left quiet zone: one rectangle per bar, whatever draws it."""
    bars = code128_modules(data)
    i, n = 0, len(bars)
    while i < n:
        if bars[i] == "1":
            j = i
            while j < n and bars[j] == "1":
                j += 1
            yield i, j - i
            i = j
        else:
            i += 1


def draw_code128(draw: ImageDraw.ImageDraw, data: str, x: int, y: int, module: int,
                 height: int) -> int:
    """Draw the code with its left quiet zone starting at x; return the right edge."""
    left = x + CODE128_QUIET_MODULES * module
    for start, width in bar_runs(data):
        draw.rectangle(
            (left + start * module, y, left + (start + width) * module - 1, y + height - 1),
            fill=BLACK,
        )
    return left + (len(code128_modules(data)) + CODE128_QUIET_MODULES) * module


def qr_size(data: str, module: int) -> int:
    """Side in dots of the QR at `module` dots per module, quiet zone included."""
    return (len(qr_matrix(data)) + 2 * QR_QUIET_MODULES) * module


def fit_qr(data: str, avail: int, max_module: int) -> int:
    """Largest whole-dot QR module (≤ max_module) that fits `avail` dots; 0 if none."""
    return min(max_module, avail // (len(qr_matrix(data)) + 2 * QR_QUIET_MODULES))


def draw_qr(draw: ImageDraw.ImageDraw, data: str, x: int, y: int, module: int) -> int:
    """Draw the QR with its quiet zone's top-left at (x, y); return the side in dots."""
    matrix = qr_matrix(data)
    off_x = x + QR_QUIET_MODULES * module
    off_y = y + QR_QUIET_MODULES * module
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                d = c
                while d < n and row[d]:
                    d += 1
                draw.rectangle(
                    (off_x + c * module, off_y + r * module,
                     off_x + d * module - 1, off_y + (r + 1) * module - 1),
                    fill=BLACK,
                )
                c = d
            else:
                c += 1
    return qr_size(data, module)
