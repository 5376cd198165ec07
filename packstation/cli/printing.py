"""Print commands: `label`, `print-test`, `print-queue`, `print-batch`, `print-job`.

Printers come from `packstation.bootstrap` (the composition root), never from the
printers package directly: the CLI is core.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from packstation.bootstrap import (
    check_printer_spec,
    label_bytes,
    print_worker,
    printer_for,
    printer_profiles,
)
from packstation.cli.common import add_db_option, database, print_json
from packstation.cli.print_text import job_error_text, lamp_text, warning_text
from packstation.errors import UserError
from packstation.labels import LABEL_SIZES, PriorityMark, WaybillData, render_waybill
from packstation.services.print_queue import (
    DEFAULT_BATCH_SORT,
    move_job,
    print_batch,
    reprint,
    void,
)
from packstation.services.print_status import JobView, list_jobs
from packstation.services.printing import JobOutcome, PrintWorker, Waiting
from packstation.services.waybills import waybill_for_order_no

SIZES = tuple(LABEL_SIZES)  # "80": 80 mm continuous receipt paper
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _label_options(
    parser: argparse.ArgumentParser, *, size_default: str | None = "100x150"
) -> None:
    parser.add_argument(
        "--size",
        default=size_default,
        choices=SIZES,
        help="label size, mm" + ("" if size_default else " (default: the bench's, else 100x150)"),
    )
    parser.add_argument("--dpi", type=int, default=203, choices=(203, 300), help="print head dpi")
    parser.add_argument(
        "--profile",
        default=None,
        choices=printer_profiles(),
        help="printer model profile (default: a 4-inch label printer at the chosen dpi)",
    )


def register(subparsers: Any) -> None:
    label = subparsers.add_parser("label", help="生成面单图片或打印数据 / render one waybill")
    label.add_argument("order_no", metavar="ORDER_NO")
    label.add_argument("--out", required=True, metavar="FILE.png|FILE.bin")
    label.add_argument("--bench", default="", help="bench name printed in the footer")
    _label_options(label)
    add_db_option(label)
    label.set_defaults(func=_label)

    test = subparsers.add_parser("print-test", help="打印测试面单 / print a test label")
    test.add_argument("--printer", required=True, metavar="SPEC")
    test.add_argument("--json", action="store_true", help="one JSON document on stdout")
    _label_options(test)
    test.set_defaults(func=_print_test)

    queue = subparsers.add_parser("print-queue", help="运行打印队列 / run the print worker")
    queue.add_argument("--bench", default=None, help="only this bench's jobs (default: all)")
    queue.add_argument("--once", action="store_true", help="one pass, then exit")
    queue.add_argument(
        "--printer",
        default=None,
        metavar="SPEC",
        help="printer for jobs that name none and whose bench has none "
        "(without it such jobs fail visibly instead of going nowhere)",
    )
    queue.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
    queue.add_argument("--json", action="store_true", help="with --once: one JSON document")
    _label_options(queue, size_default=None)
    add_db_option(queue)
    queue.set_defaults(func=_print_queue)

    batch = subparsers.add_parser(
        "print-batch", help="批量预打面单（拣货前） / pre-print waybills in sort order"
    )
    batch.add_argument("order_nos", nargs="*", metavar="ORDER_NO", help="default: all packable")
    batch.add_argument("--carrier")
    batch.add_argument("--city")
    batch.add_argument("--bench", default="batch")
    batch.add_argument("--printer", required=True, metavar="SPEC", help="mock, tcp:HOST:PORT, …")
    batch.add_argument(
        "--sort",
        default=",".join(DEFAULT_BATCH_SORT),
        help="comma-separated: carrier, province, city, district, priority, order_no, imported_at",
    )
    batch.add_argument("--queue-only", action="store_true", help="queue, do not print now")
    batch.add_argument("--json", action="store_true", help="one JSON document on stdout")
    _label_options(batch, size_default=None)
    add_db_option(batch)
    batch.set_defaults(func=_print_batch)

    job = subparsers.add_parser("print-job", help="打印任务：列表/重打/作废/转移 / print jobs")
    actions = job.add_subparsers(
        dest="job_action", metavar="ACTION", required=True, parser_class=type(job)
    )
    listing = actions.add_parser("list", help="pending, sending, failed and held jobs")
    listing.add_argument("--bench", default=None)
    listing.add_argument("--all", action="store_true", help="printed and void jobs too")
    listing.add_argument("--json", action="store_true")
    add_db_option(listing)
    listing.set_defaults(func=_job_list)
    for name, target, helptext in (
        ("reprint", "order_no", "supervisor: print an order's label again"),
        ("void", "job_id", "supervisor: void a label"),
    ):
        sub = actions.add_parser(name, help=helptext)
        sub.add_argument(target, type=int if target == "job_id" else str)
        sub.add_argument("--supervisor", required=True)
        sub.add_argument("--pin", help="read from the terminal (or stdin) when omitted")
        if name == "reprint":
            sub.add_argument("--printer", default=None, metavar="SPEC")
            sub.add_argument("--bench", default=None)
        add_db_option(sub)
        sub.set_defaults(func=_job_reprint if name == "reprint" else _job_void)
    move = actions.add_parser("move", help="supervisor: send a job to another printer")
    move.add_argument("job_id", type=int)
    move.add_argument("--printer", required=True, metavar="SPEC")
    move.add_argument("--supervisor", required=True)
    move.add_argument("--pin", help="read from the terminal (or stdin) when omitted")
    add_db_option(move)
    move.set_defaults(func=_job_move)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def _label(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".bin"):
        raise UserError(
            f"输出文件须为 .png 或 .bin：{out}", f"--out must end in .png or .bin: {out}"
        )
    db = database(args)
    data = waybill_for_order_no(db, args.order_no, bench=args.bench, printed_at=_local_now())
    rendered = render_waybill(data, args.size, args.dpi)
    try:
        if out.suffix.lower() == ".png":
            rendered.image.save(out, dpi=(args.dpi, args.dpi))
            size = out.stat().st_size
        else:
            size = out.write_bytes(
                label_bytes(rendered.image, rendered.red_bands, dpi=args.dpi, profile=args.profile)
            )
    except OSError as exc:
        raise UserError(
            f"无法写入 {out}：{exc.strerror or exc}", f"cannot write {out}: {exc.strerror or exc}"
        ) from exc
    if rendered.missing_glyphs:
        chars = "".join(sorted(rendered.missing_glyphs))
        print(
            f"警告：字体缺少这些字，面单上显示为 □：{chars} / "
            f"warning: the font lacks these characters (printed as □): {chars}",
            file=sys.stderr,
        )
    w, h = rendered.image.size
    print(
        f"面单已保存 / label written: {out} ({w}x{h} dots, {size} bytes, "
        f"waybill {data.waybill_no}{' internal' if data.waybill_is_internal else ''})"
    )
    return 0


def sample_label_data() -> WaybillData:
    """A label that exercises every band: priority block, internal id, CJK text, both codes."""
    now = _local_now()
    return WaybillData(
        carrier="测试 TEST",
        waybill_no=f"TEST{now:%Y%m%d%H%M%S}",
        order_no="PRINT-TEST",
        printed_at=now,
        sort_text="打印测试 PRINT TEST",
        recipient_name="测试员",
        recipient_phone="13800000000",
        recipient_address="打印测试：条码、二维码应一次扫出",
        sender_name="PackStation",
        item_summary="测试面单 / test label ×1",
        remarks="如能看清所有文字与条码，打印机设置正确",
        bench="print-test",
        waybill_is_internal=True,
        priority=PriorityMark("京", "2日达", "北京"),
    )


def _print_test(args: argparse.Namespace) -> int:
    port = printer_for(args.printer, dpi=args.dpi, profile=args.profile)
    try:
        before = port.status()
        data = sample_label_data()
        rendered = render_waybill(data, args.size, args.dpi)
        result = port.print_label(rendered.image, rendered.red_bands, data.waybill_no)
    finally:
        port.close()
    acknowledged = result.outcome == "acknowledged"
    if args.json:
        print_json(
            {
                "printer": args.printer,
                "printed": True,
                "acknowledged": acknowledged,
                "waybill_no": data.waybill_no,
                "status_before": before.lamp.value,
                "status": result.lamp.value,
            }
        )
    else:
        zh, en = lamp_text(result.lamp)
        said = "打印机已确认 / acknowledged" if acknowledged else "打印机未回报 / not confirmed"
        print(f"测试面单已发送 / test label sent: {args.printer} ({data.waybill_no}), {said}")
        print(f"打印机状态 / printer status: {result.lamp.value} — {zh} / {en}")
    return 0


def outcome_line(o: JobOutcome) -> str:
    """One line per attempt: the job, where it went, and why, in both languages."""
    why = ""
    if o.error is not None:
        zh, en = job_error_text(o.error)
        why = f" — {zh} / {en}"
    elif o.warning is not None:
        zh, en = warning_text(o.warning)
        why = f" — {zh} / {en}"
    return (
        f"job {o.job_id} order {o.order_no} → {o.state} on {o.printer_spec} (try {o.attempts}){why}"
    )


def outcome_json(o: JobOutcome) -> dict[str, Any]:
    return {
        "job_id": o.job_id,
        "order_no": o.order_no,
        "state": o.state.value,
        "printer_spec": o.printer_spec,
        "attempts": o.attempts,
        "error_code": o.error.code if o.error else None,
        "error_params": dict(o.error.params) if o.error else None,
        "warning": o.warning.value if o.warning else None,
    }


def _waiting_line(w: Waiting) -> str:
    if not w.failed and not w.held:
        return "没有待打印的任务 / nothing to print"
    parts_zh, parts_en = ["现在没有到期的任务"], ["nothing due now"]
    if w.failed and w.next_retry_at is not None:
        at = w.next_retry_at.astimezone().strftime("%H:%M:%S")
        parts_zh.append(f"{w.failed} 个失败任务等待重试，最早 {at}")
        parts_en.append(f"{w.failed} failed job(s) wait to retry, the first at {at}")
    if w.held:
        parts_zh.append(f"{w.held} 个任务待人工处理（print-job list）")
        parts_en.append(f"{w.held} held for a person (print-job list)")
    return f"{'；'.join(parts_zh)} / {'; '.join(parts_en)}"


def _worker(args: argparse.Namespace, bench: str | None, verbose: bool) -> PrintWorker:
    on_job = (lambda o: print(outcome_line(o), flush=True)) if verbose else None
    return print_worker(
        database(args),
        bench=bench,
        default_spec=args.printer,
        size=args.size,
        dpi=args.dpi,
        profile=args.profile,
        on_job=on_job,
    )


def _print_queue(args: argparse.Namespace) -> int:
    worker = _worker(args, args.bench, verbose=not (args.once and args.json))
    if args.once:
        report = worker.run_once()
        waiting = worker.waiting()
        if args.json:
            print_json(
                {
                    "printed": report.printed,
                    "failed": report.failed,
                    "held": report.held,
                    "jobs": [outcome_json(o) for o in report.outcomes],
                    "waiting": {
                        "failed": waiting.failed,
                        "next_retry_at": waiting.next_retry_at,
                        "held": waiting.held,
                    },
                }
            )
        elif not report.outcomes:
            print(_waiting_line(waiting))
        return 0 if report.failed == 0 and report.held == 0 else 1
    stop = threading.Event()
    print(
        f"打印队列运行中（Ctrl+C 停止） / print worker running (Ctrl+C stops); "
        f"bench {args.bench or 'all'}",
        flush=True,
    )
    # Ctrl+C / SIGTERM finish the label being sent, then stop: an interrupt between
    # claim and mark would leave that job held as "outcome unknown".
    handlers = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    try:
        worker.run_forever(stop, args.interval)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return 0


def _print_batch(args: argparse.Namespace) -> int:
    sort = tuple(s.strip() for s in args.sort.split(",") if s.strip())
    entries = print_batch(
        database(args),
        args.order_nos or None,
        carrier=args.carrier,
        city=args.city,
        bench=args.bench,
        printer_spec=args.printer,
        sort=sort,
    )
    printed = failed = 0
    if entries and not args.queue_only:
        report = _worker(args, args.bench, verbose=not args.json).drain()
        printed, failed = report.printed, report.failed
    if args.json:
        print_json({"queued": [asdict(e) for e in entries], "printed": printed, "failed": failed})
    else:
        print(
            f"已排队 {len(entries)} 张预打面单，已打印 {printed}，失败 {failed} / "
            f"queued {len(entries)} pre-printed waybills, printed {printed}, failed {failed}"
        )
    return 0 if failed == 0 else 1


def _job_json(v: JobView) -> dict[str, Any]:
    return {
        "id": v.job_id,
        "order_no": v.order_no,
        "state": v.state.value,
        "reason": v.reason,
        "bench": v.bench,
        "printer": v.printer_spec,
        "attempts": v.attempts,
        "error_code": v.error.code if v.error else None,
        "error_params": dict(v.error.params) if v.error else None,
        "retry_at": v.retry_at,
    }


def _job_list(args: argparse.Namespace) -> int:
    views = list_jobs(database(args), bench=args.bench, include_done=args.all)
    if args.json:
        print_json({"jobs": [_job_json(v) for v in views]})
        return 0
    for v in views:
        why = ""
        if v.error is not None:
            zh, en = job_error_text(v.error)
            why = f"  {zh} / {en}"
        print(
            f"{v.job_id:>6} {v.order_no:<20} {v.state.value:<8} {v.reason:<10} "
            f"{v.printer_spec or '-'}{why}"
        )
    return 0


def _pin(args: argparse.Namespace) -> str:
    if args.pin is not None:
        return str(args.pin)
    if sys.stdin.isatty():
        return getpass.getpass("主管 PIN / supervisor PIN: ")
    return sys.stdin.readline().strip()


def _job_reprint(args: argparse.Namespace) -> int:
    job_id = reprint(
        database(args),
        args.order_no,
        args.supervisor,
        _pin(args),
        bench=args.bench,
        printer_spec=args.printer,
    )
    print(f"已加入重打任务 {job_id} / reprint queued as job {job_id}")
    return 0


def _job_void(args: argparse.Namespace) -> int:
    void(database(args), args.job_id, args.supervisor, _pin(args))
    print(f"打印任务 {args.job_id} 已作废 / job {args.job_id} voided")
    return 0


def _job_move(args: argparse.Namespace) -> int:
    spec = check_printer_spec(args.printer)
    due = move_job(database(args), args.job_id, spec, args.supervisor, _pin(args))
    print(f"打印任务 {args.job_id} 已转到 {spec} / job moved to {spec}")
    if not due:
        print(
            "该任务结果未知或已拦截，仍需人工处理（重打或作废） / the job stays held: "
            "reprint or void it once the label is checked"
        )
    return 0
