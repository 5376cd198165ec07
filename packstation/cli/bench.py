"""Bench and shop settings: `bench set|show` (printer, label size, printer state, jobs)
and `sender set|show` (the shop printed in every waybill's 寄 band)."""

from __future__ import annotations

import argparse
from typing import Any

from packstation.bootstrap import check_printer_spec
from packstation.cli.common import add_db_option, database, print_json
from packstation.cli.print_text import lamp_text
from packstation.errors import UserError
from packstation.labels import LABEL_SIZES
from packstation.services.benches import set_bench
from packstation.services.print_status import BenchPrinting, benches_printing
from packstation.services.waybills import Sender, save_sender, sender_setting

SIZES = tuple(LABEL_SIZES)


def register(subparsers: Any) -> None:
    bench = subparsers.add_parser("bench", help="工作台设置 / bench printer and label size")
    actions = bench.add_subparsers(
        dest="bench_action", metavar="ACTION", required=True, parser_class=type(bench)
    )
    setter = actions.add_parser("set", help="set a bench's printer and label size")
    setter.add_argument("name", metavar="NAME")
    setter.add_argument("--printer", metavar="SPEC", help="mock, tcp:HOST:PORT, usb:VID:PID, …")
    setter.add_argument("--label-size", choices=SIZES, help="label size, mm")
    add_db_option(setter)
    setter.set_defaults(func=_bench_set)
    show = actions.add_parser("show", help="benches, their printer state and jobs")
    show.add_argument("name", metavar="NAME", nargs="?")
    show.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add_db_option(show)
    show.set_defaults(func=_bench_show)

    sender = subparsers.add_parser("sender", help="面单寄件人 / the waybill's sender")
    sender_actions = sender.add_subparsers(
        dest="sender_action", metavar="ACTION", required=True, parser_class=type(sender)
    )
    sset = sender_actions.add_parser("set", help="shop name, phone and address on waybills")
    sset.add_argument("--name", required=True, help="shop or warehouse name")
    sset.add_argument("--phone", default="")
    sset.add_argument("--address", default="")
    add_db_option(sset)
    sset.set_defaults(func=_sender_set)
    sshow = sender_actions.add_parser("show", help="the sender printed now")
    sshow.add_argument("--json", action="store_true")
    add_db_option(sshow)
    sshow.set_defaults(func=_sender_show)


def _bench_set(args: argparse.Namespace) -> int:
    if args.printer is None and args.label_size is None:
        raise UserError("请给出 --printer 或 --label-size", "give --printer and/or --label-size")
    spec = check_printer_spec(args.printer) if args.printer is not None else None
    settings = set_bench(database(args), args.name, printer_spec=spec, label_size=args.label_size)
    print(
        f"工作台 {settings.name}：打印机 {settings.printer_spec or '未设置'}，"
        f"面单 {settings.label_size or '默认'} / bench {settings.name}: printer "
        f"{settings.printer_spec or 'not set'}, label {settings.label_size or 'default'}"
    )
    return 0


def _bench_json(b: BenchPrinting) -> dict[str, Any]:
    return {
        "bench": b.bench,
        "printer_spec": b.printer_spec,
        "label_size": b.label_size,
        "printer": b.printer.value,
        "printer_seen_at": b.printer_seen_at,
        "jobs": {state.value: n for state, n in b.counts.items()},
    }


def _bench_show(args: argparse.Namespace) -> int:
    found = benches_printing(database(args), [args.name] if args.name else None)
    if args.name and not found:
        raise UserError(f"没有工作台 {args.name}", f"no bench named {args.name}")
    if args.json:
        print_json({"benches": [_bench_json(b) for b in found]})
        return 0
    for b in found:
        zh, en = lamp_text(b.printer)
        jobs = ", ".join(f"{state.value} {n}" for state, n in sorted(b.counts.items()))
        print(
            f"{b.bench:<16} {b.printer_spec or '-':<24} {b.label_size or '-':<8} "
            f"{zh} / {en}  {jobs or 'no jobs'}"
        )
    return 0


def _sender_set(args: argparse.Namespace) -> int:
    sender = save_sender(database(args), Sender(args.name, args.phone, args.address))
    print(f"寄件人已设置 / sender set: {sender.name} {sender.phone} {sender.address}".rstrip())
    return 0


def _sender_show(args: argparse.Namespace) -> int:
    sender = sender_setting(database(args))
    if args.json:
        print_json({"name": sender.name, "phone": sender.phone, "address": sender.address})
    elif not sender.is_set:
        print("尚未设置寄件人：packstation sender set --name … / no sender set yet")
    else:
        print(f"{sender.name} {sender.phone} {sender.address}".rstrip())
    return 0
