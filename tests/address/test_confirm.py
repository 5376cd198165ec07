"""The confirm dialog's pure side: who may be asked, and what a choice turns into."""

from __future__ import annotations

import pytest

from packstation.address import (
    DEFAULT_RULES,
    candidate_rules,
    classify,
    confirm,
    data_source,
    needs_confirmation,
    preload,
)
from packstation.errors import UserError


def test_an_ambiguous_district_with_a_priority_candidate_needs_a_person() -> None:
    result = classify("朝阳区 某某路 1号")
    assert needs_confirmation(result)
    assert [r.key for r in candidate_rules(result)] == ["beijing"]


def test_an_ambiguous_district_without_priority_candidates_ships_as_normal() -> None:
    result = classify("鼓楼区 中山路")
    assert result.ambiguous and not needs_confirmation(result)


def test_a_clear_address_never_needs_confirmation() -> None:
    assert not needs_confirmation(classify("北京市朝阳区"))


def test_confirming_a_candidate_gives_an_ordinary_result() -> None:
    result = classify("西湖区 北山街")
    chosen = confirm(result, "浙江省", "杭州市")
    assert (chosen.city, chosen.district, chosen.priority, chosen.ambiguous) == (
        "杭州市", "西湖区", "hangzhou", False)
    other = confirm(result, "江西省", "南昌市")
    assert (other.city, other.priority) == ("南昌市", None)


def test_confirming_follows_the_given_rules() -> None:
    rules = type(DEFAULT_RULES)(tuple(r for r in DEFAULT_RULES.rules if r.key != "hangzhou"))
    assert confirm(classify("西湖区 北山街"), "浙江省", "杭州市", rules).priority is None


def test_a_choice_that_was_not_offered_is_refused() -> None:
    with pytest.raises(UserError, match="not one of the candidates"):
        confirm(classify("西湖区 北山街"), "广东省", "深圳市")


def test_the_data_source_names_the_dataset_and_its_edition() -> None:
    assert "china-division 2.7.0" in data_source()
    assert "2023" in data_source()


def test_preload_builds_the_tables_and_changes_no_answer() -> None:
    before = classify("南山区 粤海街道")
    preload()
    assert classify("南山区 粤海街道") == before
    assert before.priority == "shenzhen"
