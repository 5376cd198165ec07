"""The encoder's exact bytes, banding, red blocks and agreement with python-escpos."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy
from packstation.printers import PROFILES, PrinterError, encode_label
from packstation.printers.raster import Band, normalise_row_ranges, plan_bands
from PIL import Image

from .bitmaps import noise, waybill

MONO = PROFILES["generic-80mm-203"]
RED = PROFILES["two-colour-80mm-203"]
GAP = PROFILES["label-4in-203"]


def dots(rows: list[str]) -> Image.Image:
    """'#' = black dot, '.' = white."""
    img = Image.new("1", (len(rows[0]), len(rows)), 1)
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch == "#":
                img.putpixel((x, y), 0)
    return img


def test_a_small_bitmap_encodes_to_exact_bytes() -> None:
    img = dots(["#.........", ".........#"])
    out = encode_label(img, MONO)
    assert out == (
        b"\x1b@"  # ESC @
        b"\x1dv0\x00\x02\x00\x02\x00"  # GS v 0, 2 bytes wide, 2 rows
        b"\x80\x00"  # dot 0 set; padding bits stay 0 (white)
        b"\x00\x40"  # dot 9 set
        b"\x1dVB\x00"  # GS V 66 0: feed to cutter, partial cut
    )


def test_width_multiple_of_eight_has_no_padding_byte() -> None:
    img = dots(["########", "#......#"])
    out = encode_label(img, MONO, cut=False, init=False)
    assert out == b"\x1dv0\x00\x01\x00\x02\x00\xff\x81"


def test_gap_label_profile_ends_with_feed_to_next_label() -> None:
    out = encode_label(dots(["#"]), GAP)
    assert out.endswith(b"\x1d\x0c")
    assert b"\x1dV" not in out


def test_no_cut_means_no_end_of_label_bytes() -> None:
    out = encode_label(dots(["#"]), MONO, cut=False)
    assert out == b"\x1b@\x1dv0\x00\x01\x00\x01\x00\x80"


def test_bands_never_exceed_the_band_height() -> None:
    img = noise(64, 100, seed=1)
    out = encode_label(img, MONO, band_rows=24, cut=False, init=False)
    headers = out.count(b"\x1dv0\x00\x08\x00")
    assert headers == 5  # 24 * 4 + 4
    assert len(out) == 5 * 8 + 64 // 8 * 100


def test_band_plan_breaks_at_red_edges_and_band_height() -> None:
    plan = plan_bands(100, 32, ((10, 50),))
    assert plan == [
        Band(0, 10, False),
        Band(10, 42, True),
        Band(42, 50, True),
        Band(50, 82, False),
        Band(82, 100, False),
    ]


def test_red_rows_are_wrapped_in_esc_r_on_two_colour_printers() -> None:
    img = dots(["#", "#", "#", "#"])
    out = encode_label(img, RED, red_bands=[(1, 3)], cut=False, init=False)
    one_row = b"\x1dv0\x00\x01\x00\x01\x00\x80"
    two_rows = b"\x1dv0\x00\x01\x00\x02\x00\x80\x80"
    assert out == one_row + b"\x1br\x01" + two_rows + b"\x1br\x00" + one_row


def test_red_block_at_the_bottom_switches_back_to_black() -> None:
    out = encode_label(dots(["#", "#"]), RED, red_bands=[(1, 2)])
    assert out.endswith(b"\x1br\x00\x1dVB\x00")


def test_red_bands_are_ignored_on_one_colour_printers() -> None:
    out = encode_label(dots(["#", "#"]), MONO, red_bands=[(0, 2)])
    assert b"\x1br" not in out


def test_red_ranges_are_clipped_and_merged() -> None:
    assert normalise_row_ranges([(5, 9), (0, 3), (8, 20), (50, 60)], 15) == ((0, 3), (5, 15))
    with pytest.raises(ValueError):
        normalise_row_ranges([(4, 2)], 10)


def test_a_bitmap_wider_than_the_printer_is_refused_with_both_languages() -> None:
    with pytest.raises(PrinterError) as info:
        encode_label(Image.new("1", (577, 10), 1), MONO)
    assert info.value.reason == "too_wide"
    assert "576" in info.value.zh and "576" in info.value.en


def test_non_one_bit_images_are_refused_rather_than_dithered() -> None:
    with pytest.raises(ValueError, match="mode '1'"):
        encode_label(Image.new("L", (8, 8), 255), MONO)


@pytest.mark.parametrize("size", [(8, 1), (13, 37), (576, 200), (800, 1200)])
@pytest.mark.parametrize("band", [24, 128, 960])
def test_raster_bytes_match_python_escpos_image(size: tuple[int, int], band: int) -> None:
    """Same GS v 0 commands as python-escpos's own image() for the same fragment height."""
    img = waybill(*size) if size == (800, 1200) else noise(*size, seed=size[0])
    theirs = Dummy(profile="TM-T88III")
    theirs.profile.profile_data["media"]["width"]["pixels"] = 2000
    theirs.image(img, fragment_height=band, impl="bitImageRaster")
    ours = encode_label(img, PROFILES["label-4in-203"], band_rows=band, cut=False, init=False)
    assert ours == theirs.output
