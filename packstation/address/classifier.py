"""Raw Chinese address → province, city, district, priority city, ambiguity.

How it decides (see docs/address-classifier.md):
- It reads division names as a *chain* from the first name that starts a word
  (省 → 市 → 区/县, in any completeness: 杭州市滨江区, 北京 北京市 朝阳区). The chain stops at
  the first thing that is not a division consistent with what came before, so a street
  named after a city (广州 越秀区 北京路, 南京 鼓楼区 上海路) is never read as that city.
- A name written without its suffix (杭州, 浦东) needs context: a space or the end after it,
  or a following division that fits, or at least not a street word (杭州湾, 北京东路).
- Every candidate is a full path, so 朝阳区 alone stays two candidates (北京, 长春) and is
  reported `ambiguous` with its candidates, never guessed.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from packstation.address.clues import landmark_in, postcode_places, shared_name_in
from packstation.address.divisions import (
    NEUTRAL_TOKENS,
    DivisionIndex,
    DivPath,
    Token,
    load_index,
    merge_all,
)
from packstation.address.fastpath import build_prefixes, lookup_prefix
from packstation.address.latin import latin_paths
from packstation.address.priority_rules import DEFAULT_RULES, PriorityRules
from packstation.address.text import clean, is_cjk, strip_accents
from packstation.address.towns import narrow_by_town, starts_with_town
from packstation.address.verdict import (
    PICKER_DISAGREES,
    POSTCODE_DISAGREES,
    PROVINCE_ONLY,
    SHARED_DISTRICT,
    TWO_DESTINATIONS,
    settle,
)

# After a short name, a next character like these means a street or a landmark, not the
# place itself: 杭州湾, 深圳湾, 上海大厦, 北京饭店.
_STREETISH = frozenset("路街道巷弄胡里湾桥港大广厦楼饭宾酒园村站机码滩门口坊宫塔湖市庙工")
_DIRECTIONS = frozenset("东西南北中")
_ROADISH = frozenset("路街道巷大环")  # 北京东路 is a street, 北京西站 is in Beijing


@dataclass(frozen=True, slots=True)
class AddressResult:
    """The classification of one address; names are full official names (杭州市)."""

    province: str | None
    city: str | None
    district: str | None
    priority: str | None  # rule key ("hangzhou") or None
    ambiguous: bool = False
    candidates: tuple[tuple[str, str | None], ...] = ()  # (province, city) when ambiguous
    evidence: tuple[str, ...] = ()  # the division names it was decided from
    reason: str | None = None  # why a person must look (REASONS), None when not ambiguous

    def to_dict(self, address: str | None = None, *,
                with_candidates: bool = False) -> dict[str, object]:
        """The `packstation address --json` shape (DESIGN.md), optionally with candidates."""
        doc: dict[str, object] = {} if address is None else {"address": address}
        doc.update(province=self.province, city=self.city, district=self.district,
                   priority=self.priority, ambiguous=self.ambiguous, reason=self.reason)
        if with_candidates:
            doc["candidates"] = [list(c) for c in self.candidates]
        return doc


NOTHING = AddressResult(None, None, None, None)


def classify(address: str, province: str = "", city: str = "", district: str = "", *,
             rules: PriorityRules | None = None) -> AddressResult:
    """Classify one address; separate province/city/district fields are read first.

    Never raises on bad text: garbage gives an `ambiguous` result with no candidates
    (reason `nothing_usable`): "not priority" needs a place that says so.
    """
    if type(address) is not str or province or city or district:
        address, province, city, district = (
            _as_str(v) for v in (address, province, city, district))
    result = _classify_cached(address, province, city, district)
    if rules is None or rules is DEFAULT_RULES:
        return result
    return _under_rules(result, rules)


def classify_many(rows: Iterable[str | tuple[str, ...]], *,
                  rules: PriorityRules | None = None) -> list[AddressResult]:
    """Classify many addresses (each a string or an (address, province, city, district)
    tuple), e.g. for an import; an address repeated in the batch is classified once."""
    if rules is not None and rules is not DEFAULT_RULES:
        return [classify(*((r,) if isinstance(r, str) else r[:4]), rules=rules) for r in rows]
    # A batch memo, not the shared LRU: an import of 100k unique addresses would only churn it.
    memo: dict[str, AddressResult] = {}
    out: list[AddressResult] = []
    append = out.append
    # The results hold no reference cycles, but creating 100k of them triggers the cyclic
    # collector over and over, and each full pass walks the division, prefix and town
    # tables (≈15-25% of a batch). It is paused for the batch and restored after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for row in rows:
            if type(row) is str:
                result = memo.get(row)
                if result is None:
                    result = memo[row] = _classify_text(row, "", "", "")
                append(result)
            else:
                append(classify(*row[:4]))
    finally:
        if collecting:
            gc.enable()
    return out


def cache_clear() -> None:
    """Forget cached answers (after the dataset changes; benchmarks use it too)."""
    _classify_cached.cache_clear()


def _as_str(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _classify_text(address: str, province: str, city: str, district: str) -> AddressResult:
    ix = load_index()
    picker = bool(province or city or district)
    raw = " ".join(v for v in (province, city, district, address) if v) if picker else address
    text = clean(raw)
    if not text:
        return settle(NOTHING, text, DEFAULT_RULES)
    if text[0] in "收地详":  # 收货地址：浙江省…: the label is no place, and hides the prefix
        label = _LABEL.match(text)
        if label and label.end() < len(text):
            text = text[label.end():]
    hit = lookup_prefix(build_prefixes(ix, _parse, _resolve), text)
    if hit is not None:  # 浙江省杭州市西湖区…: pre-parsed, the same reading as below
        result, end = hit
        if not _REST_CLUE.search(text, end):
            return result  # nothing after the divisions that could change the answer
    else:
        result, text, end = _read(ix, raw, text)
    return _weigh(ix, result, text, end, picker)


def _classify_clean(ix: DivisionIndex, raw: str, text: str) -> AddressResult:
    """What the division names alone say (no clues, no second place, no settling)."""
    return _read(ix, raw, text)[0]


def _read(ix: DivisionIndex, raw: str, text: str) -> tuple[AddressResult, str, int]:
    """The general matcher on cleaned text, with its fallbacks (traditional, pinyin):
    the reading, the text it was read from, and where the division names ended."""
    paths, evidence, end = _parse_at(ix, text)
    if not paths:  # 廣東省深圳市南山區: try again in simplified characters
        simplified = text.translate(ix.traditional)
        if simplified != text:
            text = simplified
            paths, evidence, end = _parse_at(ix, text)
    if len(evidence) == 1 and evidence[0][-1] not in _SUFFIX_ENDS:  # 朝阳 alone: 朝阳市,
        # or Beijing's or Changchun's 朝阳区
        paths = _with_same_short_districts(ix, text, evidence[0], paths)
    if not paths:
        paths, evidence, end = _lone_short_district(ix, text)
    if not paths and not raw.isascii():
        text = clean(strip_accents(raw))  # Běijīng → Beijing
    if not paths and any("a" <= c <= "z" or "A" <= c <= "Z" for c in text):
        paths, evidence = latin_paths(text, ix)
        end = len(text)
    if not paths:
        return NOTHING, text, 0
    if len(paths) > 1 and len({(p[0], p[1]) for p in paths}) > 1:
        narrowed, town = narrow_by_town(ix, text, paths)
        if town and not any(town.startswith(name) and not name.endswith(("区", "县", "市"))
                            for name in evidence):  # 西湖 is not also 西湖街道's evidence
            paths = narrowed
            evidence.append(town)
    return _resolve(paths, tuple(evidence)), text, end


_classify_cached = lru_cache(maxsize=16384)(_classify_text)
# Division name → default rule key (the hot path's priority lookup).
_DEFAULT_KEYS = {r.city: r.key for r in DEFAULT_RULES.rules}


def _under_rules(result: AddressResult, rules: PriorityRules) -> AddressResult:
    """A default-rules result re-judged under other rules (edited by a supervisor)."""
    if result.reason == PROVINCE_ONLY or (result.city is None and result.province
                                          and not result.ambiguous):
        bare = dataclasses.replace(result, ambiguous=False, candidates=(), reason=None)
        return settle(bare, "", rules)
    if result.ambiguous or not result.city:
        return result
    rule = rules.for_city(result.city)
    return dataclasses.replace(result, priority=rule.key if rule else None)


def _resolve(paths: list[DivPath], evidence: tuple[str, ...]) -> AddressResult:
    if len(paths) == 1:
        prov, city, district = paths[0]
        return AddressResult(prov, city, district, _DEFAULT_KEYS.get(city), False, (), evidence)
    first = paths[0]
    if all(p[0] == first[0] and p[1] == first[1] for p in paths):  # one city, some districts
        district = first[2] if all(p[2] == first[2] for p in paths) else None
        return AddressResult(first[0], first[1], district, _DEFAULT_KEYS.get(first[1] or ""),
                             evidence=evidence)
    # A coarser reading wins over a finer one it contains (吉林 = the province, not 吉林市).
    kept = [p for p in paths if not any(q != p and _contains(q, p) for q in paths)]
    pairs = list(dict.fromkeys((p[0], p[1]) for p in kept))
    districts = {p[2] for p in kept}
    district = next(iter(districts)) if len(districts) == 1 else None
    if len(pairs) == 1:
        prov, city = pairs[0]
        return AddressResult(prov, city, district, _DEFAULT_KEYS.get(city or ""),
                             evidence=evidence)
    provinces = {p for p, _ in pairs}
    # One name that several places have (朝阳区, 朝阳, Suzhou), or places that exclude
    # each other (Hangzhou … Shanghai).
    reason = (SHARED_DISTRICT if len(evidence) == 1 or any(p[2] for p in kept)
              else TWO_DESTINATIONS)
    return AddressResult(next(iter(provinces)) if len(provinces) == 1 else None, None, district,
                         None, True, tuple(sorted(pairs, key=lambda c: (c[0], c[1] or ""))),
                         evidence, reason)


def _contains(outer: DivPath, inner: DivPath) -> bool:
    """True if `outer` is `inner` with some deeper levels unknown."""
    return (outer[0] == inner[0] and (outer[1] is None or outer[1] == inner[1])
            and (outer[2] is None or outer[2] == inner[2]))


def _parse(ix: DivisionIndex, text: str) -> tuple[list[DivPath], list[str]]:
    """`_parse_at` without the end (the shortcut table's parser)."""
    paths, evidence, _end = _parse_at(ix, text)
    return paths, evidence


def _parse_at(ix: DivisionIndex, text: str) -> tuple[list[DivPath], list[str], int]:
    """Find the first chain of division names that starts a word, and where it ends.

    Failing that, a chain glued to a preceding word (张三浙江省杭州市) counts only if it
    holds at least two names, so a lone 城区 inside 老城区 never does.
    """
    for start, ch in enumerate(text):
        if is_cjk(ch) and (start == 0 or not is_cjk(text[start - 1])):
            paths, evidence, end = _chain(ix, text, start)
            if paths:
                return paths, evidence, end
    for start in range(1, len(text) - 3):
        if is_cjk(text[start - 1]) and text[start:start + 2] in ix.tokens:
            paths, evidence, end = _chain(ix, text, start)
            if len(evidence) >= 2 and not any(t in NEUTRAL_TOKENS for t in evidence):
                return paths, evidence, end
    return [], [], 0


def _chain(ix: DivisionIndex, text: str, pos: int) -> tuple[list[DivPath], list[str], int]:
    state: list[DivPath] = []
    evidence: list[str] = []
    n = len(text)
    end = pos
    while pos < n:
        ch = text[pos]
        while ch == " " or "0" <= ch <= "9":
            pos += 1
            if pos >= n:
                return state, evidence, end
            ch = text[pos]
        if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
            break
        step = _step(ix, text, pos, state)
        if step is None:
            break
        token, state = step
        evidence.append(token)
        pos = end = pos + len(token)
        if len(state) == 1 and state[0][2] is not None:
            break  # down to one district: whatever follows is street detail
    return state, evidence, end


def _step(ix: DivisionIndex, text: str, pos: int,
          state: list[DivPath]) -> tuple[str, list[DivPath]] | None:
    """Read the longest division name at `pos` that fits `state`; None if there is none."""
    for tok in ix.tokens.get(text[pos:pos + 2], ()):
        name = tok.text
        if not text.startswith(name, pos):
            continue
        if tok.neutral:
            return name, state
        end = pos + len(name)
        new = merge_all(state, tok.full) if state else list(tok.full_first)
        if new and name[-1] == "市" and text.startswith("场", end):
            # 北京市场, 上海市场监管局: a market, not the city (but 杭州市场口镇 is a town)
            new = new if starts_with_town(ix, text, end, new) else []
        if new and not state and name[-1] == "区" and text.startswith("街道", end):
            continue  # 西城区街道 (保定): a town named after a district elsewhere
        if new:
            return name, new
        if tok.short_upper or tok.short_district:
            new = _apply_short(tok, state)
            if new and _short_confirmed(ix, text, end, new, not tok.short_upper):
                return name, new
    return None


def _apply_short(tok: Token, state: list[DivPath]) -> list[DivPath]:
    if not state:
        return list(tok.short_upper)
    # 西湖 alone never opens a chain (above), but under 浙江 or 杭州 it narrows like 西湖区.
    return merge_all(state, tok.short_upper + tok.short_district)


def _short_confirmed(ix: DivisionIndex, text: str, end: int, new: list[DivPath],
                     district_only: bool) -> bool:
    if end >= len(text) or not is_cjk(text[end]):
        return True
    if _step_fits(ix, text, end, new):
        return True
    if district_only:
        return False
    ch = text[end]
    if (ch in _STREETISH or ch in _DIRECTIONS) and starts_with_town(ix, text, end, new):
        return True  # 北京大栅栏街道, 上海大场镇: a town of that very city
    if ch in _DIRECTIONS:
        return end + 1 < len(text) and text[end + 1] not in _ROADISH
    return ch not in _STREETISH


def _step_fits(ix: DivisionIndex, text: str, pos: int, state: list[DivPath]) -> bool:
    """True if a division consistent with `state` starts at `pos` (one-token look-ahead)."""
    for tok in ix.tokens.get(text[pos:pos + 2], ()):
        if (not tok.neutral and text.startswith(tok.text, pos)
                and (merge_all(state, tok.full) or _apply_short(tok, state))):
            return True
    return False


def _short_token(ix: DivisionIndex, name: str) -> Token | None:
    return next((t for t in ix.tokens.get(name[:2], ()) if t.text == name), None)


def _stands_alone(text: str, name: str) -> bool:
    """`name` at a word start with nothing glued after it (朝阳 ***, not 朝阳路)."""
    start = text.find(name)
    end = start + len(name)
    return start >= 0 and (start == 0 or not is_cjk(text[start - 1])) and (
        end == len(text) or not is_cjk(text[end]))


def _with_same_short_districts(ix: DivisionIndex, text: str, name: str,
                               paths: list[DivPath]) -> list[DivPath]:
    """朝阳 alone is 朝阳市 (辽宁) or Beijing's or Changchun's 朝阳区: all of them. A
    province's short name (海南) keeps its one reading."""
    tok = _short_token(ix, name)
    if (tok is None or not tok.short_district or not tok.short_upper or tok.full
            or any(p[1] is None or p[1] == p[0] for p in tok.short_upper)
            or not _stands_alone(text, name)):
        return paths
    return paths + [p for p in tok.short_district if p not in paths]


def _lone_short_district(ix: DivisionIndex, text: str) -> tuple[list[DivPath], list[str], int]:
    """A district's short name standing alone (浦东 ***, 普陀 12号) or glued to one of its
    own towns (浦东张江): its districts."""
    for match in _WORD_START.finditer(text):
        start = match.start()
        for tok in ix.tokens.get(text[start:start + 2], ()):
            end = start + len(tok.text)
            if (tok.short_district and not tok.full and text.startswith(tok.text, start)
                    and (end == len(text) or not is_cjk(text[end])
                         or starts_with_town(ix, text, end, list(tok.short_district)))):
                return list(tok.short_district), [tok.text], end  # 浦东 ***, 浦东张江…
    return [], [], 0


_WORD_START = re.compile(r"(?<![\u3400-\u4dbf\u4e00-\u9fff])[\u3400-\u4dbf\u4e00-\u9fff]")
# Where a second place may begin: a word start, or right after a forwarding word
# (转寄 上海市…, 改送…, 或者…).
_SECOND_START = re.compile(
    r"(?<![\u3400-\u4dbf\u4e00-\u9fff])(?=[\u3400-\u4dbf\u4e00-\u9fff])"
    r"|转寄|转交|转送|改寄|改送|改发|寄往|寄到|送到|发到|或者|或")
_CITY_ENDS = re.compile("[市省]")
_LABEL = re.compile(r"(?:收货地址|收件地址|收货人地址|详细地址|地址) ?")
_SUFFIX_ENDS = frozenset("区县市省旗州盟")
_SIX_DIGITS = re.compile("[0-9]{6}")
# A clear second place has a suffix (天津市, 武清区) or follows a forwarding word.
_SECOND_HINT = re.compile("[市省区县旗]|转|改|寄|送到|发到|或")
_REST_CLUE = re.compile("[市省区县旗]|转|改|寄|送到|发到|或|[0-9]{6}")


def _weigh(ix: DivisionIndex, result: AddressResult, text: str, end: int,
           picker: bool) -> AddressResult:
    """Every other clue in the text: a second place, a landmark, a postcode; then settle."""
    if result.province is not None and end < len(text) and _SECOND_HINT.search(text, end):
        other = _other_place(ix, result, text, end)
        if other is not None:
            return _disagreement(result, other, text[end:other[2]].strip() == "" or picker)
    if result.city is not None and not result.ambiguous and (
            len(result.evidence) > 1 or result.evidence[0][-1] in _SUFFIX_ENDS):
        # the usual case: a city, read from a full name or from two names
        return _check_postcode(result, text) if _SIX_DIGITS.search(text) else result
    if len(result.evidence) == 1 and not picker and result.evidence[0][-1] not in _SUFFIX_ENDS:
        shared = shared_name_in(text)
        if shared and shared != result.evidence[0] and shared.startswith(result.evidence[0]):
            result = NOTHING  # 中山公园: a park many cities have, not 中山市
    if result.ambiguous or result.city is None:
        result = _narrow_by_landmark(result, text)
    if _SIX_DIGITS.search(text):
        result = _check_postcode(result, text)
    if result.city is not None and not result.ambiguous:
        return result
    return settle(result, text, DEFAULT_RULES)


def _paths_of(result: AddressResult) -> list[DivPath]:
    if result.ambiguous:
        return [(p, c, result.district) for p, c in result.candidates]
    if result.province is None:
        return []
    return [(result.province, result.city, result.district)]


def _other_place(ix: DivisionIndex, result: AddressResult, text: str,
                 end: int) -> tuple[list[DivPath], list[str], int] | None:
    """A second place after the first that cannot be the same one (天津市武清区 after
    北京 朝阳; 上海市… after 转寄). It must be clear: two names, or a full province or
    city name; a short name glued to words (宁波银行) or a lone district does not count."""
    tokens = ix.tokens
    starts = [at for m in _SECOND_START.finditer(text, end)
              if (at := m.end()) < len(text) and text[at:at + 2] in tokens]
    for m in _CITY_ENDS.finditer(text, end):  # glued: …1号天津市武清区
        at = m.start()
        starts += [s for s in range(max(end, at - 6), at - 1)
                   if any(t.text == text[s:at + 1] for t in tokens.get(text[s:s + 2], ()))]
    if not starts:
        return None
    first = _paths_of(result)
    for start in sorted(set(starts)):
        paths, evidence, stop = _chain(ix, text, start)
        if not paths or merge_all(first, paths):
            continue
        if len(evidence) == 1 and stop < len(text) and (
                text[stop] in _STREETISH or text[stop] in _DIRECTIONS):
            continue  # 香港路, 天津大厦: a street or building named after a place
        if _clear_place(ix, evidence):
            return paths, evidence, start
    return None


def _clear_place(ix: DivisionIndex, evidence: list[str]) -> bool:
    """A province or city written in full (天津市), or a short one with a district after
    it (上海 浦东); district names alone (朝阳区朝阳区) are not clear enough."""
    if any(t in NEUTRAL_TOKENS for t in evidence):
        return False
    for i, name in enumerate(evidence):
        tok = _short_token(ix, name)
        if tok is None:
            continue
        if any(p[2] is None for p in tok.full) or (tok.short_upper and i + 1 < len(evidence)):
            return True
    return False


def _disagreement(result: AddressResult, other: tuple[list[DivPath], list[str], int],
                  picker: bool) -> AddressResult:
    paths, evidence, _start = other
    second = _resolve(paths, tuple(evidence))
    pairs = [*result.candidates, *second.candidates] if result.ambiguous or second.ambiguous \
        else []
    pairs += [(r.province, r.city) for r in (result, second)
              if not r.ambiguous and r.province is not None]
    candidates = tuple(dict.fromkeys(pairs))
    provinces = {p for p, _c in candidates}
    return AddressResult(next(iter(provinces)) if len(provinces) == 1 else None, None, None,
                         None, True, candidates, (*result.evidence, *evidence),
                         PICKER_DISAGREES if picker else TWO_DESTINATIONS)


def _narrow_by_landmark(result: AddressResult, text: str) -> AddressResult:
    """A landmark of one place settles a same-name district or a missing city."""
    found = landmark_in(text)
    if found is None:
        return result
    name, (prov, city, district) = found
    if result.ambiguous:
        if (prov, city) not in result.candidates or (
                result.district and district and result.district != district):
            return result
    elif result.province not in (None, prov):
        return result  # 浙江 … 广州塔: the landmark does not settle a contradiction
    return AddressResult(prov, city, district or result.district, _DEFAULT_KEYS.get(city or ""),
                         evidence=(*result.evidence, name))


def _check_postcode(result: AddressResult, text: str) -> AddressResult:
    """A postcode settles a missing or shared city where its range does, and disagrees
    with a named city it does not belong to."""
    places = postcode_places(text)
    if not places:
        return result
    if len(places) > 1:
        return _postcode_disagrees(result, places)
    prov, city = places[0]
    if result.ambiguous:
        fits = [c for c in result.candidates if _postcode_fits(c, (prov, city))]
        if len(fits) != 1:
            return result
        return AddressResult(fits[0][0], fits[0][1], result.district,
                             _DEFAULT_KEYS.get(fits[0][1] or ""), evidence=result.evidence)
    if result.province is None or (result.city is None and result.province == prov):
        if city is None and result.province is None:
            return AddressResult(prov, None, None, None, evidence=result.evidence)
        return AddressResult(prov, city, None, _DEFAULT_KEYS.get(city or ""),
                             evidence=result.evidence)
    if _postcode_fits((result.province, result.city), (prov, city)):
        return result
    return _postcode_disagrees(result, places)


def _postcode_fits(named: tuple[str, str | None], postal: tuple[str, str | None]) -> bool:
    """A postcode of a priority city fits only that city; a province's postcode fits any
    city there except the priority ones (whose ranges are all known)."""
    if postal[1] is not None:
        return named[1] in (None, postal[1]) and named[0] == postal[0]
    return named[0] == postal[0] and named[1] not in _DEFAULT_KEYS


def _postcode_disagrees(result: AddressResult, places: list[tuple[str, str | None]]
                        ) -> AddressResult:
    named = list(result.candidates) if result.ambiguous else (
        [(result.province, result.city)] if result.province else [])
    candidates = tuple(dict.fromkeys([*named, *places]))
    return AddressResult(None, None, None, None, True, candidates, result.evidence,
                         POSTCODE_DISAGREES)
