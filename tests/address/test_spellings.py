"""Issue 15: pinyin in every common writing, and common typos of the five cities' names."""

from __future__ import annotations

import csv

import pytest

from packstation.address import classify
from packstation.address.divisions import divisions_dir, load_index
from packstation.address.towns import load_towns


@pytest.mark.parametrize(("text", "key", "district"), [
    ("shenzhenshi futianqu", "shenzhen", "福田区"),
    ("shenzhenshifutianqu 1hao", "shenzhen", "福田区"),
    ("Shenzhen Shi Futian Qu", "shenzhen", "福田区"),
    ("Shen Zhen Shi Fu Tian Qu", "shenzhen", "福田区"),
    ("SHENZHEN FUTIAN", "shenzhen", "福田区"),
    ("Futian District, Shenzhen", "shenzhen", "福田区"),
    ("Futian Dist. Shenzhen City, Guangdong Province", "shenzhen", "福田区"),
    ("guangdongsheng shenzhenshi nanshanqu keji yuan", "shenzhen", "南山区"),
    ("hangzhoushi xihuqu wensanlu 90hao", "hangzhou", "西湖区"),
    ("Hángzhōu Shì Xīhú Qū", "hangzhou", "西湖区"),
    ("zhejiangsheng hangzhoushi yuhangqu", "hangzhou", "余杭区"),
    ("beijingshi chaoyangqu jianguolu 88hao", "beijing", "朝阳区"),
    ("Room 1201, 88 Jianguo Road, Chaoyang District, Beijing 100020", "beijing", "朝阳区"),
    ("Shanghaishi Pudongxinqu Zhangjianglu", "shanghai", "浦东新区"),
    ("Pudong New Area, Shanghai", "shanghai", "浦东新区"),
    ("guangzhoushi tianhequ", "guangzhou", "天河区"),
    ("Tianhe District, Guangzhou", "guangzhou", "天河区"),
])
def test_pinyin_in_every_common_writing(text: str, key: str, district: str) -> None:
    result = classify(text)
    assert (result.priority, result.district) == (key, district), result


@pytest.mark.parametrize("text", ["xihuqu", "chaoyangqu 1hao", "Chaoyang District"])
def test_a_glued_shared_district_is_still_a_question(text: str) -> None:
    assert classify(text).ambiguous


def test_glued_words_that_are_not_all_names_stay_as_written() -> None:
    result = classify("wensanlu 90hao")  # a street, no city: a person looks
    assert result.ambiguous and result.candidates == ()


@pytest.mark.parametrize(("text", "key"), [
    ("杭洲市西湖区文三路 90号", "hangzhou"),
    ("航州 西湖区 文三路", "hangzhou"),
    ("深训 南山区 科技园", "shenzhen"),
    ("深浈市福田区", "shenzhen"),
    ("广洲市天河区体育西路", "guangzhou"),
    ("廣洲市天河區", "guangzhou"),
    ("尚海市浦东新区", "shanghai"),
    ("上晦 浦东新区", "shanghai"),
    ("北亰市朝阳区", "beijing"),
])
def test_common_typos_of_the_five_cities_read_as_the_city(text: str, key: str) -> None:
    result = classify(text)
    assert result.priority == key and not result.ambiguous, result


def test_a_typo_followed_by_a_street_word_is_a_street() -> None:
    assert classify("杭洲路 1号").priority is None


def test_no_typo_is_the_name_of_a_real_place() -> None:
    ix = load_index()
    towns = load_towns(ix)
    with (divisions_dir() / "typos.csv").open(encoding="utf-8") as fh:
        typos = [r["typo"] for r in csv.DictReader(fh)]
    assert len(typos) >= 15
    for typo in typos:
        for name in (typo, typo + "市", typo + "县", typo + "区", typo + "镇"):
            assert name not in towns.cities, name
        readings = [t for t in ix.tokens.get(typo[:2], ()) if t.text in (typo, typo + "市")]
        assert all(len({(p[0], p[1]) for p in t.full + t.short_upper}) == 1 for t in readings)
