"""The command sheet: every command barcode on one printable A4 page, as a 1-bit bitmap.

A packer never touches the keyboard, so the bench is driven by scanning these codes off a
sheet kept at the bench. Codes are Code 128 drawn at whole-dot modules (the label's own
drawing, `barcodes.draw_code128`), text with the bundled CJK font thresholded to black and
white, never dithered, so an office laser printer reproduces every bar edge. Codes sit in
sections (box and bench, quantity, destination choice) with white space between rows so a
scanner aimed at one code does not read its neighbour.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from packstation.domain.commands import COMMAND_PREFIX, Command, parse_command, sheet_entries
from packstation.labels.barcodes import draw_code128, fit_code128
from packstation.labels.fonts import load_font
from packstation.labels.layout import MM_PER_INCH
from packstation.labels.text import ASCENT, INK_THRESHOLD

A4_MM = (210.0, 297.0)
SHEET_DPI = 300
COLUMNS = 3
MAX_MODULE_MM = 0.34  # bars no wider than ~13 mil: a handheld scanner reads it at arm's length
MIN_MODULE_MM = 0.25  # 10 mil, the usual smallest X-dimension for office printers
BAR_HEIGHT_MM = 9.0
LINE_EM = 1.1  # line height: ideographic ascent (0.88 em) plus Latin descenders

TITLE = ("PackStation 命令条码", "PackStation command barcodes")
SUBTITLE = (
    "扫描条码即执行命令。请打印本页，放在工位旁。",
    "Scan a code to run its command. Print this page and keep it at the bench.",
)
FOOTER = (
    f"以 {COMMAND_PREFIX} 开头的条码是命令，商品条码不得使用此前缀。",
    f"Codes starting with {COMMAND_PREFIX} are commands; no product code may use it.",
)
_SECTION_TITLES: dict[Command, tuple[str, str]] = {
    Command.COMPLETE_BOX: ("装箱与工位", "Box and bench"),
    Command.QUANTITY: ("数量：下一件商品计为 N 件", "Quantity: the next item counts as N units"),
    Command.CHOOSE: (
        "选择目的地：扫描候选地址的序号",
        "Choose destination: scan the candidate's number",
    ),
}
# Commands listed under the section of the one before them on the sheet.
_SECTION_OF = {
    Command.CONFIRM: Command.COMPLETE_BOX,
    Command.ACKNOWLEDGE: Command.COMPLETE_BOX,
    Command.REPRINT: Command.COMPLETE_BOX,
    Command.CANCEL_BOX: Command.COMPLETE_BOX,
    Command.LOGOUT: Command.COMPLETE_BOX,
}


class SheetLayoutError(ValueError):
    """The sheet does not fit the page at this dpi (a layout bug, not user input)."""


@dataclass(frozen=True, slots=True)
class PlacedCode:
    """One command on the sheet: its code, labels, and the barcode's box in dots."""

    code: str
    zh: str
    en: str
    box: tuple[int, int, int, int]  # quiet zones included: (left, top, right, bottom)
    module: int


@dataclass(frozen=True, slots=True)
class CommandSheet:
    """The rendered page: a mode-"1" image at `dpi`, and where each code was drawn."""

    image: Image.Image
    dpi: int
    codes: tuple[PlacedCode, ...]


@dataclass(frozen=True, slots=True)
class _Metrics:
    """Sizes in dots for one dpi; the design values are millimetres."""

    dpi: int

    def d(self, mm: float) -> int:
        return max(1, round(mm * self.dpi / MM_PER_INCH))

    @property
    def margin(self) -> int:
        return self.d(10)

    @property
    def column_gap(self) -> int:
        return self.d(6)


def render_command_sheet(dpi: int = SHEET_DPI) -> CommandSheet:
    """Lay out and draw every entry of `sheet_entries()` on one A4 page."""
    m = _Metrics(dpi)
    width, height = m.d(A4_MM[0]), m.d(A4_MM[1])
    canvas = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(canvas)
    left, right = m.margin, width - m.margin
    column_w = (right - left - (COLUMNS - 1) * m.column_gap) // COLUMNS

    y = m.margin
    y = _text(draw, TITLE[0], left, y, m.d(6.5), right, bold=True) + m.d(0.8)
    y = _text(draw, TITLE[1], left, y, m.d(4.2), right, bold=True) + m.d(1.5)
    y = _text(draw, SUBTITLE[0], left, y, m.d(3.6), right) + m.d(0.6)
    y = _text(draw, SUBTITLE[1], left, y, m.d(3.2), right) + m.d(3)

    placed: list[PlacedCode] = []
    for section, entries in _sections(sheet_entries()):
        draw.rectangle((left, y, right, y + m.d(0.5) - 1), fill=0)
        y += m.d(2)
        zh, en = _SECTION_TITLES[section]
        y = _text(draw, f"{zh}  {en}", left, y, m.d(3.8), right, bold=True) + m.d(3)
        for start in range(0, len(entries), COLUMNS):  # itertools.batched is 3.12+
            row = entries[start : start + COLUMNS]
            bottoms = [
                _cell(draw, m, entry, left + i * (column_w + m.column_gap), y, column_w, placed)
                for i, entry in enumerate(row)
            ]
            y = max(bottoms) + m.d(5)
    y -= m.d(2)
    y = _text(draw, FOOTER[0], left, y, m.d(3), right) + m.d(0.6)
    y = _text(draw, FOOTER[1], left, y, m.d(3), right)
    if y > height - m.margin:
        raise SheetLayoutError(f"command sheet needs {y} dots, the page has {height - m.margin}")
    image = canvas.point(lambda v: 255 if v > INK_THRESHOLD else 0, mode="1")
    return CommandSheet(image=image, dpi=dpi, codes=tuple(placed))


def _sections(
    entries: Iterable[tuple[str, str, str]],
) -> Iterable[tuple[Command, list[tuple[str, str, str]]]]:
    """Consecutive entries grouped by the section their command belongs to."""

    def section(entry: tuple[str, str, str]) -> Command:
        scan = parse_command(entry[0])
        assert scan is not None  # sheet_entries builds command codes only
        return _SECTION_OF.get(scan.command, scan.command)

    for key, group in itertools.groupby(entries, key=section):
        yield key, list(group)


def _cell(
    draw: ImageDraw.ImageDraw,
    m: _Metrics,
    entry: tuple[str, str, str],
    x: int,
    y: int,
    width: int,
    placed: list[PlacedCode],
) -> int:
    """Labels above, barcode, code text below; returns the bottom of what was drawn."""
    code, zh, en = entry
    fit = fit_code128(code, width, m.d(MAX_MODULE_MM))
    if fit is None or fit.module < m.d(MIN_MODULE_MM):
        raise SheetLayoutError(f"{code} does not fit a {width}-dot column at {m.dpi} dpi")
    quiet = 10 * fit.module  # text lines up with the first bar, not the quiet zone
    y = _text(draw, zh, x + quiet, y, m.d(4.2), x + width, bold=True) + m.d(0.6)
    y = _text(draw, en, x + quiet, y, m.d(3.0), x + width) + m.d(1.4)
    bar_h = m.d(BAR_HEIGHT_MM)
    right = draw_code128(draw, code, x, y, fit.module, bar_h)
    placed.append(PlacedCode(code, zh, en, (x, y, right, y + bar_h), fit.module))
    y += bar_h + m.d(0.8)
    return _text(draw, code, x + quiet, y, m.d(2.4), x + width)


def _text(
    draw: ImageDraw.ImageDraw, text: str, x: int, y: int, px: int, right: int, bold: bool = False
) -> int:
    """Draw one line with its em box top at y; return the line's bottom (Latin descenders).

    Noto CJK's own ascent/descent (1.45 em) would waste a third of the page in leading.
    """
    font = load_font(px, bold)
    if x + font.getlength(text) > right:
        raise SheetLayoutError(f"{text!r} runs past its column at {px} px")
    draw.text((x, y + round(ASCENT * px)), text, font=font, fill=0, anchor="ls")
    return y + round(LINE_EM * px)
