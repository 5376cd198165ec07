"""Issue 15: "not priority" is a finding, never a default. An address that does not let
the city be determined, or whose parts disagree, is `ambiguous` with a reason and the
candidate cities where they are known (none = anywhere), and a person is asked."""

from __future__ import annotations

import pytest

from packstation.address import DEFAULT_RULES, classify, confirm, needs_confirmation
from packstation.address.priority_rules import PriorityRule, PriorityRules
from packstation.errors import UserError


def test_a_province_that_holds_a_priority_city_is_a_question() -> None:
    for text in ("广东省 ***", "广东", "广东省 某某镇 某某村 12号"):
        result = classify(text)
        assert (result.ambiguous, result.reason, result.priority) == (
            True, "province_only", None), text
        assert result.candidates == (("广东省", "广州市"), ("广东省", "深圳市"), ("广东省", None))
        assert needs_confirmation(result)
    zhejiang = classify("浙江省")
    assert zhejiang.candidates == (("浙江省", "杭州市"), ("浙江省", None))


def test_a_province_without_a_priority_city_is_a_finding() -> None:
    for text in ("江西", "江西省 某某县 12号", "四川省 ***"):
        result = classify(text)
        assert not result.ambiguous and result.priority is None and result.reason is None, text
        assert result.province in ("江西省", "四川省")


def test_elsewhere_in_the_province_is_a_choice_and_not_priority() -> None:
    result = classify("广东省 ***")
    assert confirm(result, "广东省", "深圳市").priority == "shenzhen"
    other = confirm(result, "广东省", None)
    assert (other.province, other.city, other.priority, other.ambiguous) == (
        "广东省", None, None, False)


def test_province_only_follows_the_rules_in_force() -> None:
    nanjing = PriorityRule("nanjing", "南京市", "#56B4E9", "宁")
    rules = PriorityRules((*DEFAULT_RULES.rules, nanjing))
    jiangsu = classify("江苏省 ***", rules=rules)
    assert jiangsu.ambiguous and jiangsu.candidates == (("江苏省", "南京市"), ("江苏省", None))
    assert not classify("江苏省 ***").ambiguous
    without_hangzhou = PriorityRules(tuple(r for r in DEFAULT_RULES.rules if r.key != "hangzhou"))
    zhejiang = classify("浙江省 ***", rules=without_hangzhou)
    assert not zhejiang.ambiguous and zhejiang.province == "浙江省"


@pytest.mark.parametrize("text", ["和平路 12号", "胜利路88号", "人民广场 地下一层",
                                  "吾悦广场 3楼 301", "银泰城 B1", "保税区 3号仓",
                                  "汽车站 对面 小卖部"])
def test_a_name_many_cities_share_is_a_question_for_anywhere(text: str) -> None:
    result = classify(text)
    assert (result.ambiguous, result.reason, result.candidates) == (True, "shared_street", ())
    assert needs_confirmation(result)


def test_a_shared_street_with_its_city_is_that_city() -> None:
    assert classify("深圳市 和平路 12号").priority == "shenzhen"
    assert classify("南昌市 胜利路 88号").priority is None
    assert not classify("南昌市 胜利路 88号").ambiguous


@pytest.mark.parametrize("text", ["", "***", "张三 13812345678", "张** 138****5678", "电话联系",
                                  "见备注", "详见备注", "中国", "China", "收货地址：***"])
def test_nothing_usable_is_a_question_for_anywhere(text: str) -> None:
    result = classify(text)
    assert (result.ambiguous, result.reason, result.candidates, result.priority) == (
        True, "nothing_usable", (), None), text
    assert needs_confirmation(result)


def test_anywhere_accepts_any_place_a_person_chooses() -> None:
    result = classify("电话联系")
    assert confirm(result, "广东省", "深圳市").priority == "shenzhen"
    assert confirm(result, "江西省", "南昌市").priority is None


def test_a_clear_address_cannot_be_confirmed_to_another_city() -> None:
    with pytest.raises(UserError):
        confirm(classify("北京市朝阳区"), "上海市", "上海市")


@pytest.mark.parametrize(("text", "cities"), [
    ("朝阳 ***", {"北京市", "长春市", "朝阳市"}),
    ("普陀 12号", {"上海市", "舟山市"}),
    ("西湖 北山街", {"杭州市", "南昌市"}),
    ("南山 科技园", {"深圳市", "鹤岗市"}),
])
def test_a_suffixless_name_several_places_share_is_a_question(text: str, cities: set[str]) -> None:
    result = classify(text)
    assert result.ambiguous and result.reason == "shared_district", result
    assert {c for _p, c in result.candidates} == cities


def test_a_suffixless_district_name_only_one_place_has_settles_it() -> None:
    assert classify("浦东 张江 ***").priority == "shanghai"
    assert classify("福田 12号").priority == "shenzhen"
    assert classify("海淀 ***").priority == "beijing"
    hainan = classify("海南 ***")  # the province, or 青海's 海南州: neither is priority
    assert hainan.ambiguous and not needs_confirmation(hainan)


@pytest.mark.parametrize("text", [
    "北京 朝阳 天津市武清区杨村 12号",
    "北京 北京市 朝阳区 天津市武清区杨村 12号",
    "广东省 深圳市 广州市天河区体育西路 1号",
])
def test_leading_picker_words_that_disagree_with_the_detail_are_flagged(text: str) -> None:
    result = classify(text)
    assert (result.ambiguous, result.reason, result.priority) == (True, "picker_disagrees", None)
    assert len(result.candidates) == 2


def test_picker_columns_that_disagree_with_the_detail_are_flagged() -> None:
    result = classify("天津市武清区杨村 12号", "北京", "北京市", "朝阳区")
    assert (result.ambiguous, result.reason) == (True, "picker_disagrees")
    assert set(result.candidates) == {("北京市", "北京市"), ("天津市", "天津市")}
    agreeing = classify("朝阳区建国路 88号", "北京", "北京市", "朝阳区")
    assert agreeing.priority == "beijing" and not agreeing.ambiguous
    repeated = classify("广东省深圳市南山区科技园", "广东省", "深圳市", "南山区")
    assert repeated.priority == "shenzhen" and not repeated.ambiguous


@pytest.mark.parametrize("text", [
    "北京市海淀区中关村大街1号 转寄 上海市浦东新区张江路 8号",
    "上海市徐汇区漕溪北路1号 北京市朝阳区建国路2号",
    "杭州市西湖区文三路 90号 或者 宁波市鄞州区 中山路",
    "浙江省杭州市西湖区文三路90号改寄江苏省南京市鼓楼区中山路1号",
])
def test_two_destinations_in_one_field_are_flagged_not_chosen(text: str) -> None:
    result = classify(text)
    assert (result.ambiguous, result.reason, result.priority) == (
        True, "two_destinations", None), result


@pytest.mark.parametrize(("text", "key"), [
    ("广州 越秀区 北京路 12号", "guangzhou"),
    ("上海市 黄浦区 南京东路 100号", "shanghai"),
    ("杭州市 滨江区 宁波银行大楼", "hangzhou"),
    ("深圳市南山区 香港路 1号", "shenzhen"),
    ("北京市朝阳区 建国路 88号 北京市", "beijing"),
    ("浙江省杭州市西湖区 天津大厦 3楼", "hangzhou"),
])
def test_streets_and_repeats_are_not_a_second_destination(text: str, key: str) -> None:
    result = classify(text)
    assert result.priority == key and not result.ambiguous, result
