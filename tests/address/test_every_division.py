"""Every county-level division of the bundled dataset, written as exports write it, comes
back as itself: a check over ~2,800 divisions that no hand-written table can give."""

from __future__ import annotations

import csv
from pathlib import Path

from packstation.address import classify
from packstation.address.divisions import (
    CITY_SUFFIXES,
    DISTRICT_SUFFIXES,
    PROVINCE_SUFFIXES,
    divisions_dir,
    short_name,
)


def _divisions() -> list[tuple[str, str, str]]:
    """(province, city, county) for every county-level division; city is the county itself
    for counties a province governs directly (仙桃市)."""
    folder: Path = divisions_dir()
    with (folder / "provinces.csv").open(encoding="utf-8") as fh:
        provinces = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    with (folder / "cities.csv").open(encoding="utf-8") as fh:
        cities = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    out = []
    with (folder / "areas.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            province, city = provinces[r["provinceCode"]], cities[r["cityCode"]]
            if city in ("市辖区", "县"):
                city = province
            elif "直辖" in city:
                city = r["name"]
            out.append((province, city, r["name"]))
    return out


DIVISIONS = _divisions()


def test_the_dataset_has_every_county_level_division() -> None:
    assert len(DIVISIONS) > 2_900
    assert ("浙江省", "杭州市", "临平区") in DIVISIONS
    assert ("浙江省", "杭州市", "钱塘区") in DIVISIONS


def test_full_names_in_three_export_forms_give_back_city_and_district() -> None:
    wrong = []
    for province, city, county in DIVISIONS:
        for text in (f"{province} {city} {county} 某路1号", f"{province}{city}{county}某路1号",
                     f"{city}{county} ***"):
            r = classify(text)
            district = None if county == city else county
            if (r.province, r.city, r.district) != (province, city, district):
                wrong.append((text, r))
    assert wrong == []


def test_short_names_give_back_the_city() -> None:
    wrong = []
    for province, city, county in DIVISIONS:
        if county == city:
            continue
        p = short_name(province, PROVINCE_SUFFIXES) or province
        c = short_name(city, CITY_SUFFIXES) or city
        forms = [f"{p}{c}{county}某路1号", f"{p} {c} {county} ***", f"{c}{county}"]
        d = short_name(county, DISTRICT_SUFFIXES)
        if d:
            forms.append(f"{c} {d} 某路")
        wrong += [(text, r) for text in forms if (r := classify(text)).city != city]
    assert wrong == []
