"""Pinyin / English addresses: `Shanghai`, `Hangzhou, Zhejiang, Xihu District`.

Only used when the Chinese matcher found nothing. A romanised name counts only as a whole
word (or two words written apart: `Hang Zhou`) and not when a street word follows it, so
`Beijing Road, Guangzhou` is Guangzhou. Two places that cannot both be true make the
result ambiguous rather than a guess.
"""

from __future__ import annotations

import re

from packstation.address.divisions import DivisionIndex, DivPath, Entry, merge_all

_WORD = re.compile(r"[a-z]+")
_STREET_WORDS = frozenset(
    {
        "road",
        "rd",
        "lu",
        "street",
        "st",
        "str",
        "avenue",
        "ave",
        "av",
        "dadao",
        "jie",
        "dajie",
        "lane",
        "ln",
        "xiang",
        "hutong",
        "alley",
        "boulevard",
        "blvd",
        "bay",
        "wan",
        "bridge",
        "plaza",
        "building",
        "bldg",
        "tower",
        "mansion",
        "hotel",
        "mall",
        "market",
        "garden",
        "gardens",
        "park",
        "square",
        "nonglu",
        "nanlu",
        "beilu",
        "donglu",
        "xilu",
        "zhonglu",
        "way",
        "drive",
        "dr",
        "highway",
        "hwy",
        "expressway",
    }
)
_DIRECTION_WORDS = frozenset(
    {
        "east",
        "west",
        "south",
        "north",
        "middle",
        "central",
        "dong",
        "xi",
        "nan",
        "bei",
        "zhong",
        "e",
        "w",
        "s",
        "n",
    }
)
_DISTRICT_WORDS = frozenset({"district", "dist", "qu", "county", "xian"})
_NOISE_WORDS = frozenset(
    {
        "shi",
        "city",
        "province",
        "prov",
        "sheng",
        "district",
        "dist",
        "qu",
        "county",
        "municipality",
        "china",
        "prc",
        "pr",
        "cn",
        "the",
        "of",
        "autonomous",
        "region",
        "sar",
        "special",
        "administrative",
    }
)


def latin_paths(text: str, ix: DivisionIndex) -> tuple[list[DivPath], list[str]]:
    """Candidate paths from romanised words in cleaned text, and the words that matched."""
    words = _WORD.findall(text.lower())
    places: list[tuple[Entry, ...]] = []
    districts: list[tuple[Entry, ...]] = []
    evidence: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in _NOISE_WORDS:
            i += 1
            continue
        for width in (2, 1):
            parts = words[i : i + width]
            if len(parts) < width or _followed_by_street(words, i + width):
                continue
            word = "".join(parts)
            district_word = i + width < len(words) and words[i + width] in _DISTRICT_WORDS
            entries = None if district_word else ix.pinyin.get(word)
            target = places
            if entries is None:
                entries, target = ix.pinyin_districts.get(word), districts
            if entries:
                target.append(entries)
                evidence.append(word)
                i += width - 1
                break
        i += 1
    state: list[DivPath] = []
    for entries in places:
        paths = [e.path for e in entries if e.path]
        narrowed = merge_all(state, paths) if state else paths
        # Two places that cannot both hold (Hangzhou … Shanghai): keep both → ambiguous.
        state = narrowed or _union(state, paths)
    for entries in districts:
        paths = [e.path for e in entries if e.path]
        # Alone, a district decides only if one city has it (Pudong); else ambiguous.
        state = (merge_all(state, paths) or state) if state else paths
    return state, evidence


def _followed_by_street(words: list[str], j: int) -> bool:
    if j < len(words) and words[j] in _STREET_WORDS:
        return True
    return j + 1 < len(words) and words[j] in _DIRECTION_WORDS and words[j + 1] in _STREET_WORDS


def _union(a: list[DivPath], b: list[DivPath]) -> list[DivPath]:
    return a + [p for p in b if p not in a]
