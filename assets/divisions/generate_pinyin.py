"""Regenerate pinyin.csv from provinces/cities/areas.csv (run by hand; needs `pypinyin`).

Why: exports from cross-border shops write `Shanghai` or `Hangzhou, Zhejiang`; the
classifier matches those against the toneless pinyin of each division's short name.
The result is checked in, so pypinyin is not a runtime dependency.
Usage: python assets/divisions/generate_pinyin.py  (writes pinyin.csv beside this file)
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).resolve().parent
# Official romanisations that differ from plain toneless pinyin, and English names.
OVERRIDES = {
    "61": "shaanxi",
    "15": "neimenggu|inner mongolia",
    "54": "xizang|tibet",
    "81": "hong kong|hongkong|xianggang",
    "82": "macau|macao|aomen",
    "71": "taiwan",
}
# Characters whose reading in place names differs from pypinyin's guess (长宁 Changning,
# 朝阳 Chaoyang, 长治 Changzhi).
PLACE_READINGS = {"长": "chang", "朝": "chao"}
SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市",
            "地区", "盟", "自治州", "自治县", "自治旗", "新区", "区", "县", "旗")
ETHNIC = re.compile(r"(.{2,}?)(?:[^族]{1,8}族)+自治[州县旗]$")


def short(name: str) -> str:
    """Short form used for pinyin: 延边朝鲜族自治州 -> 延边, 杭州市 -> 杭州."""
    m = ETHNIC.match(name)
    if m:
        return m.group(1)
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def spell(name: str) -> str:
    """Toneless pinyin, with place-name readings for the usual heteronyms."""
    syllables = lazy_pinyin(name, style=Style.NORMAL)
    if len(syllables) == len(name):
        syllables = [PLACE_READINGS.get(ch, syl) for ch, syl in zip(name, syllables, strict=True)]
    return "".join(syllables)


def main() -> None:
    rows: list[tuple[str, str]] = []
    for fname in ("provinces.csv", "cities.csv", "areas.csv"):
        with (HERE / fname).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code, name = row["code"], row["name"]
                if "直辖" in name or name in ("市辖区", "县"):
                    continue
                rows.append((code, OVERRIDES.get(code) or spell(short(name))))
    rows += [(code, value) for code, value in OVERRIDES.items() if code in ("71", "81", "82")]
    with (HERE / "pinyin.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "pinyin"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
