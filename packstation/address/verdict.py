"""The last step: a reading without a city becomes a finding or a question for a person.

"Not priority" is a finding: the address must name a place outside the priority cities.
A province that holds none (江西) is such a place. A province that holds one (广东, 浙江),
or no place at all, is a question: the result is `ambiguous`, with the candidate cities
where they are known (an empty tuple means "anywhere") and a reason code.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from packstation.address.clues import shared_name_in
from packstation.address.divisions import load_index
from packstation.address.priority_rules import PriorityRules

if TYPE_CHECKING:
    from packstation.address.classifier import AddressResult

#: Why a result is ambiguous (AddressResult.reason).
SHARED_DISTRICT = "shared_district"  # 朝阳区, 朝阳, Suzhou: a name several places have
PROVINCE_ONLY = "province_only"  # 广东 alone: it holds a priority city
NO_CITY = "no_city"  # words, but no place (杭州湾跨海大桥, a building name)
SHARED_STREET = "shared_street"  # 和平路, 吾悦广场, 保税区 … with no city
NOTHING_USABLE = "nothing_usable"  # masked, a name and phone, 电话联系, 见备注, 中国
TWO_DESTINATIONS = "two_destinations"  # a forwarding note, two addresses pasted together
PICKER_DISAGREES = "picker_disagrees"  # 省/市/区 fields or leading words vs the detail text
POSTCODE_DISAGREES = "postcode_disagrees"  # a postcode of another city than the one named
REASONS = (SHARED_DISTRICT, PROVINCE_ONLY, NO_CITY, SHARED_STREET, NOTHING_USABLE,
           TWO_DESTINATIONS, PICKER_DISAGREES, POSTCODE_DISAGREES)

City = tuple[str, str | None]

# Words that carry no place: what is left when they are gone decides nothing_usable.
_FILLER = re.compile(
    r"电话联系|联系电话|电话|手机|见备注|详见备注|看备注|备注|联系|收货人|收件人|收货地址|"
    r"详细地址|地址|不详|未知|无|自提|到付|中华人民共和国|中国大陆|中国|[0-9 ]+")
_COUNTRIES = frozenset({"china", "prc", "cn", "zhongguo"})


def settle(result: AddressResult, text: str, rules: PriorityRules) -> AddressResult:
    """`result` unchanged if it names a city or is already ambiguous; else a finding
    (a province without priority cities) or a question (everything else)."""
    if result.city or result.ambiguous:
        return result
    if result.province:
        cities = priority_cities_in(result.province, rules)
        if not cities:
            return result  # 江西: a place, and not a priority one
        return dataclasses.replace(result, ambiguous=True, reason=PROVINCE_ONLY, priority=None,
                                   candidates=(*cities, (result.province, None)))
    reason = SHARED_STREET if shared_name_in(text) else (
        NOTHING_USABLE if _nothing_usable(text) else NO_CITY)
    return dataclasses.replace(result, ambiguous=True, candidates=(), reason=reason)


def _nothing_usable(text: str) -> bool:
    """Masked, a name and phone, 电话联系, 见备注, a country name alone."""
    rest = _FILLER.sub("", text)
    cjk = sum(1 for ch in rest if not ch.isascii())
    words = [w for w in re.findall(r"[A-Za-z]+", rest) if w.lower() not in _COUNTRIES]
    return cjk <= 4 and not any(len(w) >= 3 for w in words)


@lru_cache(maxsize=16)
def priority_cities_in(province: str, rules: PriorityRules) -> tuple[City, ...]:
    """The (province, city) of each rule whose city lies in `province`, in rule order."""
    ix = load_index()
    found: list[City] = []
    for rule in rules.rules:
        name = rule.city if rule.city.endswith("市") else rule.city + "市"
        for tok in ix.tokens.get(name[:2], ()):
            if tok.text == name:
                found += [(p[0], p[1]) for p in tok.full
                          if p[0] == province and p[1] and p[2] is None]
    return tuple(dict.fromkeys(found))
