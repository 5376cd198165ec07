"""`packstation dashboard [--db URL] [--lang zh|en] [--screenshot PNG] [--wall]`, and the
dashboard's actions without a screen: `override ACTION`, `audit`, `report`."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Any

from packstation.cli.common import add_db_option, database, parse_since
from packstation.errors import UserError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dashboard", help="主管看板 / supervisor dashboard (live figures, overrides, audit)"
    )
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="language")
    parser.add_argument("--screenshot", type=Path, help="save the window as PNG and exit")
    parser.add_argument("--wall", action="store_true", help="wall screen: full screen, no controls")
    parser.add_argument("--size", help="window size WIDTHxHEIGHT (e.g. 1920x1080)")
    add_db_option(parser)
    parser.set_defaults(func=_dashboard)
    register_actions(subparsers)


def _size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UserError(
            f"窗口尺寸无效：{text}（例如 1920x1080）", f"invalid size: {text} (e.g. 1920x1080)"
        ) from None
    return width, height


def _dashboard(args: argparse.Namespace) -> int:
    from packstation.ui.dashboard_window import run_dashboard  # Qt only for this command

    lang = args.lang or getattr(args, "global_lang", None) or "zh"
    return run_dashboard(
        database(args),
        lang=lang,
        wall=args.wall,
        screenshot=args.screenshot,
        size=_size(args.size),
    )


# -- overrides, audit log and reports: the dashboard's actions without a screen ---------

_OVERRIDES: dict[str, tuple[tuple[str, ...], str]] = {
    "force-complete": (("order", "--reason"), "complete an open box as it is, with a reason"),
    "take-over": (("order", "--bench"), "move an order's open box to another bench"),
    "release": (("order", "--reason"), "lift an import's intercept from an order"),
    "move": (("job_id", "--printer"), "send a queued print job to another printer"),
    "bench-printer": (("bench", "--printer"), "set the printer a bench prints on"),
    "backlog-warning": (("minutes",), "minutes a priority order may wait before a warning"),
}


def register_actions(subparsers: Any) -> None:
    override = subparsers.add_parser(
        "override", help="主管操作 / supervisor overrides (need a supervisor's name and PIN)"
    )
    actions = override.add_subparsers(
        dest="override_action", metavar="ACTION", required=True, parser_class=type(override)
    )
    for name, (arguments, helptext) in _OVERRIDES.items():
        sub = actions.add_parser(name, help=helptext)
        for argument in arguments:
            if argument.startswith("--"):
                sub.add_argument(argument, required=True)
            else:
                sub.add_argument(argument)
        sub.add_argument("--supervisor", required=True)
        sub.add_argument("--pin", help="read from the terminal (or stdin) when omitted")
        add_db_option(sub)
        sub.set_defaults(func=_override)

    audit = subparsers.add_parser("audit", help="审计记录 / the audit log (read only)")
    for option in ("--who", "--what", "--bench", "--since", "--until"):
        audit.add_argument(option, default="")
    audit.add_argument("--limit", type=int, default=200)
    audit.add_argument("--csv", type=Path, help="write the records to this CSV file")
    add_db_option(audit)
    audit.set_defaults(func=_audit)

    report = subparsers.add_parser(
        "report", help="产能报表 / throughput per packer, bench and hour, CSV or XLSX"
    )
    report.add_argument("--day", help="YYYY-MM-DD (default: today)")
    report.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.xlsx")
    add_db_option(report)
    report.set_defaults(func=_report)


def _pin(args: argparse.Namespace) -> str:
    if args.pin is not None:
        return str(args.pin)
    if sys.stdin.isatty():
        return getpass.getpass("主管 PIN / supervisor PIN: ")
    return sys.stdin.readline().strip()


def _override(args: argparse.Namespace) -> int:
    from packstation.services import overrides

    db, who, pin = database(args), args.supervisor, _pin(args)
    action = args.override_action
    if action == "force-complete":
        job = overrides.force_complete(db, args.order, args.reason, who, pin)
        print(f"已强制完成，面单任务 {job} / force-completed, label job {job}")
    elif action == "take-over":
        came = overrides.take_over(db, args.order, args.bench, who, pin)
        print(f"已接管：{came} → {args.bench} / taken over: {came} -> {args.bench}")
    elif action == "release":
        lifted = overrides.release(db, args.order, args.reason, who, pin)
        print(f"已放行（原拦截：{lifted}）/ released (was: {lifted})")
    elif action == "move":
        try:
            job_id = int(args.job_id)
        except ValueError:
            raise UserError(
                f"任务号无效：{args.job_id}", f"invalid job id: {args.job_id}"
            ) from None
        overrides.move_job(db, job_id, args.printer, who, pin)
        print(f"打印任务 {job_id} 已转到 {args.printer} / job moved to {args.printer}")
    elif action == "bench-printer":
        overrides.set_bench_printer(db, args.bench, args.printer, who, pin)
        print(f"{args.bench} → {args.printer}")
    else:
        try:
            minutes = float(args.minutes)
        except ValueError:
            raise UserError(
                f"分钟数无效：{args.minutes}", f"invalid minutes: {args.minutes}"
            ) from None
        overrides.set_backlog_warning(db, minutes, who, pin)
        print(f"优先件超过 {minutes:g} 分钟预警 / warn after {minutes:g} min")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from packstation.services.audit_log import AuditFilter, audit_csv, query_audit

    wanted = AuditFilter(
        actor=args.who,
        action=args.what,
        bench=args.bench,
        since=parse_since(args.since),
        until=parse_since(args.until),
        limit=args.limit,
    )
    entries = query_audit(database(args), wanted)
    if args.csv is not None:
        try:
            args.csv.write_bytes(audit_csv(entries))
        except OSError as exc:
            raise UserError(
                f"无法写入 {args.csv}：{exc}", f"cannot write {args.csv}: {exc}"
            ) from exc
        print(f"已导出 {len(entries)} 条 / exported {len(entries)} records")
        return 0
    for e in entries:
        print(
            f"{e.at.isoformat(timespec='seconds')}  {e.actor}  {e.action}  {e.target}  "
            f"{e.bench}  {e.detail}"
        )
    return 0


def _report(args: argparse.Namespace) -> int:
    from packstation.services.reports import throughput, write_report

    try:
        day = date.fromisoformat(args.day) if args.day else date.today()
    except ValueError:
        raise UserError(f"日期无效：{args.day}", f"invalid day: {args.day}") from None
    rows = throughput(database(args), day)
    write_report(rows, args.out)
    print(f"已写入 {len(rows)} 行 / wrote {len(rows)} rows: {args.out}")
    return 0
