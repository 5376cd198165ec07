"""Text on the label: make hostile input printable, report missing glyphs, wrap, draw.

Label fields come from platform exports and customers: they may hold control characters,
formula injections, 10 kB addresses or emoji. Nothing here raises on such input; text is
cleaned, cut to what fits (with …) and never drawn outside its box.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw

from packstation.labels.fonts import coverage, load_font

MISSING_GLYPH = "□"
ELLIPSIS = "…"
ASCENT = 0.88  # ideographic em box top above the baseline, in em (Noto CJK)
LINE_GAP = 0.22  # extra leading between wrapped lines, in em
BLACK, WHITE = 0, 255
INK_THRESHOLD = 105  # glyph coverage (0-255) above which a dot prints; keeps thin strokes
_INK_LUT = [255 if v > INK_THRESHOLD else 0 for v in range(256)]

_WS = re.compile(r"\s+")


def sanitize(text: str, limit: int) -> str:
    """One line of printable text: controls and line breaks become spaces, runs collapse.

    Only about the first `limit` characters are kept: a label shows at most a few hundred,
    and cutting early keeps a 10 kB field from costing time. Invisible format characters
    (ZWJ, variation selectors, bidi controls) are dropped; everything else is kept, so a
    glyph the font lacks is reported rather than lost.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text[: limit * 2]):
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif cat == "Cf" or _is_variation_selector(ch):
            continue
        else:
            out.append(ch)
    return _WS.sub(" ", "".join(out)).strip()[:limit]


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


@dataclass(frozen=True, slots=True)
class Glyph:
    """One rendered glyph: coverage mask, its offset from the pen on the baseline, advance."""

    mask: Image.Image | None
    left: int
    top: int
    advance: float
    width: int = 0
    height: int = 0
    core: Any = None  # mask.im: the C image, pasted directly (Image.paste costs 20 µs/call)


@lru_cache(maxsize=16384)
def glyph(ch: str, px: int, bold: bool) -> Glyph:
    """Render a glyph once per size and weight; labels reuse the same few hundred.

    FreeType rasterising dominated render time (7 ms of 12); pasting cached masks is
    ~100x cheaper per character and gives the same pixels (no kerning in CJK BASIC layout).
    """
    font = load_font(px, bold)
    advance = font.getlength(ch)
    left, top, right, bottom = font.getbbox(ch, anchor="ls")
    if right <= left or bottom <= top:
        return Glyph(None, 0, 0, advance)
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), ch, font=font, fill=255, anchor="ls")
    mask = mask.point(_INK_LUT)  # rendered anti-aliased, then thresholded: no grey, no dither
    return Glyph(mask, left, top, advance, mask.width, mask.height, mask.im)


@dataclass(frozen=True, slots=True)
class TextRun:
    """A line of text as drawn: which band, what it says, and its ink box (x0, y0, x1, y1).

    Kept so tests, previews and screen readers can know what the bitmap says without OCR.
    """

    band: str
    text: str
    box: tuple[int, int, int, int]


@dataclass
class Canvas:
    """A drawing surface for one label, in mode "L" holding only 0 and 255.

    Glyphs are rendered anti-aliased and thresholded once per glyph (see `glyph`), which
    keeps CJK strokes whole at 20 px where FreeType's own 1-bit mode drops thin strokes.
    """

    width: int
    height: int
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    missing: set[str] = field(default_factory=set)
    runs: list[TextRun] = field(default_factory=list)
    band: str = ""
    _core: Any = field(init=False, repr=False)  # image.im, for direct glyph pastes

    def __post_init__(self) -> None:
        self.image = Image.new("L", (self.width, self.height), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self._core = self.image.im

    # --- characters ------------------------------------------------------------------
    def printable(self, text: str, limit: int = 400) -> str:
        """Sanitised text with glyphs the font lacks replaced by □ and recorded."""
        return self.checked(sanitize(text, limit))

    def checked(self, text: str) -> str:
        """Already sanitised text with glyphs the font lacks replaced by □ and recorded.

        Separate from `printable` so masking can run first: a character masked away is
        not on the label and is not reported.
        """
        cov = coverage()
        if all(ord(c) in cov for c in text):
            return text
        out = []
        for c in text:
            if ord(c) in cov:
                out.append(c)
            else:
                self.missing.add(c)
                out.append(MISSING_GLYPH)
        return "".join(out)

    def char_width(self, ch: str, px: int, bold: bool) -> float:
        return glyph(ch, px, bold).advance

    def text_width(self, text: str, px: int, bold: bool = False) -> float:
        return sum(self.char_width(c, px, bold) for c in text)

    # --- layout ----------------------------------------------------------------------
    def wrap(self, text: str, px: int, bold: bool, max_width: int, max_lines: int) -> list[str]:
        """Greedy wrap (CJK breaks anywhere, Latin prefers spaces); … marks cut text."""
        if max_lines <= 0 or not text:
            return []
        lines: list[str] = []
        line, width = "", 0.0
        i = 0
        while i < len(text):
            ch = text[i]
            w = self.char_width(ch, px, bold)
            if width + w <= max_width or not line:
                line += ch
                width += w
                i += 1
                continue
            cut = line.rfind(" ")
            if ch != " " and line[-1:].isascii() and ch.isascii() and cut > len(line) // 2:
                i -= len(line) - cut - 1  # re-flow the broken Latin word to the next line
                line = line[:cut]
            lines.append(line.rstrip())
            if len(lines) == max_lines:
                return self._ellipsize(lines, px, bold, max_width)
            line, width = "", 0.0
            while i < len(text) and text[i] == " ":
                i += 1
        if line:
            lines.append(line)
        return lines

    def _ellipsize(self, lines: list[str], px: int, bold: bool, max_width: int) -> list[str]:
        last = lines[-1]
        room = max_width - self.char_width(ELLIPSIS, px, bold)
        while last and self.text_width(last, px, bold) > room:
            last = last[:-1]
        lines[-1] = last + ELLIPSIS
        return lines

    def fit_px(self, text: str, px: int, min_px: int, bold: bool, max_width: int) -> int:
        """Largest size ≤ px (down to min_px) at which `text` fits on one line."""
        while px > min_px and self.text_width(text, px, bold) > max_width:
            px = max(min_px, int(px * 0.9))
        return px

    # --- drawing ---------------------------------------------------------------------
    def line(
        self,
        x: int,
        top: int,
        text: str,
        px: int,
        bold: bool = False,
        fill: int = BLACK,
        align: str = "l",
        max_width: int | None = None,
    ) -> int:
        """Draw one line whose ideographic em box starts at `top`; returns its width.

        `align` is l, m or r relative to x; text wider than max_width is cut with ….
        """
        if max_width is not None and self.text_width(text, px, bold) > max_width:
            text = self._ellipsize([text], px, bold, max_width)[0]
        if not text:
            return 0
        width = self.text_width(text, px, bold)
        pen = x - (width if align == "r" else width / 2 if align == "m" else 0)
        baseline = top + round(px * ASCENT)
        paste = self._core.paste
        x0 = y0 = 1 << 30
        x1 = y1 = -(1 << 30)
        for ch in text:
            g = glyph(ch, px, bold)
            if g.core is not None:
                gx, gy = round(pen) + g.left, baseline + g.top
                paste(fill, (gx, gy, gx + g.width, gy + g.height), g.core)
                x0, y0 = min(x0, gx), min(y0, gy)
                x1, y1 = max(x1, gx + g.width), max(y1, gy + g.height)
            pen += g.advance
        if x1 > x0:
            self.runs.append(TextRun(self.band, text, (x0, y0, x1, y1)))
        return round(width)

    def paragraph(
        self,
        x: int,
        top: int,
        text: str,
        px: int,
        bold: bool,
        max_width: int,
        max_height: int,
        fill: int = BLACK,
        max_lines: int = 99,
    ) -> int:
        """Wrap into the box (x, top, max_width, max_height); returns the height used."""
        step = round(px * (1 + LINE_GAP))
        fits = max(0, (max_height - px) // step + 1) if max_height >= px else 0
        lines = self.wrap(text, px, bold, max_width, min(fits, max_lines))
        for n, ln in enumerate(lines):
            self.line(x, top + n * step, ln, px, bold, fill)
        return (len(lines) - 1) * step + px if lines else 0

    def rule(self, x0: int, y0: int, x1: int, y1: int, fill: int = BLACK) -> None:
        """Filled rectangle, inclusive of both corners."""
        if x1 >= x0 and y1 >= y0:
            self.draw.rectangle((x0, y0, x1, y1), fill=fill)

    def to_1bit(self) -> Image.Image:
        """The finished label in mode "1". Everything drawn is already 0 or 255 (glyphs are
        thresholded when cached), so this is an exact conversion, no dithering."""
        return self.image.convert("1", dither=Image.Dither.NONE)
