"""`packstation staffing --cutoff HH:MM [--json]`: backlog, pace and benches needed."""

from __future__ import annotations

import argparse
from datetime import datetime, time
from typing import Any

from packstation.cli.common import add_db_option, database, print_json
from packstation.domain.staffing import Clearance, StaffingEstimate, StaffingWarning
from packstation.errors import UserError
from packstation.services.staffing import staffing_estimate

_WARNINGS = {
    StaffingWarning.PRIORITY_MISSES_CUTOFF: (
        "警告：按当前速度，优先订单在截单前发不完", "priority orders will miss the cutoff"),
    StaffingWarning.BACKLOG_MISSES_CUTOFF: (
        "按当前速度，全部订单在截单前发不完", "the whole backlog will miss the cutoff"),
    StaffingWarning.NO_PACE: (
        "最近一小时没有工作台完成订单，无法估算速度", "no bench completed an order in the last "
        "hour: no pace to estimate from"),
    StaffingWarning.CUTOFF_PASSED: ("截单时间已过", "the cutoff has passed"),
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "staffing",
        help="人手估算 / when the backlog clears and how many benches meet the cutoff",
    )
    parser.add_argument("--cutoff", required=True, help="cutoff clock time HH:MM (local)")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add_db_option(parser)
    parser.set_defaults(func=_staffing)


def parse_cutoff(value: str) -> time:
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"截单时间格式无效：{value}（例如 16:00）", f"invalid cutoff: {value} (e.g. 16:00)"
        ) from None
    return parsed.replace(second=0, microsecond=0)


def _staffing(args: argparse.Namespace) -> int:
    result = staffing_estimate(database(args), parse_cutoff(args.cutoff))
    if args.json:
        print_json(as_json(result))
    else:
        _show(result)
    return 0


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None


def _clearance(c: Clearance) -> dict[str, Any]:
    return {"orders": c.orders, "clears_at": _iso(c.clears_at),
            "benches_needed": c.benches_needed, "meets_cutoff": c.meets_cutoff}


def as_json(r: StaffingEstimate) -> dict[str, Any]:
    return {
        "now": _iso(r.now), "cutoff": _iso(r.cutoff),
        "orders_waiting": r.backlog.waiting, "priority_waiting": r.backlog.priority,
        "priority_by_city": dict(r.backlog.priority_by_city),
        "packed_last_hour": r.pace.orders_packed, "active_benches": r.pace.active_benches,
        "pace_per_bench_per_hour": round(float(r.pace.per_bench_per_hour), 2),
        "all": _clearance(r.all_orders), "priority": _clearance(r.priority_orders),
        "warnings": [str(w) for w in r.warnings],
    }


def _hm(when: datetime | None) -> str:
    return when.strftime("%m-%d %H:%M") if when else "—"


def _show(r: StaffingEstimate) -> None:
    print(f"截单 cutoff {_hm(r.cutoff)}   现在 now {_hm(r.now)}")
    print(f"待打包 waiting {r.backlog.waiting}   优先 priority {r.backlog.priority} "
          + " ".join(f"{k}:{v}" for k, v in r.backlog.priority_by_city.items()))
    print(f"最近一小时 last hour: {r.pace.orders_packed} 单 / {r.pace.active_benches} 个工作台 "
          f"benches = {float(r.pace.per_bench_per_hour):.1f} 单/台/时 per bench-hour")
    for name, c in (("全部 all", r.all_orders), ("优先 priority", r.priority_orders)):
        need = "—" if c.benches_needed is None else str(c.benches_needed)
        print(f"{name:<14} 完成于 clears {_hm(c.clears_at)}   需要工作台 benches needed {need}")
    for w in r.warnings:
        zh, en = _WARNINGS[w]
        print(f"{zh} / {en}")
