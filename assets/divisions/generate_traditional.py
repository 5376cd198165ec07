"""Regenerate traditional.csv: traditional → simplified characters for division names.

Why: customers in Hong Kong and Taiwan (and some shop systems) write 廣東省深圳市南山區.
Only characters that occur in simplified division or town names are mapped, and never
a traditional form that is itself used in a simplified name, so a correct simplified
address is never changed. Run by hand; needs `opencc-python-reimplemented` (OpenCC's
dictionaries, Apache-2.0; not a runtime dependency).
Usage: python assets/divisions/generate_traditional.py  (writes traditional.csv here)
"""

from __future__ import annotations

import csv
from pathlib import Path

from opencc import OpenCC

HERE = Path(__file__).resolve().parent
EXTRA = "省市区县镇乡街道路号楼室特别行政"  # address words around the names


def main() -> None:
    chars: set[str] = set(EXTRA)
    for fname in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        with (HERE / fname).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                chars.update(row["name"])
    pairs: dict[str, str] = {}
    converters = [OpenCC(config) for config in ("s2t", "s2tw", "s2hk")]
    for simp in sorted(chars):
        for converter in converters:
            trad = converter.convert(simp)
            if len(trad) == 1 and trad != simp and trad not in chars:
                pairs.setdefault(trad, simp)
    with (HERE / "traditional.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["traditional", "simplified"])
        writer.writerows(sorted(pairs.items()))


if __name__ == "__main__":
    main()
