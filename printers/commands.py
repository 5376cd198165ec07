"""ESC/POS command bytes as named constants, in one place.

Values that python-escpos already names are taken from `escpos.constants` so the two
stay in agreement; the rest are spelled out here with the manual's name.
"""

from __future__ import annotations

from escpos.constants import DLE, EOT, ESC, GS, HW_INIT

NUL = b"\x00"
LF = b"\n"
FF = b"\x0c"

#: ESC @ — clear the buffer and reset modes (colour back to black, line spacing).
INIT: bytes = HW_INIT

#: ESC r n — select print colour for what follows (two-colour printers only).
COLOR_BLACK: bytes = ESC + b"r\x00"
COLOR_RED: bytes = ESC + b"r\x01"

#: GS v 0 m xL xH yL yH d1...dk — print raster bit image; m = 0 normal density.
RASTER_PREFIX: bytes = GS + b"v0"
RASTER_MODE_NORMAL = 0
RASTER_MODE_DOUBLE_WIDTH = 1
RASTER_MODE_DOUBLE_HEIGHT = 2
RASTER_MODE_QUADRUPLE = 3
#: Largest band height the parser accepts; Epson documents yL + yH*256 <= 2303.
RASTER_MAX_ROWS = 2303
RASTER_MAX_WIDTH_BYTES = 4256 // 8

#: GS V m n — "function B": feed to the cutter plus n motion units, then cut.
CUT_PREFIX: bytes = GS + b"V"
CUT_FULL_FEED = 65
CUT_PARTIAL_FEED = 66
#: Function A cuts (no n byte): 0/48 full, 1/49 partial.
CUT_A_FULL = (0, 48)
CUT_A_PARTIAL = (1, 49)
#: Functions C and D (with n), for the parser only.
CUT_WITH_N = (65, 66, 97, 98, 103, 104)

#: GS FF — feed a label to the print start of the next one (label-mode printers).
FEED_TO_NEXT_LABEL: bytes = GS + FF

#: DLE EOT n — real-time status; n = 1 printer, 2 offline cause, 3 error cause, 4 paper.
REALTIME_STATUS: bytes = DLE + EOT
STATUS_PRINTER = 1
STATUS_OFFLINE_CAUSE = 2
STATUS_ERROR_CAUSE = 3
STATUS_PAPER = 4


def realtime_status(n: int) -> bytes:
    """DLE EOT n for n in 1..4."""
    if not 1 <= n <= 4:
        raise ValueError(f"DLE EOT n must be 1..4, got {n}")
    return REALTIME_STATUS + bytes((n,))


def cut(partial: bool, feed_dots: int) -> bytes:
    """GS V 66/65 n: feed to the cutter (plus `feed_dots`) and cut."""
    if not 0 <= feed_dots <= 255:
        raise ValueError(f"cut feed must be 0..255 dots, got {feed_dots}")
    m = CUT_PARTIAL_FEED if partial else CUT_FULL_FEED
    return CUT_PREFIX + bytes((m, feed_dots))


def raster_header(width_bytes: int, rows: int, mode: int = RASTER_MODE_NORMAL) -> bytes:
    """GS v 0 header for a band `width_bytes` wide and `rows` high."""
    return RASTER_PREFIX + bytes(
        (mode, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8)
    )


__all__ = [
    "COLOR_BLACK",
    "COLOR_RED",
    "DLE",
    "EOT",
    "ESC",
    "FEED_TO_NEXT_LABEL",
    "GS",
    "INIT",
    "LF",
    "NUL",
    "RASTER_PREFIX",
    "REALTIME_STATUS",
    "cut",
    "raster_header",
    "realtime_status",
]
