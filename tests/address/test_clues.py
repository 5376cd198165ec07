"""Issue 15: every clue before asking — postcodes and one-place landmarks (assets/places)."""

from __future__ import annotations

import itertools

import pytest

from packstation.address import classify
from packstation.address.clues import load_clues, postcode_places


@pytest.mark.parametrize(("text", "key"), [
    ("朝阳区 建国路 88号 100020", "beijing"),
    ("普陀区 长寿路 1号 邮编200060", "shanghai"),
    ("西湖区 文三路 90号 邮编：310012", "hangzhou"),
    ("南山区 科技园 518057", "shenzhen"),
    ("白云区 机场路 510405", "guangzhou"),
    ("张三 邮编 518000", "shenzhen"),
    ("番禺区 市桥 511400", "guangzhou"),
])
def test_a_postcode_settles_a_shared_or_missing_city(text: str, key: str) -> None:
    result = classify(text)
    assert result.priority == key and not result.ambiguous, result


def test_a_postcode_of_another_place_settles_a_shared_district_the_other_way() -> None:
    changchun = classify("朝阳区 人民大街 130000")
    assert (changchun.city, changchun.priority, changchun.ambiguous) == ("长春市", None, False)


@pytest.mark.parametrize("text", [
    "北京市朝阳区建国路88号 邮编310012",   # Hangzhou's postcode on a Beijing address
    "杭州市西湖区文三路90号 100020",
    "深圳市南山区科技园 邮编 510405",      # Guangzhou's
    "杭州市西湖区文三路90号 315000",       # Zhejiang, but not Hangzhou (宁波)
    "南京市鼓楼区中山路1号 518000",        # a Shenzhen postcode on a non-priority city
])
def test_a_postcode_that_contradicts_the_named_city_is_a_disagreement(text: str) -> None:
    result = classify(text)
    assert (result.ambiguous, result.reason, result.priority) == (
        True, "postcode_disagrees", None), result
    assert len(result.candidates) == 2


@pytest.mark.parametrize("text", [
    "杭州市西湖区文三路90号 310012",
    "宁波市鄞州区 中山路 315000",
    "北京市朝阳区 建国路 88号 1201室",
    "北京市朝阳区 建国路 100020号",       # a house number, not a postcode
    "北京市朝阳区 建国路 88号 订单310012888",
])
def test_postcodes_that_agree_or_numbers_that_are_not_postcodes_change_nothing(text: str) -> None:
    result = classify(text)
    assert not result.ambiguous and result.city in ("杭州市", "宁波市", "北京市"), result


def test_only_six_digits_where_postcodes_are_written_count() -> None:
    assert postcode_places("邮编100020") == [("北京市", "北京市")]
    assert postcode_places("建国路 100020 号") == []
    assert postcode_places("电话 13812345678") == []
    assert postcode_places("某路 310012 某某大厦") == []  # mid-text, unlabelled: not read


def test_the_postcode_ranges_are_the_five_cities_and_do_not_overlap() -> None:
    clues = load_clues()
    assert {c for _lo, _hi, (_p, c) in clues.ranges} == {
        "北京市", "上海市", "广州市", "深圳市", "杭州市"}
    spans = sorted((lo, hi) for lo, hi, _c in clues.ranges)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    assert all(str(lo)[:2] in clues.postal_provinces for lo, _hi, _c in clues.ranges)


@pytest.mark.parametrize(("text", "city", "district"), [
    ("朝阳区 798艺术区 A区 12号", "北京市", "朝阳区"),
    ("普陀区 长风公园 东门", "上海市", "普陀区"),
    ("西湖区 黄龙体育中心 3号看台", "杭州市", "西湖区"),
    ("黄龙体育中心 东门", "杭州市", "西湖区"),
    ("南山区 深圳湾公园 北门", "深圳市", "南山区"),
])
def test_a_one_place_landmark_settles_a_same_name_district(text: str, city: str,
                                                           district: str) -> None:
    result = classify(text)
    assert (result.city, result.district, result.ambiguous) == (city, district, False), result


def test_a_landmark_never_overrides_a_named_place() -> None:
    assert classify("南昌市 西湖区 黄龙体育中心").city == "南昌市"
    assert classify("浙江省 广州塔 ***").ambiguous  # province and landmark disagree: ask


def test_a_shared_name_settles_nothing() -> None:
    result = classify("普陀区 中山公园 1号")
    assert result.ambiguous and {c for _p, c in result.candidates} == {"上海市", "舟山市"}
