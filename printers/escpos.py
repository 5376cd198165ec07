"""Bitmap plus job options → ESC/POS bytes. Pure: no I/O, no device state.

The raster command is the same `GS v 0` python-escpos emits from `Escpos.image()`
(byte-identical for the same band height, checked in the tests); the packing is done
here in one Pillow call instead of python-escpos's RGBA → L → invert → 1 round trip,
and bands may break at red-block edges, which `image()` cannot do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PIL import Image

from . import commands as cmd
from .errors import TOO_WIDE, PrinterError
from .profiles import PrinterProfile, get_profile
from .raster import normalise_row_ranges, pack, plan_bands


def encode_label(
    bitmap: Image.Image,
    profile: PrinterProfile | str | None = None,
    *,
    red_bands: Iterable[Sequence[int]] = (),
    cut: bool = True,
    band_rows: int | None = None,
    init: bool = True,
) -> bytes:
    """One label's complete ESC/POS job.

    `red_bands` are half-open row ranges [start, stop) printed in the second colour on
    two-colour profiles (and in black elsewhere). `cut` ends the label: a cut where the
    profile has a cutter, a feed to the next label on gap-label profiles.
    """
    prof = get_profile(profile)
    width, _height = bitmap.size
    if width > prof.width_dots:
        raise PrinterError(
            TOO_WIDE,
            f"面单宽 {width} 点，超过打印机“{prof.name}”的可打印宽度 {prof.width_dots} 点。"
            "请换用合适的面单尺寸或打印机型号配置。",
            f"The label is {width} dots wide, wider than the {prof.width_dots} dots "
            f"printer profile '{prof.name}' can print. Choose a smaller label size or "
            "the right printer profile.",
        )
    raster = pack(bitmap)
    red = normalise_row_ranges(red_bands, raster.height) if prof.two_colour else ()
    rows_per_band = band_rows if band_rows is not None else prof.band_rows
    if rows_per_band > cmd.RASTER_MAX_ROWS:
        raise ValueError(f"band height must be at most {cmd.RASTER_MAX_ROWS} rows")

    parts: list[bytes | memoryview] = [cmd.INIT] if init else []
    in_red = False
    for band in plan_bands(raster.height, rows_per_band, red):
        if band.red != in_red:
            parts.append(cmd.COLOR_RED if band.red else cmd.COLOR_BLACK)
            in_red = band.red
        parts.append(cmd.raster_header(raster.width_bytes, band.stop - band.start))
        parts.append(raster.rows(band.start, band.stop))
    if in_red:
        parts.append(cmd.COLOR_BLACK)
    if cut:
        parts.append(end_of_label(prof))
    return b"".join(parts)


def end_of_label(profile: PrinterProfile) -> bytes:
    """The bytes that finish a label on this profile: cut, feed to gap, or nothing."""
    if profile.cut != "none":
        return cmd.cut(profile.cut == "partial", profile.cut_feed_dots)
    if profile.label_gap:
        return cmd.FEED_TO_NEXT_LABEL
    return b""
