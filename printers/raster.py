"""Pure image conversion: a 1-bit Pillow bitmap to ESC/POS raster rows, and band plans.

In Pillow mode "1" a set bit is white; in ESC/POS raster data a set bit burns a dot.
Pillow's "1;I" packer inverts while packing, row by row, padding each row to a whole
byte with zero (unprinted) bits — one C call, no per-pixel Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PIL import Image

RowRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class PackedRaster:
    """Bitmap rows packed 8 dots per byte, MSB = leftmost dot, 1 = print."""

    data: bytes
    width_bytes: int
    height: int

    def rows(self, start: int, stop: int) -> memoryview:
        """The packed bytes of rows [start, stop), without copying them."""
        return memoryview(self.data)[start * self.width_bytes : stop * self.width_bytes]


@dataclass(frozen=True, slots=True)
class Band:
    """Rows [start, stop) sent as one raster command, in red or in black."""

    start: int
    stop: int
    red: bool = False


def pack(bitmap: Image.Image) -> PackedRaster:
    """Pack a mode "1" bitmap; other modes are refused so nothing gets dithered."""
    if bitmap.mode != "1":
        raise ValueError(
            f"bitmap must be Pillow mode '1' (1-bit, no dithering), got '{bitmap.mode}'"
        )
    width, height = bitmap.size
    if width == 0 or height == 0:
        raise ValueError(f"bitmap is empty ({width}x{height})")
    return PackedRaster(bitmap.tobytes("raw", "1;I"), (width + 7) // 8, height)


def normalise_row_ranges(ranges: Iterable[Sequence[int]], height: int) -> tuple[RowRange, ...]:
    """Clip half-open row ranges to the bitmap, drop empty ones, merge overlaps."""
    clipped: list[RowRange] = []
    for item in ranges:
        start, stop = int(item[0]), int(item[1])
        if start < 0 or stop < start:
            raise ValueError(f"bad row range ({start}, {stop}): need 0 <= start <= stop")
        start, stop = min(start, height), min(stop, height)
        if start < stop:
            clipped.append((start, stop))
    merged: list[RowRange] = []
    for start, stop in sorted(clipped):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return tuple(merged)


def plan_bands(height: int, band_rows: int, red: tuple[RowRange, ...] = ()) -> list[Band]:
    """Split rows into bands of at most `band_rows`, breaking at red range edges."""
    if band_rows < 1:
        raise ValueError(f"band height must be at least 1 row, got {band_rows}")
    segments: list[Band] = []
    cursor = 0
    for start, stop in red:
        if cursor < start:
            segments.append(Band(cursor, start, False))
        segments.append(Band(start, stop, True))
        cursor = stop
    if cursor < height:
        segments.append(Band(cursor, height, False))
    bands: list[Band] = []
    for seg in segments:
        for top in range(seg.start, seg.stop, band_rows):
            bands.append(Band(top, min(top + band_rows, seg.stop), seg.red))
    return bands
