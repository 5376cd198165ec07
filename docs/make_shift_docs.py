"""Renders docs/manifest.png (page 1 of a sample A4 manifest, via pdftoppm) and
docs/sku-labels.png (three SKU labels as they come off the roll).

    .venv/bin/python docs/make_shift_docs.py
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packstation.domain.manifests import ManifestDocument, Parcel, destination_counts
from packstation.labels.manifest_pdf import render_manifest_pdf
from packstation.labels.sku_label import label_sheet, render_sku_label

DOCS = Path(__file__).resolve().parent
MARKS = {"beijing": "京", "shanghai": "沪", "guangzhou": "穗", "shenzhen": "深", "hangzhou": "杭"}
PLACES = (
    ("北京市", "北京市", "beijing", 7), ("上海市", "上海市", "shanghai", 5),
    ("广东省", "深圳市", "shenzhen", 4), ("浙江省", "杭州市", "hangzhou", 3),
    ("四川省", "成都市", None, 6), ("江苏省", "苏州市", None, 5), ("湖北省", "武汉市", None, 3),
)


def sample_manifest() -> ManifestDocument:
    closed = datetime(2026, 11, 11, 10, 30, tzinfo=UTC)
    parcels, n = [], 0
    for province, city, priority, count in PLACES:
        for _ in range(count):
            n += 1
            parcels.append(Parcel(n, f"TB{3_900_000 + n * 37}", f"YT{7_300_000_000_000 + n * 911}",
                                  province, city, priority, closed - timedelta(minutes=n)))
    left_off = (
        Parcel(90, "TB3900370", "YT7300000081990", "上海市", "上海市", "shanghai", None,
               "refunded"),
        Parcel(91, "TB3900407", "YT7300000082901", "四川省", "成都市", None, None,
               "address_changed"),
    )
    return ManifestDocument(
        "MF20261111000003", "YTO", "圆通速递", closed - timedelta(hours=4), None, closed, "王主管",
        tuple(parcels), left_off, destination_counts(parcels, MARKS), MARKS,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "manifest.pdf"
        pdf.write_bytes(render_manifest_pdf(sample_manifest()))
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(pdf), str(DOCS / "manifest")], check=True)
    labels = [
        render_sku_label("SCARF-WOOL-GRY", "羊毛围巾 灰色 长款", "76x130"),
        render_sku_label("TEA-LJ-250", "西湖龙井 明前特级 250克 礼盒装", "76x130"),
        render_sku_label("SOCK-5P", "运动袜 五双装", "76x130"),
    ]
    label_sheet(labels).convert("L").save(DOCS / "sku-labels.png", optimize=True)


if __name__ == "__main__":
    main()
