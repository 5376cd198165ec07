"""The pre-parsed prefix table gives exactly what the general matcher gives, whatever
follows the prefix — checked on every stored prefix."""

from __future__ import annotations

from packstation.address import classifier, classify
from packstation.address.divisions import load_index
from packstation.address.fastpath import build_prefixes, lookup
from packstation.address.text import clean

CONTINUATIONS = ["", " 某路1号", "路1号", "街道", "市场", "新区", "北京路", " 上海市", "中山区"]


def test_every_stored_prefix_answers_as_the_general_matcher_does() -> None:
    ix = load_index()
    prefixes = build_prefixes(ix, classifier._parse, classifier._resolve)
    assert len(prefixes.results) > 30_000
    wrong = []
    for prefix in prefixes.results:
        for rest in CONTINUATIONS:
            text = clean(prefix + rest)
            fast = lookup(prefixes, text)
            if fast is not None and fast != classifier._classify_clean(ix, text, text):
                wrong.append(text)
    assert wrong == []


def test_the_common_export_forms_take_the_shortcut() -> None:
    ix = load_index()
    prefixes = build_prefixes(ix, classifier._parse, classifier._resolve)
    for text in ("浙江省 杭州市 西湖区 文三路", "浙江省杭州市西湖区文三路",
                 "北京 北京市 朝阳区 ***", "杭州市滨江区江南大道", "广东省 深圳市 南山区 ***"):
        assert lookup(prefixes, clean(text)) == classify(text)


def test_forms_it_does_not_store_take_the_general_matcher() -> None:
    ix = load_index()
    prefixes = build_prefixes(ix, classifier._parse, classifier._resolve)
    for text in ("浙江 杭州 文三路", "朝阳区 某路", "浙江省 杭州市西湖区", "Shanghai"):
        assert lookup(prefixes, clean(text)) is None
    assert classify("浙江 杭州 文三路").priority == "hangzhou"
