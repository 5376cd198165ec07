"""Regenerate the label screenshots in docs/labels/ (priority and plain, every size, 203 dpi).

    python docs/labels/make_screens.py [--dpi 203] [--out docs/labels]

The PNGs are the exact 1-bit bitmaps the printer gets; look at them after layout changes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from packstation.labels import LABEL_SIZES, render_waybill
from packstation.labels.sample import PLAIN_SAMPLE, PRIORITY_SAMPLE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=203)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in LABEL_SIZES:
        for kind, data in (("priority", PRIORITY_SAMPLE), ("plain", PLAIN_SAMPLE)):
            label = render_waybill(data, size=size, dpi=args.dpi)
            path = args.out / f"waybill_{size}_{kind}_{args.dpi}dpi.png"
            label.image.save(path, optimize=True)
            print(path, label.image.size, "red rows", label.red_bands)


if __name__ == "__main__":
    main()
