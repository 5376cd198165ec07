"""`packstation address ADDRESS ... [--csv FILE] [--json]`: priority classification.

Without `--json` it prints one readable line per address; with `--json` (and always for
`--csv`) one JSON object per address, JSON Lines, in the DESIGN.md shape
`{"address","province","city","district","priority","ambiguous"}`. A CSV needs an
`address` column; `province`, `city`, `district` columns are used when present.
Needs no database, so it works on any machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packstation.address import AddressResult, classify
from packstation.address.priority_rules import DEFAULT_RULES
from packstation.errors import UserError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "address", help="地址优先级判定 / classify addresses for priority (2-day) cities"
    )
    parser.add_argument("addresses", nargs="*", metavar="ADDRESS", help="收货地址 / address")
    parser.add_argument(
        "--csv", metavar="FILE", help="CSV (UTF-8 or GBK) with an 'address' column; '-' reads stdin"
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per address (JSON Lines)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.addresses and not args.csv:
        raise UserError(
            "请给出至少一个地址，或用 --csv 指定文件。",
            "Give at least one address, or a file with --csv.",
        )
    rows: list[Iterator[tuple[str, str, str, str]]] = [
        iter((a, "", "", "") for a in args.addresses)
    ]
    if args.csv:
        rows.append(_csv_rows(args.csv))
    as_json = args.json or bool(args.csv)
    out = sys.stdout
    for source in rows:
        for address, province, city, district in source:
            result = classify(address, province, city, district)
            if as_json:
                out.write(json.dumps(result.to_dict(address), ensure_ascii=False) + "\n")
            else:
                out.write(_human(address, result) + "\n")
    return 0


def _human(address: str, r: AddressResult) -> str:
    place = " ".join(x for x in (r.province, r.city, r.district) if x) or "未识别 / unknown"
    if r.ambiguous:
        options = "、".join(c or p for p, c in r.candidates)
        verdict = f"需确认 / ambiguous: {options}"
    elif r.priority:
        rule = DEFAULT_RULES.by_key(r.priority)
        verdict = f"优先 {rule.mark} {rule.promise} / priority {r.priority}" if rule else r.priority
    else:
        verdict = "普通 / not priority"
    return f"{address}\t{place}\t{verdict}"


def _csv_rows(name: str) -> Iterator[tuple[str, str, str, str]]:
    text = _read_text(name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "address" not in fields:
        raise UserError(
            f"{name} 缺少 address 列（现有列：{', '.join(fields) or '无'}）。",
            f"{name} has no 'address' column (columns: {', '.join(fields) or 'none'}).",
        )
    reader.fieldnames = fields

    def rows() -> Iterator[tuple[str, str, str, str]]:
        for row in reader:
            yield (
                row.get("address") or "",
                row.get("province") or "",
                row.get("city") or "",
                row.get("district") or "",
            )

    return rows()


def _read_text(name: str) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK as Chinese Excel saves it."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise UserError(
            f"无法读取文件 {name}：{exc.strerror or exc}",
            f"Cannot read {name}: {exc.strerror or exc}",
        ) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name} 不是 UTF-8 或 GBK 编码的文本。", f"{name} is not UTF-8 or GBK text.")
