"""`packstation stats [--since ISO] [--json]`."""

from __future__ import annotations

import argparse
from typing import Any

from packstation.cli.common import add_db_option, database, parse_since, print_json
from packstation.services.stats import collect_stats


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("stats", help="统计 / counts of orders, scans, print jobs")
    parser.add_argument("--since", help="only scans since this ISO time")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add_db_option(parser)
    parser.set_defaults(func=_stats)


_LABELS = (
    ("orders_total", "订单总数 / orders"),
    ("orders_packable", "待打包 / packable"),
    ("orders_packed", "已打包 / packed"),
    ("orders_intercepted", "已拦截 / intercepted"),
    ("sessions_open", "打包中 / open sessions"),
    ("scans_total", "扫描次数 / scans"),
    ("print_jobs_pending", "待打印 / print jobs pending"),
)


def _stats(args: argparse.Namespace) -> int:
    result = collect_stats(database(args), parse_since(args.since))
    if args.json:
        print_json(result)
    else:
        for key, label in _LABELS:
            print(f"{label:<32} {result[key]}")
    return 0
