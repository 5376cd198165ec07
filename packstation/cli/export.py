"""`packstation export-shipped [--since ISO] [--format taobao|jd|pdd|csv] --out FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.cli.common import add_db_option, database, parse_since
from packstation.importers.export import EXPORT_FORMATS, write_shipped
from packstation.services.shipped import shipped_rows


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export-shipped", help="导出已发货运单号 / export waybill numbers for batch shipping"
    )
    parser.add_argument("--since", help="only orders packed since this ISO time")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    parser.add_argument("--out", required=True, type=Path, help="FILE.csv or FILE.xlsx")
    add_db_option(parser)
    parser.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    rows = shipped_rows(database(args), parse_since(args.since))
    result = write_shipped(rows, args.format, args.out)
    print(
        f"已写入 {result.written} 个订单 / {result.written} orders written to {args.out}"
        f"（跳过其他平台 / other platforms skipped: {result.skipped_other_platform}，"
        f"无运单号 / without waybill: {result.skipped_no_waybill}）"
    )
    return 0
