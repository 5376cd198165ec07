"""`packstation pack ORDER_OR_CODE --scan CODE ...`: the bench flow, scripted.

Each --scan is a deliberate scan (no bounce window). The scans go through the same
service as the bench's scanner, in order, and each is committed before the next.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from packstation.cli.common import add_db_option, database, print_json
from packstation.domain.orders import DONE_STATUSES, stop_reason
from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.messages import verdict_text
from packstation.services.boxes import ScanResult
from packstation.services.packing import PackingStation, StationSettings
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession, PrintJob


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pack", help="打包一个订单 / pack one order from the command line"
    )
    parser.add_argument(
        "order",
        metavar="ORDER_OR_CODE",
        help="order number, platform order number or waybill number",
    )
    parser.add_argument(
        "--scan",
        action="append",
        default=[],
        metavar="CODE",
        help="a scanned code; repeat for each unit",
    )
    parser.add_argument("--bench", default="cli", help="bench name (default: cli)")
    parser.add_argument("--packer", default="", help="packer name, for the scan log")
    parser.add_argument(
        "--printer",
        default=None,
        metavar="SPEC",
        help="printer for the waybill (mock, tcp:HOST:PORT, usb:VID:PID, …)",
    )
    parser.add_argument(
        "--single-item-wave",
        action="store_true",
        help="a product code opens the oldest packable order of just that product",
    )
    parser.add_argument(
        "--pre-printed",
        action="store_true",
        help="the waybill was printed before picking: completing the box prints nothing",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add_db_option(parser)
    parser.set_defaults(func=_pack)


def _pack(args: argparse.Namespace) -> int:
    db = database(args)
    station = PackingStation(
        db,
        StationSettings(
            bench=args.bench,
            packer=args.packer,
            printer_spec=args.printer,
            print_on_completion=not args.pre_printed,
            single_item_wave=args.single_item_wave,
        ),
    )
    resumed = station.resume()
    if resumed is not None:
        if args.order not in (resumed.order_no, resumed.waybill_no):
            raise UserError(
                f"工位 {args.bench} 正在打包订单 {resumed.order_no}，请先完成",
                f"bench {args.bench} has order {resumed.order_no} open: finish it first",
            )
        opened = None
        order_no = resumed.order_no
    else:
        opened = station.scan(args.order, live=False)
        _refuse_unopenable(opened, args.order)
        order_no = opened.order_no
    results = [station.scan(code, live=False) for code in args.scan]
    document = _document(db, order_no, results)
    if args.json:
        print_json(document)
    else:
        for result in ([opened] if opened else []) + results:
            print(
                f"{result.verdict.value:<22} {result.code:<20} {verdict_text(result.verdict)}"
                f" / {verdict_text(result.verdict, 'en')}"
            )
        print(f"订单 / order {document['order_no']}: {document['state']}")
    return 0


def _refuse_unopenable(opened: ScanResult, code: str) -> None:
    """Problems the script's author must fix come out as errors, not as a document."""
    if opened.verdict is Verdict.NOT_FOUND:
        raise UserError(f"找不到订单：{code}", f"order not found: {code}")
    if opened.verdict is Verdict.IN_PROGRESS_ELSEWHERE:
        raise UserError(
            f"订单 {opened.order_no} 正在工位 {opened.other_bench} 打包，需主管接管",
            f"order {opened.order_no} is open at bench {opened.other_bench}; "
            "a supervisor can take it over",
        )


def _document(db: Database, order_no: str | None, results: list[ScanResult]) -> dict[str, Any]:
    with db.session() as session:
        order = session.scalar(select(Order).where(Order.order_no == order_no))
        last = (
            session.scalar(
                select(PackSession)
                .where(PackSession.order_id == order.id)
                .order_by(PackSession.id.desc())
                .limit(1)
            )
            if order
            else None
        )
        job = (
            session.scalar(
                select(PrintJob).where(PrintJob.session_id == last.id).order_by(PrintJob.id)
            )
            if last
            else None
        )
        state = _state(order, last.state if last else None)
        print_job = (
            None
            if job is None
            else {
                "id": job.id,
                "state": job.state,
                "reason": job.reason,
                "printer": job.printer_spec,
                "idempotency_key": job.idempotency_key,
            }
        )
    return {
        "order_no": order_no,
        "state": state,
        "verdicts": [r.verdict.value for r in results],
        "print_job": print_job,
    }


def _state(order: Order | None, session_state: str | None) -> str:
    if order is not None and stop_reason(order.status, order.intercept_reason):
        return "intercepted"
    if session_state in ("open", "completed", "intercepted", "cancelled"):
        return session_state
    return "completed" if order is not None and order.status in DONE_STATUSES else "open"
