"""Garbage never raises and never makes a parcel priority; batch equals single calls."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packstation.address import AddressResult, classify, classify_many
from packstation.address.divisions import load_index
from packstation.address.verdict import REASONS
from packstation.errors import UserError


def _is_nothing(r: AddressResult) -> bool:
    """Nothing usable: no place, so a person must look (anywhere: no candidates)."""
    return (r.priority is None and r.ambiguous and r.city is None and r.candidates == ()
            and r.reason in ("nothing_usable", "no_city"))


def test_ten_kilobytes_of_noise_is_nothing() -> None:
    rnd = random.Random(3)
    alphabet = "!@#$%^&*()[]{};:,.<>/?|~`0123456789 \t\n\x00\x1b😀📦★，。！"
    noise = "".join(rnd.choice(alphabet) for _ in range(10_240))
    assert _is_nothing(classify(noise))


def test_ten_kilobytes_after_a_real_address_still_classifies_it() -> None:
    assert classify("浙江省杭州市西湖区" + "★" * 10_240).priority == "hangzhou"


def test_a_long_address_with_the_city_far_into_it_is_not_scanned_forever() -> None:
    result = classify("某" * 10_000 + " 上海市")
    assert result.priority is None


def test_non_string_input_is_tolerated() -> None:
    assert _is_nothing(classify(None))  # type: ignore[arg-type]
    assert _is_nothing(classify(12345))  # type: ignore[arg-type]
    assert classify(b"x".decode(), None, None, None) == classify("x")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_well_formed_result(text: str) -> None:
    result = classify(text)
    assert isinstance(result, AddressResult)
    assert result.priority in {None, "beijing", "shanghai", "guangzhou", "shenzhen", "hangzhou"}
    assert not (result.ambiguous and result.priority)
    if result.ambiguous:  # several candidates, a province's cities, or anywhere (none)
        assert len(result.candidates) != 1 and result.reason in REASONS
    else:
        assert result.candidates == () and result.reason is None
        assert result.city is not None or result.province is not None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Cc", "Cf", "Co", "So", "Zs", "P"]),
               max_size=200))
def test_controls_symbols_and_punctuation_are_nothing(text: str) -> None:
    assert _is_nothing(classify(text))


def test_batch_gives_the_same_answers_as_single_calls() -> None:
    rows = ["浙江省杭州市西湖区", "朝阳区 1号", "", "上海路", "浙江省杭州市西湖区",
            ("文三路", "浙江省", "杭州市", "西湖区"), "Shanghai"]
    singles = [classify(r) if isinstance(r, str) else classify(*r) for r in rows]
    assert classify_many(rows) == singles
    assert classify_many(iter(rows)) == singles


def test_every_priority_district_in_the_dataset_classifies_to_its_city() -> None:
    ix = load_index()
    cities = {"北京市": "beijing", "上海市": "shanghai", "广州市": "guangzhou",
              "深圳市": "shenzhen", "杭州市": "hangzhou"}
    seen = 0
    for tokens in ix.tokens.values():
        for tok in tokens:
            for _province, city, district in tok.full:
                if city in cities and district:
                    seen += 1
                    result = classify(f"{city}{district} ***")
                    assert result.priority == cities[city], (city, district, result)
    assert seen >= 65


def test_a_missing_dataset_is_reported_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(UserError) as err:
        load_index(tmp_path)
    assert "行政区划" in err.value.zh and "reinstall" in err.value.en


def test_a_batch_leaves_the_cyclic_collector_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    classify_many(["浙江省杭州市西湖区", "朝阳区 1号"])
    assert gc.isenabled()
    gc.disable()
    try:
        classify_many(["浙江省杭州市西湖区"])
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(TypeError):
        classify_many([object()])  # type: ignore[list-item]
    assert gc.isenabled()
