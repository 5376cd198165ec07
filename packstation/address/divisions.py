"""The administrative-division index the classifier matches against.

Built once, lazily, from the bundled NBS dataset in `assets/divisions/` (see SOURCE.md
there). Every name a division can be written with becomes a token that maps to one or
more `Entry`s; an entry carries the division's full path (province, city, district), so
that same-name districts in different cities stay distinct and can be reported as
ambiguous instead of guessed.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from packstation.assets import assets_dir
from packstation.errors import UserError

#: (province, city, district) full names; deeper levels None when unknown.
DivPath = tuple[str, str | None, str | None]

MUNICIPALITY_CODES = frozenset({"11", "12", "31", "50"})
SAR_AND_TAIWAN = {"81": "香港特别行政区", "82": "澳门特别行政区", "71": "台湾省"}
SAR_ALIASES = {
    "81": ("香港", "香港特区"),
    "82": ("澳门", "澳門", "澳门特区"),
    "71": ("台湾", "臺灣", "台灣", "台湾地区"),
}
# Tokens that say nothing about the place but may sit between division names.
NEUTRAL_TOKENS = (
    "中华人民共和国",
    "中国大陆",
    "中国",
    "市辖区",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
    "省直辖县",
    "直辖县",
)
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
DISTRICT_SUFFIXES = ("自治县", "自治旗", "新区", "区", "县", "市", "旗")
_ETHNIC = re.compile(r"^(.{2,}?)(?:[^族]{1,6}族)+自治[州县旗]$")
_NO_SHORT = ("开发区", "园区", "管理区", "示范区", "新城", "合作区", "经济区", "试验区")


@dataclass(frozen=True, slots=True)
class Entry:
    """One reading of a token: the division it names, and how it was written."""

    path: DivPath | None  # None for a neutral token such as 中国 or 市辖区
    level: int  # 1 province, 2 city, 3 district, 0 neutral
    short: bool  # written without its suffix (杭州, 西湖): needs context to count


@dataclass(frozen=True, slots=True)
class Token:
    """A written name with its readings pre-sorted for the matcher's hot loop."""

    text: str
    neutral: bool  # 中国, 市辖区: consumed, says nothing
    full: tuple[DivPath, ...]  # readings as a full name (杭州市, 西湖区)
    full_first: tuple[DivPath, ...]  # of those, the ones that may open a chain
    short_upper: tuple[DivPath, ...]  # short province/city readings (杭州, 浙江)
    short_district: tuple[DivPath, ...]  # short district readings (西湖): never first


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: a cache key
class DivisionIndex:
    """Token lookup tables; `tokens` is keyed by a token's first two characters."""

    tokens: dict[str, tuple[Token, ...]]
    pinyin: dict[str, tuple[Entry, ...]]  # province/city romanisations
    pinyin_districts: dict[str, tuple[Entry, ...]]
    area_paths: dict[str, DivPath]  # county-level code → path, for the town table
    traditional: dict[int, str]  # str.translate table: 廣 → 广, 區 → 区
    source: str


def merge_all(state: Sequence[DivPath], paths: Sequence[DivPath]) -> list[DivPath]:
    """Every consistent combination of a current candidate with a new reading."""
    if len(state) == 1 and len(paths) == 1:  # the usual case, without the loops
        (s0, s1, s2), (p0, p1, p2) = state[0], paths[0]
        if s0 != p0 or (s1 and p1 and s1 != p1) or (s2 and p2 and s2 != p2):
            return []
        return [(s0, s1 or p1, s2 or p2)]
    out: list[DivPath] = []
    for s0, s1, s2 in state:
        for p0, p1, p2 in paths:
            if s0 != p0 or (s1 and p1 and s1 != p1) or (s2 and p2 and s2 != p2):
                continue
            m = (s0, s1 or p1, s2 or p2)
            if m not in out:
                out.append(m)
    return out


def divisions_dir() -> Path:
    """Where the dataset lives: $PACKSTATION_DIVISIONS_DIR, else the bundled assets."""
    override = os.environ.get("PACKSTATION_DIVISIONS_DIR")
    return Path(override) if override else assets_dir() / "divisions"


def short_name(name: str, suffixes: tuple[str, ...]) -> str | None:
    """The colloquial form (浙江省→浙江, 延边朝鲜族自治州→延边), or None if there is none."""
    if any(marker in name for marker in _NO_SHORT):
        return None
    m = _ETHNIC.match(name)
    if m:
        return m.group(1)
    for suffix in suffixes:
        if name.endswith(suffix) and 2 <= len(name) - len(suffix) <= 4:
            return name[: -len(suffix)]
    return None


def _read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    try:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise UserError(
            f"找不到行政区划数据文件 {folder / name}，请重新安装 PackStation。",
            f"Division data file {folder / name} is missing; reinstall PackStation.",
        ) from exc


class _Builder:
    """Collects tokens → entries while the CSV rows are read."""

    def __init__(self) -> None:
        self.tokens: dict[str, set[Entry]] = defaultdict(set)
        self.pinyin: dict[str, set[Entry]] = defaultdict(set)
        self.pinyin_districts: dict[str, set[Entry]] = defaultdict(set)

    def add(self, name: str, path: DivPath, level: int, suffixes: tuple[str, ...]) -> None:
        self.tokens[name].add(Entry(path, level, False))
        short = short_name(name, suffixes)
        if short:
            self.tokens[short].add(Entry(path, level, True))
        if level == 2 and name.endswith("自治州") and short:
            self.tokens[short + "州"].add(Entry(path, level, False))  # 延边州, 恩施州

    def freeze(
        self, source: str, area_paths: dict[str, DivPath], traditional: dict[int, str]
    ) -> DivisionIndex:
        by_first2: dict[str, list[Token]] = defaultdict(list)
        for text, entries in self.tokens.items():
            if len(text) >= 2:
                by_first2[text[:2]].append(_token(text, sorted(entries, key=_entry_key)))
        return DivisionIndex(
            tokens={k: tuple(sorted(v, key=lambda t: -len(t.text))) for k, v in by_first2.items()},
            pinyin={k: tuple(sorted(v, key=_entry_key)) for k, v in self.pinyin.items()},
            pinyin_districts={
                k: tuple(sorted(v, key=_entry_key)) for k, v in self.pinyin_districts.items()
            },
            area_paths=area_paths,
            traditional=traditional,
            source=source,
        )


def _token(text: str, entries: list[Entry]) -> Token:
    full = tuple(e.path for e in entries if e.path and not e.short)
    # 城区, 矿区, 郊区 alone are words, not places: such a district needs a city first.
    lone_word = len(text) == 2 and text.endswith("区")
    return Token(
        text=text,
        neutral=any(e.path is None for e in entries),
        full=full,
        full_first=tuple(
            e.path for e in entries if e.path and not e.short and not (e.level == 3 and lone_word)
        ),
        short_upper=tuple(e.path for e in entries if e.path and e.short and e.level < 3),
        short_district=tuple(e.path for e in entries if e.path and e.short and e.level == 3),
    )


def _entry_key(entry: Entry) -> tuple[int, tuple[str, str, str], bool]:
    path = entry.path or ("", "", "")
    return entry.level, (path[0], path[1] or "", path[2] or ""), entry.short


@lru_cache(maxsize=4)
def load_index(folder: Path | None = None) -> DivisionIndex:
    """Build the token index from the dataset (≈30 ms, once per process)."""
    folder = folder or divisions_dir()
    b = _Builder()
    provinces = {r["code"]: r["name"] for r in _read_csv(folder, "provinces.csv")}
    provinces.update(SAR_AND_TAIWAN)
    code_paths: dict[str, DivPath] = {}
    for code, name in provinces.items():
        path: DivPath = (name, name if code in MUNICIPALITY_CODES else None, None)
        code_paths[code] = path
        b.add(name, path, 1, PROVINCE_SUFFIXES)
        for alias in SAR_ALIASES.get(code, ()):
            b.tokens[alias].add(Entry(path, 1, False))
    cities: dict[str, tuple[str, str | None]] = {}  # code -> (province, city or None=direct)
    for r in _read_csv(folder, "cities.csv"):
        prov = provinces[r["provinceCode"]]
        if r["name"] in ("市辖区", "县"):
            cities[r["code"]] = (prov, prov)
        elif "直辖" in r["name"]:
            cities[r["code"]] = (prov, None)  # its counties are city-level themselves
        else:
            cities[r["code"]] = (prov, r["name"])
            code_paths[r["code"]] = (prov, r["name"], None)
            b.add(r["name"], (prov, r["name"], None), 2, CITY_SUFFIXES)
    for r in _read_csv(folder, "areas.csv"):
        prov, city = cities[r["cityCode"]]
        if city is None:
            code_paths[r["code"]] = (prov, r["name"], None)
            b.add(r["name"], (prov, r["name"], None), 2, DISTRICT_SUFFIXES)
        elif r["name"] != city:  # 东莞市/中山市 list themselves as their own "area"
            code_paths[r["code"]] = (prov, city, r["name"])
            b.add(r["name"], (prov, city, r["name"]), 3, DISTRICT_SUFFIXES)
    _add_sar_cities(folder, b, provinces)
    for r in _read_csv(folder, "aliases.csv"):
        level = 3 if r["district"] else 2
        path = (r["province"], r["city"], r["district"] or None)
        b.tokens[r["alias"]].add(Entry(path, level, False))
    for token in NEUTRAL_TOKENS:
        b.tokens[token].add(Entry(None, 0, False))
    for r in _read_csv(folder, "pinyin.csv"):
        path = code_paths.get(r["code"])
        if path is None:
            continue
        level = 3 if path[2] else (1 if len(r["code"]) == 2 else 2)
        target = b.pinyin_districts if level == 3 else b.pinyin
        for spelling in r["pinyin"].split("|"):
            target[spelling.replace(" ", "")].add(Entry(path, level, False))
    area_paths = {code: path for code, path in code_paths.items() if path[2] is not None}
    traditional = {
        ord(r["traditional"]): r["simplified"] for r in _read_csv(folder, "traditional.csv")
    }
    return b.freeze(source=_source_line(folder), area_paths=area_paths, traditional=traditional)


def _add_sar_cities(folder: Path, b: _Builder, provinces: dict[str, str]) -> None:
    """Taiwan's cities (台北市 …) as city-level tokens: recognised, never priority."""
    try:
        data = json.loads((folder / "HK-MO-TW.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for city in data.get(provinces["71"], []):
        b.add(city, (provinces["71"], city, None), 2, ())


def _source_line(folder: Path) -> str:
    try:
        return (folder / "SOURCE.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    except (OSError, IndexError):
        return "unknown"
