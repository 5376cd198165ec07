"""Town-level (乡镇/街道) hints that settle a same-name district: 南山区 粤海街道 is Shenzhen.

Only used when the county-level match is ambiguous. A town decides only if exactly one of
the candidate districts has it; otherwise the result stays ambiguous. The town table (41k
rows) is read lazily, the first time it is needed.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from packstation.address.divisions import DivisionIndex, DivPath, divisions_dir
from packstation.address.text import is_cjk

_TOWN_SUFFIXES = ("街道办事处", "地区办事处", "办事处", "街道", "地区", "合作区", "民族乡",
                  "镇", "乡", "苏木")
# After a town's short name: the end, a non-ideograph, or the word that makes it a town.
_TOWN_WORDS = ("街道", "镇", "乡", "地区")
# Before it: a non-ideograph, or the end of a division name (朝阳区望京).
_DIVISION_ENDS = frozenset("区县市旗")

Town = tuple[str, str | None]  # (full name, short name or None)


@lru_cache(maxsize=4)
def load_towns(ix: DivisionIndex, folder: Path | None = None) -> dict[DivPath, tuple[Town, ...]]:
    """County-level path → its towns, from `streets.csv`; empty if the file is missing."""
    towns: dict[DivPath, list[Town]] = defaultdict(list)
    try:
        with ((folder or divisions_dir()) / "streets.csv").open(encoding="utf-8") as fh:
            rows = csv.reader(fh)
            header = next(rows)
            name_at, area_at = header.index("name"), header.index("areaCode")
            for row in rows:
                path = ix.area_paths.get(row[area_at])
                if path is not None:
                    towns[path].append((row[name_at], _short(row[name_at])))
    except (OSError, ValueError, StopIteration):
        return {}
    return {path: tuple(names) for path, names in towns.items()}


def _short(name: str) -> str | None:
    """长寿路街道 keeps no short form: 长寿路 alone is a street that other cities have too."""
    for suffix in _TOWN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            return None if short[-1] in "路街道巷弄" else short
    return None


def narrow_by_town(ix: DivisionIndex, text: str,
                   paths: list[DivPath]) -> tuple[list[DivPath], str | None]:
    """The one candidate whose town the text names, with that town; else `paths` as given."""
    towns = load_towns(ix)
    hits: list[tuple[DivPath, str]] = []
    for path in paths:
        for full, short in towns.get(path, ()):
            if full in text or (short and _names_town(text, short)):
                hits.append((path, full))
                break
    if len(hits) == 1:
        return [hits[0][0]], hits[0][1]
    return paths, None


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


@lru_cache(maxsize=4)
def _towns_by_prefix(ix: DivisionIndex) -> dict[str, tuple[tuple[str, str, str | None], ...]]:
    """First two characters → (town name, province, city), full and short names."""
    index: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for (province, city, _district), names in load_towns(ix).items():
        for full, short in names:
            for name in (full, short):
                if name and len(name) >= 2:
                    index[name[:2]].append((name, province, city))
    return {k: tuple(sorted(set(v), key=lambda t: -len(t[0]))) for k, v in index.items()}


def starts_with_town(ix: DivisionIndex, text: str, pos: int, paths: list[DivPath]) -> bool:
    """True if a town of one of the candidate cities starts at `pos` (上海|大场镇)."""
    candidates = _towns_by_prefix(ix).get(text[pos:pos + 2])
    if not candidates:
        return False
    cities = {(p[0], p[1]) for p in paths}
    return any(text.startswith(name, pos) and ((province, city) in cities
                                               or (province, None) in cities)
               for name, province, city in candidates)
