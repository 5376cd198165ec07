"""Clues besides division names: postcodes, well-known landmarks, names many cities share.

All three are small tables in `assets/places/` (see SOURCE.md there), read once:
- a six-digit postcode settles a city where one of the five cities' ranges holds it, and
  its first two digits (the postal province) name a province;
- a landmark that exists in one place only (798艺术区, 长风公园, 黄龙体育中心) settles a
  same-name district or a missing city;
- a shared name (和平路, 吾悦广场, 保税区) settles nothing; it only says why a person must look.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from packstation.address.divisions import DivPath
from packstation.assets import assets_dir

City = tuple[str, str | None]  # (province, city or None when only the province is known)

# Six digits standing alone: not part of a longer number or a code, and not a room or
# house number (…号, …室); and where postcodes are written: after 邮编, or at either end.
_POSTCODE = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})(?![0-9A-Za-z]| ?[号室栋幢楼弄单层])")
_LABELS = ("邮编", "邮政编码", "postcode", "zip", "Postcode", "ZIP", "Zip")


@dataclass(frozen=True, slots=True, eq=False)
class Clues:
    ranges: tuple[tuple[int, int, City], ...]  # postcode ranges of the five cities
    postal_provinces: dict[str, str]  # first two digits → province
    landmarks: dict[str, DivPath]
    landmark_re: re.Pattern[str]  # any landmark name, longest first
    shared_re: re.Pattern[str]  # any name many cities have, longest first


def places_dir() -> Path:
    """$PACKSTATION_PLACES_DIR, else the bundled `assets/places`."""
    override = os.environ.get("PACKSTATION_PLACES_DIR")
    return Path(override) if override else assets_dir() / "places"


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    try:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError:
        return []  # a missing clue table only means fewer clues, never a wrong answer


@lru_cache(maxsize=4)
def load_clues(folder: Path | None = None) -> Clues:
    folder = folder or places_dir()
    ranges = tuple((int(r["first"]), int(r["last"]), (r["province"], r["city"] or None))
                   for r in _rows(folder, "postcodes.csv"))
    provinces = {r["prefix"]: r["province"] for r in _rows(folder, "postcode_provinces.csv")}
    landmarks = {r["name"]: (r["province"], r["city"] or None, r["district"] or None)
                 for r in _rows(folder, "landmarks.csv")}
    shared = [r["name"] for r in _rows(folder, "shared_names.csv")]
    return Clues(ranges, provinces, landmarks, _any_of(landmarks), _any_of(shared))


def _any_of(names: Iterable[str]) -> re.Pattern[str]:
    """One pattern for many names (a C-speed scan instead of a Python loop of `in`)."""
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)) if ordered else "(?!)")


def postcode_places(text: str) -> list[City]:
    """The place each postcode in `text` names: a priority city where a range holds it,
    else its postal province; digits that cannot be a postcode are left out."""
    clues = load_clues()
    found: list[City] = []
    for match in _POSTCODE.finditer(text):
        if not (match.start() == 0 or match.end() == len(text)
                or text[:match.start()].rstrip().endswith(_LABELS)):
            continue
        code = int(match.group(1))
        place = next((c for lo, hi, c in clues.ranges if lo <= code <= hi), None)
        if place is None:
            province = clues.postal_provinces.get(match.group(1)[:2])
            place = (province, None) if province else None
        if place is not None and place not in found:
            found.append(place)
    return found


def landmark_in(text: str) -> tuple[str, DivPath] | None:
    """The first known single-place landmark named in `text`, with its division path."""
    clues = load_clues()
    found = clues.landmark_re.search(text)
    return (found.group(), clues.landmarks[found.group()]) if found else None


def shared_name_in(text: str) -> str | None:
    """A street, square, mall chain or zone name that many cities have, if `text` has one."""
    found = load_clues().shared_re.search(text)
    return found.group() if found else None
