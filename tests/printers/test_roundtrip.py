"""Encode → independent parser → image, pixel-exact, for many sizes and bands."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packstation.printers import PROFILES, encode_label
from packstation.printers.decoded import LabelAssembler
from packstation.printers.escpos_parser import EscposParser, parse
from PIL import Image

from .bitmaps import noise, waybill

WIDE = PROFILES["two-colour-4in-203"]


def decode(data: bytes) -> list:
    events, pending = parse(data)
    assert pending == 0
    assembler = LabelAssembler()
    assembler.add(events)
    if assembler.has_pending_rows:
        assembler.finish()
    return assembler.labels


def assert_same(decoded: Image.Image, original: Image.Image) -> None:
    width, height = original.size
    assert decoded.size == ((width + 7) // 8 * 8, height)
    # Compare packed bytes: ImageChops.difference is unreliable on mode "1" images.
    assert decoded.crop((0, 0, width, height)).tobytes() == original.tobytes()
    pad = decoded.crop((width, 0, decoded.width, height))
    assert pad.width == 0 or pad.getextrema() == (255, 255), "padding dots must be white"


@pytest.mark.parametrize(
    "size", [(1, 1), (7, 3), (8, 8), (9, 50), (63, 129), (384, 1), (576, 300), (832, 257)]
)
@pytest.mark.parametrize("band_rows", [1, 24, 64, 128])
def test_noise_round_trips_pixel_exact(size: tuple[int, int], band_rows: int) -> None:
    img = noise(*size, seed=size[0] * 31 + size[1])
    labels = decode(encode_label(img, WIDE, band_rows=band_rows))
    assert len(labels) == 1 and labels[0].cut
    assert_same(labels[0].image, img)


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(1, 832),
    height=st.integers(1, 300),
    band_rows=st.integers(1, 300),
    seed=st.integers(0, 2**16),
    red=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 60)), max_size=3),
)
def test_any_size_band_and_red_ranges_round_trip(
    width: int, height: int, band_rows: int, seed: int, red: list[tuple[int, int]]
) -> None:
    img = noise(width, height, seed)
    ranges = [(start, start + length) for start, length in red]
    labels = decode(encode_label(img, WIDE, band_rows=band_rows, red_bands=ranges))
    assert_same(labels[0].image, img)
    expected = [(max(0, s), min(e, height)) for s, e in sorted(ranges) if min(e, height) > s]
    merged: list[tuple[int, int]] = []
    for s, e in expected:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    assert list(labels[0].red_bands) == merged


def test_a_full_waybill_round_trips_and_reports_its_red_block() -> None:
    img = waybill()
    labels = decode(encode_label(img, WIDE, red_bands=[(300, 401)], band_rows=96))
    assert_same(labels[0].image, img)
    assert labels[0].red_bands == ((300, 401),)
    preview = labels[0].preview()
    assert preview.getpixel((40, 350)) == (220, 0, 0)
    assert preview.getpixel((1, 1)) == (255, 255, 255)


def test_the_parser_accepts_the_stream_split_at_every_byte() -> None:
    img = noise(20, 6, seed=5)
    data = encode_label(img, WIDE, band_rows=4, red_bands=[(2, 4)])
    for cut_at in range(len(data) + 1):
        parser = EscposParser()
        events = parser.feed(data[:cut_at]) + parser.feed(data[cut_at:])
        assert events == parse(data)[0], cut_at


def test_two_labels_in_one_stream_decode_separately() -> None:
    a, b = noise(16, 4, 1), noise(24, 9, 2)
    labels = decode(encode_label(a, WIDE) + encode_label(b, WIDE))
    assert [label.image.size for label in labels] == [(16, 4), (24, 9)]
    assert_same(labels[1].image, b)
