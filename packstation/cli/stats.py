"""`packstation stats [--since ISO] [--json]`: the dashboard's figures as text or JSON."""

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
    ("orders_cancelled", "已取消 / cancelled"),
    ("orders_refunded", "已退款 / refunded"),
    ("sessions_open", "打包中 / open sessions"),
    ("scans_total", "扫描次数 / scans"),
    ("print_jobs_pending", "待打印 / print jobs pending"),
)
_TODAY = (
    ("orders_packed", "今日已打包 / packed today"),
    ("units_packed", "今日件数 / units today"),
    ("orders_this_hour", "本小时已打包 / packed this hour"),
    ("wrong_scans", "今日错扫 / wrong scans today"),
    ("parcels_intercepted", "今日拦截包裹 / parcels stopped today"),
    ("print_jobs_held", "待处理面单 / labels held"),
)


def _stats(args: argparse.Namespace) -> int:
    result = collect_stats(database(args), parse_since(args.since))
    if args.json:
        print_json(result)
        return 0
    for key, label in _LABELS:
        print(f"{label:<32} {result[key]}")
    today = result["today"]
    for key, label in _TODAY:
        print(f"{label:<32} {today[key]}")
    print(f"{'今日错扫率 / wrong-scan rate':<32} {today['wrong_scan_rate']:.2%}")
    for city, waiting in today["priority_waiting"].items():
        print(f"{'优先件待打包 / priority waiting ' + city:<32} {waiting}")
    return 0
