"""`packstation export-shipped [--since ISO] [--format taobao|jd|pdd|csv] --out FILE`.

Says how many orders went into the file and names the packed orders left out, with why.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.cli.common import add_db_option, database, parse_since
from packstation.importers.export import EXPORT_FORMATS, write_shipped
from packstation.services.shipped import (
    INTERCEPTED,
    NO_WAYBILL,
    OTHER_PLATFORM,
    LeftOut,
    shipped_export,
)

NAMED_AT_MOST = 50  # order numbers listed per reason; the rest are counted


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export-shipped", help="导出已发货运单号 / export waybill numbers for batch shipping"
    )
    parser.add_argument("--since", help="only orders packed since this ISO time")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    parser.add_argument("--out", required=True, type=Path, help="FILE.csv or FILE.xlsx")
    add_db_option(parser)
    parser.set_defaults(func=_export)


_WHY = {
    INTERCEPTED: (
        "被拦截，需主管放行（packstation order release）",
        "intercepted: a supervisor must release them (packstation order release)",
    ),
    NO_WAYBILL: (
        "无快递运单号，请补录（packstation order waybill）",
        "no carrier waybill number: attach one (packstation order waybill)",
    ),
}


def _export(args: argparse.Namespace) -> int:
    export = shipped_export(database(args), args.format, parse_since(args.since))
    result = write_shipped(export.rows, args.format, args.out)
    print(f"已写入 {result.written} 个订单 / {result.written} orders written to {args.out}")
    for reason, (zh, en) in _WHY.items():
        left = export.left_out_for(reason)
        if left:
            print(f"未导出 {len(left)} 个{zh} / {len(left)} left out, {en}: {_names(left)}")
    others = len(export.left_out_for(OTHER_PLATFORM))
    if others:
        print(
            f"其他平台的订单 {others} 个（用对应平台的格式导出） / "
            f"{others} orders of other platforms (export them in their platform's format)"
        )
    return 0


def _names(left: list[LeftOut]) -> str:
    shown = [f"{o.order_no} ({o.detail})" if o.detail else o.order_no for o in left]
    more = len(shown) - NAMED_AT_MOST
    return ", ".join(shown[:NAMED_AT_MOST]) + (f" … +{more}" if more > 0 else "")
