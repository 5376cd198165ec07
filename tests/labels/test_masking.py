"""Privacy masking, as privacy waybills print recipient name and phone."""

from __future__ import annotations

import pytest

from packstation.labels import mask_name, mask_phone


@pytest.mark.parametrize(("name", "masked"), [
    ("张伟", "张*"),
    ("李小龙", "李**"),
    ("欧阳娜娜", "欧***"),
    ("爱新觉罗·溥仪", "爱***"),
    ("王", "王*"),
    ("  张伟 ", "张*"),
    ("John Smith", "J***"),
    ("", ""),
])
def test_name_keeps_the_first_character_only(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("+86 138-1234-5678", "138****5678"),
    ("8613812345678", "138****5678"),
    ("13812345678-1234", "138****5678-1234"),
    ("13812345678转1234", "138****5678-1234"),
    ("0571-88886666", "0571****6666"),
    ("010-12345678", "010****5678"),
    ("95338", "***38"),
    ("", ""),
])
def test_phone_masks_the_middle(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("value", ["张*", "张**", "138****5678", "1**********", "王＊"])
def test_already_masked_values_stay_as_they_are(value: str) -> None:
    assert mask_name(value) == value
    assert mask_phone(value) == value
