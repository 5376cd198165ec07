"""Town-level (乡镇/街道) hints, for two narrow jobs:

- settle a same-name district: 南山区 粤海街道 is Shenzhen, 普陀区 沈家门街道 is Zhoushan.
  A town decides only if exactly one candidate district has it;
- confirm a short city name glued to one of its own towns: 北京大栅栏街道, 上海大场镇.

The town table (41k rows) is read lazily, the first time either job needs it, into a
compact index (names are shared strings, cities shared tuples).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from packstation.address.divisions import DivisionIndex, DivPath, divisions_dir
from packstation.address.text import is_cjk

_TOWN_SUFFIXES = (
    "街道办事处",
    "地区办事处",
    "办事处",
    "街道",
    "地区",
    "合作区",
    "民族乡",
    "镇",
    "乡",
    "苏木",
)
# After a town's short name: the end, a non-ideograph, or the word that makes it a town.
_TOWN_WORDS = ("街道", "镇", "乡", "地区")
# Before it: a non-ideograph, or the end of a division name (朝阳区望京).
_DIVISION_ENDS = frozenset("区县市旗")

City = tuple[str, str | None]  # (province, city)


@dataclass(frozen=True, slots=True, eq=False)
class TownIndex:
    full: dict[DivPath, tuple[str, ...]]  # county-level path → its towns' full names
    short: dict[DivPath, tuple[str, ...]]  # … and the short names that may stand alone
    cities: dict[str, tuple[City, ...]]  # any town name (full or short) → its cities
    lengths: tuple[int, ...]  # the distinct name lengths, longest first


@lru_cache(maxsize=4)
def load_towns(ix: DivisionIndex, folder: Path | None = None) -> TownIndex:
    """The town index from `streets.csv`; empty if the file is missing."""
    full: dict[DivPath, list[str]] = {}
    short: dict[DivPath, list[str]] = {}
    cities: dict[str, tuple[City, ...]] = {}
    shared: dict[City, City] = {}
    try:
        with ((folder or divisions_dir()) / "streets.csv").open(encoding="utf-8") as fh:
            rows = csv.reader(fh)
            header = next(rows)
            name_at, area_at = header.index("name"), header.index("areaCode")
            for row in rows:
                path = ix.area_paths.get(row[area_at])
                if path is None:
                    continue
                name, abbr = row[name_at], _short(row[name_at])
                city = shared.setdefault((path[0], path[1]), (path[0], path[1]))
                full.setdefault(path, []).append(name)
                for key in (name, abbr) if abbr else (name,):
                    known = cities.get(key, ())
                    if city not in known:
                        cities[key] = (*known, city)
                if abbr:
                    short.setdefault(path, []).append(abbr)
    except (OSError, ValueError, StopIteration):
        return TownIndex({}, {}, {}, ())
    return TownIndex(
        full={p: tuple(v) for p, v in full.items()},
        short={p: tuple(v) for p, v in short.items()},
        cities=cities,
        lengths=tuple(sorted({len(k) for k in cities}, reverse=True)),
    )


def _short(name: str) -> str | None:
    """长寿路街道 keeps no short form: 长寿路 alone is a street that other cities have too."""
    for suffix in _TOWN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            return None if short[-1] in "路街道巷弄" else short
    return None


def narrow_by_town(
    ix: DivisionIndex, text: str, paths: list[DivPath]
) -> tuple[list[DivPath], str | None]:
    """The one candidate whose town the text names, with that town; else `paths` as given."""
    towns = load_towns(ix)
    hits: list[tuple[DivPath, str]] = []
    for path in paths:
        found = next((n for n in towns.full.get(path, ()) if n in text), None)
        found = found or next((n for n in towns.short.get(path, ()) if _names_town(text, n)), None)
        if found:
            hits.append((path, found))
    if len(hits) == 1:
        return [hits[0][0]], _full_name(towns, hits[0][0], hits[0][1])
    return paths, None


def _full_name(towns: TownIndex, path: DivPath, name: str) -> str:
    """望京 → 望京街道, for the evidence shown to a person."""
    return next((n for n in towns.full.get(path, ()) if n.startswith(name)), name)


def _names_town(text: str, short: str) -> bool:
    """`short` stands as a word: 望京 in `朝阳区 望京 ***`, not 南山 in `南山区`."""
    start = text.find(short)
    while start >= 0:
        end = start + len(short)
        left_ok = start == 0 or not is_cjk(text[start - 1]) or text[start - 1] in _DIVISION_ENDS
        right_ok = end == len(text) or not is_cjk(text[end]) or text.startswith(_TOWN_WORDS, end)
        if left_ok and right_ok:
            return True
        start = text.find(short, start + 1)
    return False


def starts_with_town(ix: DivisionIndex, text: str, pos: int, paths: list[DivPath]) -> bool:
    """True if a town of one of the candidate cities starts at `pos` (上海|大场镇)."""
    towns = load_towns(ix)
    wanted = {(p[0], p[1]) for p in paths}
    for length in towns.lengths:
        found = towns.cities.get(text[pos : pos + length])
        if found and any(c in wanted or (c[0], None) in wanted for c in found):
            return True
    return False
