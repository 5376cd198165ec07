"""`packstation order release|waybill`: a supervisor's changes to one order.

    packstation order release ORDER --reason TEXT --supervisor NAME [--pin PIN]
    packstation order waybill ORDER WAYBILL_NO --carrier CODE [--by NAME]
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from packstation.cli.common import add_db_option, database, supervisor_pin
from packstation.services.orders import attach_waybill, release_order


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("order", help="订单处理 / release or complete one order")
    actions = parser.add_subparsers(
        dest="order_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    release = actions.add_parser(
        "release",
        help="主管放行被拦截的订单 / supervisor: release an intercepted order",
    )
    release.add_argument("order", metavar="ORDER")
    release.add_argument("--reason", required=True, help="why it may ship (audited)")
    release.add_argument("--supervisor", required=True, metavar="NAME")
    release.add_argument("--pin", help="the supervisor's PIN (asked when omitted)")
    release.add_argument("--bench", help="the bench this is done at, for the audit log")
    add_db_option(release)
    release.set_defaults(func=_release)

    waybill = actions.add_parser(
        "waybill",
        help="为已打包订单补录快递运单号 / attach the carrier's waybill number to a packed order",
    )
    waybill.add_argument("order", metavar="ORDER")
    waybill.add_argument("waybill_no", metavar="WAYBILL_NO")
    waybill.add_argument("--carrier", required=True, metavar="CODE", help="SF, YTO, ZTO, …")
    waybill.add_argument("--by", metavar="NAME", help="who attaches it (default: login name)")
    waybill.add_argument("--bench", help="the bench this is done at, for the audit log")
    add_db_option(waybill)
    waybill.set_defaults(func=_waybill)


def _release(args: argparse.Namespace) -> int:
    released = release_order(
        database(args),
        args.order,
        args.reason,
        args.supervisor,
        supervisor_pin(args.pin),
        bench=args.bench,
    )
    if released.status == "paid":
        zh, en = "可以重新打包", "it can be packed again"
    else:
        zh, en = "可以导出发货；如地址已改，请重打面单", (
            "it can be exported; if its address changed, reprint its label"
        )
    print(f"已放行订单 {released.order_no}，{zh} / order {released.order_no} released: {en}")
    if released.jobs_requeued:
        print(
            f"{released.jobs_requeued} 张被拦截的面单已重新排队 / "
            f"{released.jobs_requeued} held label(s) queued again"
        )
    return 0


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        return "cli"


def _waybill(args: argparse.Namespace) -> int:
    attached = attach_waybill(
        database(args),
        args.order,
        args.waybill_no,
        args.carrier,
        actor=args.by or _login_name(),
        bench=args.bench,
    )
    state = "" if attached.changed else "（原已如此 / already so）"
    print(
        f"订单 {attached.order_no} 运单号 {attached.carrier} {attached.waybill_no}{state} / "
        f"order {attached.order_no} waybill {attached.carrier} {attached.waybill_no}"
    )
    return 0
