"""The bundled CJK font: where it lives, loaded once per pixel size, and what it covers.

Labels must render Chinese on a bench PC without Chinese fonts, so the font ships in
`assets/fonts/` (see SOURCE.md there). Fonts are cached per size because loading a
3.5 MB OTF costs milliseconds and a label is rendered in a ~12 ms budget.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from packstation.assets import ASSETS_ENV, assets_dir

_REGULAR = "NotoSansCJKsc-Regular-subset.otf"
_BOLD = "NotoSansCJKsc-Bold-subset.otf"


class FontMissingError(FileNotFoundError):
    """The bundled font is not where it should be: a broken install, not user data."""


def fonts_dir() -> Path:
    return assets_dir() / "fonts"


def font_path(bold: bool = False) -> Path:
    """Path of the bundled Noto Sans CJK SC subset, for Pillow and `addApplicationFont`."""
    path = fonts_dir() / (_BOLD if bold else _REGULAR)
    if not path.is_file():
        raise FontMissingError(
            f"Bundled label font not found at {path}; reinstall PackStation or set "
            f"{ASSETS_ENV} to the directory holding fonts/{path.name}."
        )
    return path


def font_paths() -> tuple[Path, Path]:
    """Both faces (regular, bold), for registering with Qt in one loop."""
    return font_path(False), font_path(True)


@lru_cache(maxsize=64)
def load_font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Pillow font at `px` pixels per em, loaded once; BASIC layout (CJK needs no shaping)."""
    return ImageFont.truetype(
        str(font_path(bold)), max(px, 1), layout_engine=ImageFont.Layout.BASIC
    )


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Code points both bundled faces map, from `coverage.txt` (written by make_subset.sh).

    Read from a text file so the app does not need fonttools at run time.
    """
    points: set[int] = set()
    text = (fonts_dir() / "coverage.txt").read_text(encoding="ascii")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        start, _, stop = line.partition("-")
        points.update(range(int(start, 16), int(stop or start, 16) + 1))
    return frozenset(points)


def has_glyph(char: str) -> bool:
    """True if the bundled font can draw `char` (a single code point)."""
    return ord(char) in coverage()
