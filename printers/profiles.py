"""Printer profiles: what a model can do, in one place.

A profile picks the command variant (cut or label feed, red or not) and bounds the
bitmap width; it never holds connection details (those are in the spec string).
`tested` says honestly what each profile was checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import BAD_SPEC, PrinterError

CutKind = Literal["partial", "full", "none"]

#: Rows per GS v 0 command. Small enough for the 4 KB receive buffers of cheap
#: printers at 58/80 mm, large enough that header overhead is negligible.
DEFAULT_BAND_ROWS = 64


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """Capabilities of one printer model family."""

    name: str
    description: str
    width_dots: int
    dpi: int
    two_colour: bool = False
    cut: CutKind = "partial"
    #: Extra feed (dots) before the cut so the last rows clear the cutter.
    cut_feed_dots: int = 0
    #: Label-mode printers without a cutter: end a label with GS FF (feed to next).
    label_gap: bool = False
    band_rows: int = DEFAULT_BAND_ROWS
    #: Command language; a key of `registry.LANGUAGES` ("escpos"; later "tspl", "zpl").
    language: str = "escpos"
    tested: str = "emulator only"

    @property
    def width_mm(self) -> float:
        """Printable width in millimetres."""
        return self.width_dots * 25.4 / self.dpi


PROFILES: dict[str, PrinterProfile] = {
    p.name: p
    for p in (
        PrinterProfile(
            "generic-80mm-203",
            "80 mm receipt printer, 72 mm printable, 203 dpi, autocutter",
            width_dots=576,
            dpi=203,
        ),
        PrinterProfile(
            "generic-58mm-203",
            "58 mm receipt printer, 48 mm printable, 203 dpi, no cutter",
            width_dots=384,
            dpi=203,
            cut="none",
        ),
        PrinterProfile(
            "label-4in-203",
            "4-inch label printer in ESC/POS mode, 104 mm printable, 203 dpi, gap labels",
            width_dots=832,
            dpi=203,
            cut="none",
            label_gap=True,
        ),
        PrinterProfile(
            "label-4in-203-cutter",
            "4-inch label printer with autocutter, 203 dpi",
            width_dots=832,
            dpi=203,
        ),
        PrinterProfile(
            "label-4in-300",
            "4-inch label printer in ESC/POS mode, 104 mm printable, 300 dpi, gap labels",
            width_dots=1248,
            dpi=300,
            cut="none",
            label_gap=True,
        ),
        PrinterProfile(
            "two-colour-80mm-203",
            "80 mm two-colour (black/red) thermal printer, 203 dpi, autocutter",
            width_dots=576,
            dpi=203,
            two_colour=True,
        ),
        PrinterProfile(
            "two-colour-4in-203",
            "4-inch two-colour (black/red) label printer with autocutter, 203 dpi",
            width_dots=832,
            dpi=203,
            two_colour=True,
        ),
    )
}

DEFAULT_PROFILE = "label-4in-203-cutter"


def get_profile(profile: str | PrinterProfile | None = None) -> PrinterProfile:
    """Look a profile up by name; unknown names are a clear error, not a default."""
    if isinstance(profile, PrinterProfile):
        return profile
    name = profile or DEFAULT_PROFILE
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise PrinterError(
            BAD_SPEC,
            f"未知的打印机型号配置“{name}”。可用：{known}",
            f"Unknown printer profile '{name}'. Known profiles: {known}",
        ) from None
