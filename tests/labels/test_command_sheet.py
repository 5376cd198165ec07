"""The command sheet: every code on the page (PNG and PDF) reads back as its command."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image, PdfParser

from packstation.cli import main
from packstation.domain.commands import parse_command, sheet_entries
from packstation.labels.barcodes import code128_modules
from packstation.labels.command_sheet import CommandSheet, render_command_sheet
from packstation.labels.fonts import has_glyph

DOCS_SHEET = Path(__file__).resolve().parents[2] / "docs" / "command-sheet.png"
ALL_CODES = [code for code, _, _ in sheet_entries()]


@pytest.fixture(scope="module")
def sheet() -> CommandSheet:
    return render_command_sheet()


def read_codes(image: Image.Image) -> list[tuple[str, str]]:
    found = zxingcpp.read_barcodes(image.convert("L"))
    return sorted((r.format.name, r.text) for r in found)


def assert_every_command_reads_back(image: Image.Image) -> None:
    found = read_codes(image)
    assert found == sorted(("Code128", code) for code in ALL_CODES)
    for _, text in found:
        assert parse_command(text) is not None


def test_is_a_one_bit_a4_page_at_300_dpi(sheet: CommandSheet) -> None:
    assert sheet.image.mode == "1"
    assert sheet.image.size == (2480, 3508)  # 210 x 297 mm
    assert sheet.dpi == 300


def test_places_every_command_once_in_sheet_order(sheet: CommandSheet) -> None:
    assert [(c.code, c.zh, c.en) for c in sheet.codes] == sheet_entries()
    width, height = sheet.image.size
    for placed in sheet.codes:
        left, top, right, bottom = placed.box
        assert 0 < left < right < width and 0 < top < bottom < height


def test_codes_do_not_overlap_and_rows_are_apart(sheet: CommandSheet) -> None:
    """Neighbouring codes are far enough apart that a scanner aims at one at a time."""
    for a, b in itertools.combinations(sheet.codes, 2):
        ax0, ay0, ax1, ay1 = a.box
        bx0, by0, bx1, by1 = b.box
        apart_x = ax1 <= bx0 or bx1 <= ax0
        vertical_gap = max(by0 - ay1, ay0 - by1)
        assert apart_x or vertical_gap >= 150, (a.code, b.code)  # 12.7 mm at 300 dpi


def test_every_barcode_reads_back_as_its_command(sheet: CommandSheet) -> None:
    assert_every_command_reads_back(sheet.image)


def test_each_printed_label_sits_above_its_own_code(sheet: CommandSheet) -> None:
    for placed in sheet.codes:
        left, top, right, bottom = placed.box
        crop = sheet.image.crop((left, top - 5, right, bottom + 5))
        assert read_codes(crop) == [("Code128", placed.code)]


def test_bars_are_whole_dot_modules_without_grey(sheet: CommandSheet) -> None:
    pixels = np.asarray(sheet.image.convert("L"))
    assert set(np.unique(pixels)) <= {0, 255}
    for placed in sheet.codes:
        left, top, right, bottom = placed.box
        row = pixels[(top + bottom) // 2, left:right] == 0
        module = placed.module
        assert module >= 3  # ≥ 0.25 mm at 300 dpi
        expected = np.repeat(
            [bit == "1" for bit in code128_modules(placed.code)], module
        )
        quiet = 10 * module
        assert not row[:quiet].any() and not row[quiet + len(expected) :].any()
        assert np.array_equal(row[quiet : quiet + len(expected)], expected), placed.code


def test_the_font_draws_every_character_on_the_sheet(sheet: CommandSheet) -> None:
    text = "".join(c.zh + c.en for c in sheet.codes)
    assert [ch for ch in text if not ch.isspace() and not has_glyph(ch)] == []


def test_cli_writes_a_png_whose_codes_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheet.png"
    assert main(["command-sheet", "--out", str(out)]) == 0
    assert "24 codes" in capsys.readouterr().out
    with Image.open(out) as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert image.mode == "1"
        assert_every_command_reads_back(image)


def test_cli_writes_a_one_page_a4_pdf(tmp_path: Path) -> None:
    out = tmp_path / "sheet.PDF"
    assert main(["command-sheet", "--out", str(out)]) == 0
    pdf = PdfParser.PdfParser(str(out))
    try:
        assert len(pdf.pages) == 1
        page = pdf.read_indirect(pdf.pages[0])
        width, height = page[b"MediaBox"][2:]
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    finally:
        pdf.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_pdf_opens_in_a_pdf_reader_and_its_codes_read_back(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["command-sheet", "--out", str(out)]) == 0
    subprocess.run(
        ["pdftoppm", "-r", "300", "-mono", "-png", str(out), str(tmp_path / "page")], check=True
    )
    (page,) = tmp_path.glob("page*.png")
    with Image.open(page) as image:
        assert image.size == (2480, 3508)
        assert_every_command_reads_back(image)


@pytest.mark.parametrize("name", ["sheet.txt", "sheet", "sheet.jpg"])
def test_cli_refuses_other_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert main(["command-sheet", "--out", str(tmp_path / name)]) == 1
    err = capsys.readouterr().err
    assert ".png" in err and ".pdf" in err
    assert not (tmp_path / name).exists()


def test_cli_reports_an_unwritable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["command-sheet", "--out", str(tmp_path / "missing" / "sheet.png")]) == 1
    err = capsys.readouterr().err
    assert "无法写入" in err and "cannot write" in err


def test_docs_sheet_is_current(sheet: CommandSheet) -> None:
    """docs/command-sheet.png is the sheet as rendered now.

    After an intended change: `packstation command-sheet --out docs/command-sheet.png`.
    A small fraction of dots may differ, so a FreeType upgrade does not fail it.
    """
    with Image.open(DOCS_SHEET) as image:
        assert image.size == sheet.image.size
        differing = np.mean(np.asarray(image, dtype=bool) != np.asarray(sheet.image, dtype=bool))
        assert differing < 0.002
        assert_every_command_reads_back(image)
