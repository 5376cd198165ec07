"""Carrier names: the same table serves label headers and shipping uploads."""

from __future__ import annotations

import pytest

from packstation.domain.carriers import carrier_name
from packstation.services.waybills import carrier_label


@pytest.mark.parametrize(
    ("code", "name", "label"),
    [
        ("SF", "顺丰速运", "顺丰速运 SF"),
        (" yto ", "圆通速递", "圆通速递 yto"),
        ("XYZ", "XYZ", "XYZ"),
        ("", "", ""),
    ],
)
def test_known_codes_read_as_names_and_unknown_ones_stay_as_given(
    code: str, name: str, label: str
) -> None:
    assert carrier_name(code) == name
    assert carrier_label(code) == label


@pytest.mark.parametrize(
    ("code", "platform", "name"),
    [("SF", "pdd", "顺丰快递"), ("EMS", "pdd", "邮政EMS"), ("ZTO", "pdd", "中通快递"),
     ("SF", "taobao", "顺丰速运"), ("XYZ", "pdd", "XYZ")],
)  # fmt: skip
def test_a_platform_with_its_own_spelling_gets_it_in_its_upload(
    code: str, platform: str, name: str
) -> None:
    assert carrier_name(code, platform) == name
