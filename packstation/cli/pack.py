"""`packstation pack ORDER_OR_CODE --scan CODE ...`: the bench flow, scripted.

Each --scan is a deliberate scan (no bounce window). The scans go through the same
service as the bench's scanner, in order, and each is committed before the next. A
script packs one order per call: a --scan after its box completed is an extra unit of
that box (take it out), never the start of the next order. The command only reports what
this call did: an order packed before, or open at another bench, is an error (exit 1),
and the print job it shows is the one its own completion queued.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from packstation.bootstrap import Database, print_worker
from packstation.cli.common import add_db_option, database, print_json
from packstation.cli.print_text import job_error_text
from packstation.domain.sessions import SessionState
from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.messages import verdict_text
from packstation.services.boxes import ScanResult
from packstation.services.order_view import order_view
from packstation.services.packing import PackingStation, StationSettings
from packstation.services.printing import JobOutcome


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
        help="print the waybill on this printer when the box completes (mock, "
        "tcp:HOST:PORT, usb:VID:PID, …); without it the label waits in the print queue",
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
    results = _scan_all(station, args.scan, opened)
    station.close()
    own = ([opened] if opened else []) + results
    job_id = next((r.print_job_id for r in own if r.print_job_id is not None), None)
    printed = _print_own_job(db, job_id, args) if job_id is not None and args.printer else None
    document = _document(db, order_no, opened, results, job_id)
    if args.json:
        print_json(document)
    else:
        for result in own:
            print(f"{result.verdict.value:<22} {result.code:<20} {_text(result, args, printed)}")
        print(f"订单 / order {document['order_no']}: {document['state']}")
    return _exit_code(results, printed)


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
    if opened.verdict is Verdict.ALREADY_PACKED:
        raise UserError(
            f"订单 {opened.order_no} 已打包，请勿重复发货",
            f"order {opened.order_no} is already packed: do not ship it twice",
        )


def _scan_all(
    station: PackingStation, codes: list[str], opened: ScanResult | None
) -> list[ScanResult]:
    """Each code through the bench's service until the box completes; what follows is
    judged against the completed box (an extra unit to take out), not stored."""
    results: list[ScanResult] = []
    completed = opened.box if opened and opened.verdict is Verdict.ORDER_COMPLETE else None
    for code in codes:
        if completed is None:
            result = station.scan(code, live=False)
            if result.verdict is Verdict.ORDER_COMPLETE:
                completed = result.box
        else:
            result = station.judge_extra(completed, code)
        results.append(result)
    return results


def _print_own_job(db: Database, job_id: int, args: argparse.Namespace) -> JobOutcome | None:
    """Print the label this call's completion queued, on `--printer`, now.

    Until the print service offers `print_now(db, job_id, printer_spec)`, a print worker
    for this bench sends just this job. None when another worker took it meanwhile.
    """
    worker = print_worker(db, bench=args.bench, default_spec=args.printer)
    job = next((j for j in worker.due_jobs() if j.id == job_id), None)
    return worker.process(job) if job is not None else None


def _text(result: ScanResult, args: argparse.Namespace, printed: JobOutcome | None) -> str:
    """The verdict's words; a completed box says what really happened to its label."""
    if result.verdict is not Verdict.ORDER_COMPLETE:
        return f"{verdict_text(result.verdict)} / {verdict_text(result.verdict, 'en')}"
    if args.pre_printed:
        return "订单完成（预打面单，不再打印） / order complete (pre-printed waybill)"
    if printed is None and args.printer:
        return "订单完成，面单在打印队列中 / order complete: the label is in the print queue"
    if printed is None:
        return (
            "订单完成，面单已加入打印队列（由 packstation print-queue 打印） / order complete: "
            "label queued for the print queue (packstation print-queue prints it)"
        )
    if printed.state == "printed":
        return f"订单完成，面单已打印 / order complete: label printed on {printed.printer_spec}"
    zh, en = _failure_text(printed)
    return f"订单完成，面单未打印：{zh} / order complete, label NOT printed: {en}"


def _failure_text(printed: JobOutcome) -> tuple[str, str]:
    """Why the label did not print, in both languages (the job's error code)."""
    return job_error_text(printed.error) if printed.error is not None else ("", "")


def _exit_code(results: list[ScanResult], printed: JobOutcome | None) -> int:
    """1 when a supervisor moved the box away mid-way or the label failed to print."""
    if any(r.verdict is Verdict.IN_PROGRESS_ELSEWHERE for r in results):
        print(
            "packstation: 此订单已被转到其他工位 / this order was moved to another bench",
            file=sys.stderr,
        )
        return 1
    if printed is not None and printed.state != "printed":
        zh, en = _failure_text(printed)
        print(
            f"packstation: 面单未打印，任务仍在队列中：{zh} / the label did not print "
            f"and stays queued: {en}",
            file=sys.stderr,
        )
        return 1
    return 0


def _document(
    db: Database,
    order_no: str | None,
    opened: ScanResult | None,
    results: list[ScanResult],
    job_id: int | None,
) -> dict[str, Any]:
    """The contract's document, from this call's own session and print job only."""
    own_session = next((r.box.session_id for r in reversed(results) if r.box), None)
    if own_session is None and opened is not None and opened.box is not None:
        own_session = opened.box.session_id
    view = (
        order_view(db, order_no, session_id=own_session, print_job_id=job_id)
        if order_no is not None
        else None
    )
    job = view.print_job if view is not None else None
    return {
        "order_no": order_no,
        "state": view.state if view is not None else SessionState.OPEN.value,
        "opening": opened.verdict.value if opened is not None else None,
        "priority": view.priority if view is not None else None,
        "verdicts": [r.verdict.value for r in results],
        "print_job": None
        if job is None
        else {
            "id": job.id,
            "state": job.state,
            "reason": job.reason,
            "printer": job.printer_spec,
            "idempotency_key": job.idempotency_key,
        },
    }
