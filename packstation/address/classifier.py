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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from packstation.address.divisions import (
    NEUTRAL_TOKENS,
    DivisionIndex,
    DivPath,
    Token,
    load_index,
    merge_all,
)
from packstation.address.fastpath import build_prefixes, lookup
from packstation.address.latin import latin_paths
from packstation.address.priority_rules import DEFAULT_RULES, PriorityRules
from packstation.address.text import clean, is_cjk, strip_accents
from packstation.address.towns import narrow_by_town, starts_with_town

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

    def to_dict(
        self, address: str | None = None, *, with_candidates: bool = False
    ) -> dict[str, object]:
        """The `packstation address --json` shape (DESIGN.md), optionally with candidates."""
        doc: dict[str, object] = {} if address is None else {"address": address}
        doc.update(
            province=self.province,
            city=self.city,
            district=self.district,
            priority=self.priority,
            ambiguous=self.ambiguous,
        )
        if with_candidates:
            doc["candidates"] = [list(c) for c in self.candidates]
        return doc


NOTHING = AddressResult(None, None, None, None)


def classify(
    address: str,
    province: str = "",
    city: str = "",
    district: str = "",
    *,
    rules: PriorityRules | None = None,
) -> AddressResult:
    """Classify one address; separate province/city/district fields are read first.

    Never raises on bad text: garbage gives a result with every field None.
    """
    if type(address) is not str or province or city or district:
        address, province, city, district = (
            _as_str(v) for v in (address, province, city, district)
        )
    result = _classify_cached(address, province, city, district)
    if rules is None or rules is DEFAULT_RULES or result.city is None:
        return result
    return dataclasses.replace(result, priority=_priority(result, rules))


def classify_many(
    rows: Iterable[str | tuple[str, ...]], *, rules: PriorityRules | None = None
) -> list[AddressResult]:
    """Classify many addresses (each a string or an (address, province, city, district)
    tuple), e.g. for an import; an address repeated in the batch is classified once."""
    if rules is not None and rules is not DEFAULT_RULES:
        return [classify(*((r,) if isinstance(r, str) else r[:4]), rules=rules) for r in rows]
    # A batch memo, not the shared LRU: an import of 100k unique addresses would only churn it.
    memo: dict[str, AddressResult] = {}
    out: list[AddressResult] = []
    append = out.append
    for row in rows:
        if type(row) is str:
            result = memo.get(row)
            if result is None:
                result = memo[row] = _classify_text(row, "", "", "")
            append(result)
        else:
            append(classify(*row[:4]))
    return out


def cache_clear() -> None:
    """Forget cached answers (after the dataset changes; benchmarks use it too)."""
    _classify_cached.cache_clear()


def _as_str(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _classify_text(address: str, province: str, city: str, district: str) -> AddressResult:
    ix = load_index()
    raw = (
        " ".join(v for v in (province, city, district, address) if v)
        if province or city or district
        else address
    )
    text = clean(raw)
    if not text:
        return NOTHING
    known = lookup(build_prefixes(ix, _parse, _resolve), text)
    if known is not None:
        return known  # 浙江省杭州市西湖区…: pre-parsed, the same answer as below
    return _classify_clean(ix, raw, text)


def _classify_clean(ix: DivisionIndex, raw: str, text: str) -> AddressResult:
    """The general matcher on cleaned text, with its fallbacks (traditional, pinyin)."""
    paths, evidence = _parse(ix, text)
    if not paths:  # 廣東省深圳市南山區: try again in simplified characters
        simplified = text.translate(ix.traditional)
        if simplified != text:
            text = simplified
            paths, evidence = _parse(ix, text)
    if not paths and not raw.isascii():
        text = clean(strip_accents(raw))  # Běijīng → Beijing
    if not paths and any("a" <= c <= "z" or "A" <= c <= "Z" for c in text):
        paths, evidence = latin_paths(text, ix)
    if not paths:
        return NOTHING
    if len(paths) > 1 and len({(p[0], p[1]) for p in paths}) > 1:
        paths, town = narrow_by_town(ix, text, paths)
        if town:
            evidence.append(town)
    return _resolve(paths, tuple(evidence))


_classify_cached = lru_cache(maxsize=16384)(_classify_text)
# Division name → default rule key (the hot path's priority lookup).
_DEFAULT_KEYS = {r.city: r.key for r in DEFAULT_RULES.rules}


def _priority(result: AddressResult, rules: PriorityRules) -> str | None:
    if result.ambiguous or not result.city:
        return None
    rule = rules.for_city(result.city)
    return rule.key if rule else None


def _resolve(paths: list[DivPath], evidence: tuple[str, ...]) -> AddressResult:
    if len(paths) == 1:
        prov, city, district = paths[0]
        return AddressResult(prov, city, district, _DEFAULT_KEYS.get(city), False, (), evidence)
    first = paths[0]
    if all(p[0] == first[0] and p[1] == first[1] for p in paths):  # one city, some districts
        district = first[2] if all(p[2] == first[2] for p in paths) else None
        return AddressResult(
            first[0], first[1], district, _DEFAULT_KEYS.get(first[1] or ""), evidence=evidence
        )
    # A coarser reading wins over a finer one it contains (吉林 = the province, not 吉林市).
    kept = [p for p in paths if not any(q != p and _contains(q, p) for q in paths)]
    pairs = list(dict.fromkeys((p[0], p[1]) for p in kept))
    districts = {p[2] for p in kept}
    district = next(iter(districts)) if len(districts) == 1 else None
    if len(pairs) == 1:
        prov, city = pairs[0]
        return AddressResult(prov, city, district, _DEFAULT_KEYS.get(city or ""), evidence=evidence)
    provinces = {p for p, _ in pairs}
    return AddressResult(
        next(iter(provinces)) if len(provinces) == 1 else None,
        None,
        district,
        None,
        True,
        tuple(sorted(pairs, key=lambda c: (c[0], c[1] or ""))),
        evidence,
    )


def _contains(outer: DivPath, inner: DivPath) -> bool:
    """True if `outer` is `inner` with some deeper levels unknown."""
    return (
        outer[0] == inner[0]
        and (outer[1] is None or outer[1] == inner[1])
        and (outer[2] is None or outer[2] == inner[2])
    )


def _parse(ix: DivisionIndex, text: str) -> tuple[list[DivPath], list[str]]:
    """Find the first chain of division names that starts a word.

    Failing that, a chain glued to a preceding word (张三浙江省杭州市) counts only if it
    holds at least two names, so a lone 城区 inside 老城区 never does.
    """
    for start, ch in enumerate(text):
        if is_cjk(ch) and (start == 0 or not is_cjk(text[start - 1])):
            paths, evidence = _chain(ix, text, start)
            if paths:
                return paths, evidence
    for start in range(1, len(text) - 3):
        if is_cjk(text[start - 1]) and text[start : start + 2] in ix.tokens:
            paths, evidence = _chain(ix, text, start)
            if len(evidence) >= 2 and not any(t in NEUTRAL_TOKENS for t in evidence):
                return paths, evidence
    return [], []


def _chain(ix: DivisionIndex, text: str, pos: int) -> tuple[list[DivPath], list[str]]:
    state: list[DivPath] = []
    evidence: list[str] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        while ch == " " or "0" <= ch <= "9":
            pos += 1
            if pos >= n:
                return state, evidence
            ch = text[pos]
        if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
            break
        step = _step(ix, text, pos, state)
        if step is None:
            break
        token, state = step
        evidence.append(token)
        pos += len(token)
        if len(state) == 1 and state[0][2] is not None:
            break  # down to one district: whatever follows is street detail
    return state, evidence


def _step(
    ix: DivisionIndex, text: str, pos: int, state: list[DivPath]
) -> tuple[str, list[DivPath]] | None:
    """Read the longest division name at `pos` that fits `state`; None if there is none."""
    for tok in ix.tokens.get(text[pos : pos + 2], ()):
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


def _short_confirmed(
    ix: DivisionIndex, text: str, end: int, new: list[DivPath], district_only: bool
) -> bool:
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
    for tok in ix.tokens.get(text[pos : pos + 2], ()):
        if (
            not tok.neutral
            and text.startswith(tok.text, pos)
            and (merge_all(state, tok.full) or _apply_short(tok, state))
        ):
            return True
    return False
