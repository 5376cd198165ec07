"""Priority rules are configuration: defaults, JSON round trip, validation, custom rules."""

from __future__ import annotations

import json

import pytest

from packstation.address import (
    DEFAULT_RULES,
    PriorityRule,
    PriorityRules,
    classify,
    classify_many,
    priority_for,
    rules_from_json,
    rules_to_json,
)
from packstation.errors import UserError

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000"}


def test_the_defaults_are_the_five_cities_with_their_marks() -> None:
    assert DEFAULT_RULES.keys == ("beijing", "shanghai", "guangzhou", "shenzhen", "hangzhou")
    assert [r.mark for r in DEFAULT_RULES.rules] == ["京", "沪", "穗", "深", "杭"]
    assert {r.promise for r in DEFAULT_RULES.rules} == {"2日达"}


def test_default_colours_are_distinct_okabe_ito_colours() -> None:
    colours = [r.colour for r in DEFAULT_RULES.rules]
    assert len(set(colours)) == 5
    assert set(colours) <= OKABE_ITO


def test_every_default_rule_has_its_own_sound() -> None:
    assert len({r.sound for r in DEFAULT_RULES.rules}) == 5


def test_json_round_trip_keeps_every_field() -> None:
    text = rules_to_json(DEFAULT_RULES)
    assert json.loads(text)["version"] == 1
    assert rules_from_json(text) == DEFAULT_RULES


def test_priority_for_a_city_name_accepts_full_and_short_forms() -> None:
    assert priority_for("杭州市").key == "hangzhou"
    assert priority_for("杭州").key == "hangzhou"
    assert priority_for("宁波市") is None
    assert priority_for(None) is None


def test_priority_for_a_result_follows_its_city_unless_ambiguous() -> None:
    assert priority_for(classify("广东省深圳市南山区")).key == "shenzhen"
    assert priority_for(classify("南山区 ***")) is None


def test_a_supervisor_can_add_a_city_and_classification_follows_it() -> None:
    chengdu = PriorityRule("chengdu", "成都市", "#56B4E9", "蓉", "2日达", "priority_chengdu")
    rules = PriorityRules((*DEFAULT_RULES.rules, chengdu))
    assert classify("四川省 成都市 武侯区 ***", rules=rules).priority == "chengdu"
    assert classify("四川省 成都市 武侯区 ***").priority is None
    assert [r.priority for r in classify_many(["成都市锦江区", "上海市"], rules=rules)] == [
        "chengdu", "shanghai"]


def test_a_supervisor_can_remove_a_city() -> None:
    rules = PriorityRules(tuple(r for r in DEFAULT_RULES.rules if r.key != "hangzhou"))
    assert classify("浙江省杭州市西湖区", rules=rules).priority is None
    assert classify("浙江省杭州市西湖区", rules=rules).city == "杭州市"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"colour": "red"}, "colour"),
        ({"mark": ""}, "mark"),
        ({"key": "Bei Jing"}, "key"),
        ({"city": " "}, "city"),
    ],
)
def test_invalid_rules_are_refused_with_a_message(change: dict[str, str], fragment: str) -> None:
    doc = json.loads(rules_to_json(DEFAULT_RULES))
    doc["rules"][0].update(change)
    with pytest.raises(UserError) as err:
        rules_from_json(json.dumps(doc))
    assert fragment in err.value.en and err.value.zh


def test_duplicate_cities_are_refused() -> None:
    doc = json.loads(rules_to_json(DEFAULT_RULES))
    doc["rules"].append(dict(doc["rules"][0], key="beijing2"))
    with pytest.raises(UserError, match="duplicate"):
        rules_from_json(json.dumps(doc))


BAD_DOCUMENTS = [
    "", "not json", "[]", '{"rules": 3}', '{"version": 9, "rules": []}', '{"rules": [1]}',
    '{"rules": [{"key": "x"}]}',
    '{"rules": [{"key": "x", "city": "x", "colour": "#000000", "mark": 1}]}',
]


@pytest.mark.parametrize("text", BAD_DOCUMENTS)
def test_malformed_documents_raise_user_errors(text: str) -> None:
    with pytest.raises(UserError):
        rules_from_json(text)


def test_an_empty_rule_list_is_allowed_and_marks_nothing() -> None:
    rules = rules_from_json('{"version": 1, "rules": []}')
    assert classify("上海市浦东新区", rules=rules).priority is None
