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
from packstation.cli.lang import langs
from packstation.cli.notices import Notice
from packstation.errors import ErrorCode, UserError
from packstation.i18n import Lang, translate_all


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "address", help="地址优先级判定 / classify addresses for priority (2-day) cities")
    parser.add_argument("addresses", nargs="*", metavar="ADDRESS", help="收货地址 / address")
    parser.add_argument("--csv", metavar="FILE",
                        help="CSV (UTF-8 or GBK) with an 'address' column; '-' reads stdin")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per address (JSON Lines)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.addresses and not args.csv:
        raise UserError(ErrorCode.NO_ADDRESS_GIVEN)
    rows: list[Iterator[tuple[str, str, str, str]]] = [iter((a, "", "", "") for a in
                                                            args.addresses)]
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
                out.write(_human(address, result, langs(args)) + "\n")
    return 0


def _human(address: str, r: AddressResult, langs: tuple[Lang, ...]) -> str:
    place = " ".join(x for x in (r.province, r.city, r.district) if x)
    place = place or translate_all(Notice.PLACE_UNKNOWN, langs)
    if r.ambiguous:
        options = "、".join(c or p for p, c in r.candidates) or translate_all(
            Notice.PLACE_ANYWHERE, langs
        )
        verdict = translate_all(Notice.DESTINATION_AMBIGUOUS, langs, options=options)
        if r.reason:
            verdict = f"{verdict} ({r.reason})"
    elif r.priority:
        rule = DEFAULT_RULES.by_key(r.priority)
        verdict = translate_all(
            Notice.DESTINATION_PRIORITY, langs, key=r.priority, mark=rule.mark,
            promise=rule.promise) if rule else r.priority
    else:
        verdict = translate_all(Notice.DESTINATION_NOT_PRIORITY, langs)
    return f"{address}\t{place}\t{verdict}"


def _csv_rows(name: str) -> Iterator[tuple[str, str, str, str]]:
    text = _read_text(name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "address" not in fields:
        raise UserError(ErrorCode.NO_ADDRESS_COLUMN, file=name, columns=", ".join(fields) or "—")
    reader.fieldnames = fields

    def rows() -> Iterator[tuple[str, str, str, str]]:
        for row in reader:
            yield (row.get("address") or "", row.get("province") or "", row.get("city") or "",
                   row.get("district") or "")
    return rows()


def _read_text(name: str) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK as Chinese Excel saves it."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(ErrorCode.FILE_UNREADABLE, file=name, reason=reason) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(ErrorCode.FILE_NOT_TEXT, file=name)
