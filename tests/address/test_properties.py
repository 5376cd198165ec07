"""Properties over generated addresses: what follows a district never changes the city (a
second full place name makes it a question with the city among the candidates), and a
city's name inside a street never makes an address priority on its own."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from packstation.address import classify

PLACES = [  # (address prefix, city) — including same-name districts and neighbours
    ("浙江省 杭州市 西湖区", "杭州市"),
    ("江西省南昌市西湖区", "南昌市"),
    ("北京 北京市 朝阳区", "北京市"),
    ("吉林省长春市朝阳区", "长春市"),
    ("广东省深圳市南山区", "深圳市"),
    ("上海市普陀区", "上海市"),
    ("浙江省舟山市普陀区", "舟山市"),
    ("广州市白云区", "广州市"),
    ("贵州省贵阳市白云区", "贵阳市"),
    ("江苏省南京市鼓楼区", "南京市"),
    ("浙江省宁波市", "宁波市"),
    ("广东省东莞市", "东莞市"),
    ("河北省廊坊市三河市", "廊坊市"),
    ("浙江省湖州市德清县", "湖州市"),
    ("深圳市福田区", "深圳市"),
]
LOOKALIKES = ["北京路", "上海路", "广州路", "深圳路", "杭州路", "北京东路", "上海大厦", "杭州湾",
              "深圳湾", "广州大道", "北京市场", "朝阳区", "西湖区", "浦东新区", "天河区", "杭州市",
              "北京市", "Shanghai", "Beijing Road", "香港路", "南山区", "上海市场"]
STREET_NAMES = [s for s in LOOKALIKES if s.endswith(("路", "大厦", "湾", "大道"))]
FILLER = st.text(alphabet="路街道号楼室弄巷幢单元0123456789 *#-", max_size=6)
STREET = st.lists(st.one_of(st.sampled_from(LOOKALIKES), FILLER), max_size=5).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PLACES), STREET, st.sampled_from(["", " ", "　", ",", "，"]))
def test_what_follows_a_district_never_changes_the_city(place: tuple[str, str], street: str,
                                                       sep: str) -> None:
    prefix, city = place
    result = classify(prefix + sep + street)
    if result.ambiguous and result.reason == "postcode_disagrees":  # …西湖区 010000
        assert re.search(r"(?<![0-9])[0-9]{6}$", street), street
    elif result.ambiguous:  # 杭州市 西湖区 北京市: two places, a person looks
        assert result.reason == "two_destinations" or result.reason == "picker_disagrees"
        assert city in {c for _p, c in result.candidates}
        assert any(s in street for s in ("北京市", "杭州市") if s != city), street
    else:
        assert result.city == city


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(STREET_NAMES), min_size=1, max_size=3),
       st.text(alphabet="0123456789号 ", max_size=5))
def test_streets_named_after_cities_are_never_priority_by_themselves(streets: list[str],
                                                                    tail: str) -> None:
    assert classify(" ".join(streets) + tail).priority is None
