"""`packstation barcode-readiness [--json]`, and printing SKU labels for what it finds."""

from __future__ import annotations

import argparse
from typing import Any

from packstation.bootstrap import printer_for
from packstation.cli.common import add_db_option, database, print_json
from packstation.cli.supervisor import add_supervisor_options, supervisor
from packstation.domain.readiness import BlockedSku, ReadinessReport
from packstation.errors import UserError
from packstation.labels import LABEL_SIZES
from packstation.services.readiness import barcode_readiness
from packstation.services.shift_printing import SkuLabelRequest, print_sku_labels

_PROBLEM_WORDS = {
    "no_barcode": "无条码 no barcode",
    "ambiguous_code": "条码重复 shared code",
    "invalid_check_digit": "校验位错误 bad check digit",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "barcode-readiness",
        help="条码就绪检查 / products in waiting orders that cannot be scanned",
        description="List SKUs in packable orders with no barcode, a code shared by several "
        "products, or an invalid EAN/UPC check digit, most waiting units first. With "
        "--print-labels, print Code 128 SKU labels for them on a printer.",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument(
        "--print-labels", nargs="*", metavar="SKU",
        help="print SKU labels for these SKUs (none given: every SKU listed)",
    )
    parser.add_argument("--printer", help="printer SPEC for the labels (mock, tcp:…, usb:…)")
    copies = parser.add_mutually_exclusive_group()
    copies.add_argument("--per-unit", type=int, default=1, help="labels per waiting unit")
    copies.add_argument("--copies", type=int, help="this many labels per SKU instead")
    parser.add_argument("--size", default="100x150", choices=LABEL_SIZES, help="label stock, mm")
    parser.add_argument("--dpi", type=int, default=203, choices=(203, 300))
    add_supervisor_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=_readiness)


def _readiness(args: argparse.Namespace) -> int:
    db = database(args)
    report = barcode_readiness(db)
    if args.print_labels is None:
        _show(report, args.json)
        return 0
    if not args.printer:
        raise UserError("打印 SKU 标签需要 --printer", "printing SKU labels needs --printer")
    actor = supervisor(db, args)
    listed = {item.sku: item for item in report.blocked}
    skus = args.print_labels or list(listed)
    requests = []
    for sku in skus:
        item = listed.get(sku)
        copies = args.copies or (item.waiting_units * args.per_unit if item else 0)
        if copies <= 0:
            raise UserError(
                f"{sku} 不在待处理清单中，请用 --copies 指定份数",
                f"{sku} is not on the readiness list; give --copies",
            )
        requests.append(SkuLabelRequest(sku, copies))
    port = printer_for(args.printer, dpi=args.dpi)
    results = print_sku_labels(db, port, requests, actor, size=args.size, dpi=args.dpi)
    if args.json:
        print_json({"printed": [_result(r) for r in results]})
    else:
        for r in results:
            recorded = "，已登记为条码 / recorded as barcode" if r.barcode_recorded else ""
            print(f"{r.sku}: {r.printed} 张标签 / labels{recorded}")
    return 0


def _result(r: Any) -> dict[str, Any]:
    return {"sku": r.sku, "printed": r.printed, "barcode_recorded": r.barcode_recorded}


def _item(item: BlockedSku) -> dict[str, Any]:
    return {
        "sku": item.sku, "title": item.title, "problems": [str(p) for p in item.problems],
        "codes": list(item.codes), "shared_codes": list(item.shared_codes),
        "shared_with": list(item.shared_with), "invalid_codes": list(item.invalid_codes),
        "waiting_units": item.waiting_units, "waiting_orders": item.waiting_orders,
    }


def _show(report: ReadinessReport, as_json: bool) -> None:
    if as_json:
        print_json({
            "products_checked": report.products_checked,
            "units_blocked": report.units_blocked,
            "skus": [_item(i) for i in report.blocked],
        })
        return
    if not report.blocked:
        print(f"全部 {report.products_checked} 个商品可扫描 / all products can be scanned")
        return
    print(f"{len(report.blocked)} 个 SKU 无法扫描，阻塞 {report.units_blocked} 件待发商品 / "
          f"{len(report.blocked)} SKUs cannot be scanned, blocking {report.units_blocked} units")
    for item in report.blocked:
        problems = "，".join(_PROBLEM_WORDS[p] for p in item.problems)
        detail = ""
        if item.shared_with:
            detail += f"  与 {'、'.join(item.shared_with)} 共用 {'、'.join(item.shared_codes)}"
        if item.invalid_codes:
            detail += f"  {'、'.join(item.invalid_codes)}"
        print(f"{item.waiting_units:>7} 件 {item.sku:<20} {item.title}  [{problems}]{detail}")
