"""`packstation manifest --carrier CODE [--since ISO] [--until ISO] --out FILE.pdf [--close]`.

Without `--close` the PDF is a draft (marked so, no number) for checking the pile. With
`--close` (supervisor and PIN) the parcels are marked handed over in the same command that
writes the document, so the paper the driver signs is exactly what was recorded. A closed
manifest prints again, identical, with `--reprint NUMBER`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.bootstrap import printer_for
from packstation.cli.common import add_db_option, database, parse_since, print_json
from packstation.cli.supervisor import add_supervisor_options, supervisor
from packstation.domain.manifests import ManifestDocument
from packstation.errors import UserError
from packstation.labels.manifest_pdf import render_manifest_pdf
from packstation.services.manifests import (
    close_manifest,
    draft_manifest,
    list_manifests,
    load_manifest,
)
from packstation.services.shift_printing import print_manifest_summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "manifest",
        help="承运商交接单 / carrier handover manifest (A4 PDF, thermal summary)",
        description="Parcels packed for a carrier and not yet handed over, as an A4 PDF with "
        "counts per destination (priority cities first), the parcels to pull, and signature "
        "lines. --close marks them handed over (supervisor); --reprint prints a closed one.",
    )
    parser.add_argument("--carrier", help="carrier code (SF, YTO, ZTO, …)")
    parser.add_argument("--since", help="only parcels packed at or after this ISO time")
    parser.add_argument("--until", help="only parcels packed before this ISO time")
    parser.add_argument("--out", help="write the A4 PDF here (FILE.pdf)")
    parser.add_argument("--close", action="store_true", help="close: parcels are handed over")
    parser.add_argument("--reprint", metavar="NUMBER", help="the closed manifest NUMBER again")
    parser.add_argument("--list", action="store_true", help="list the latest closed manifests")
    parser.add_argument("--printer", help="also print the thermal summary on this printer SPEC")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add_supervisor_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=_manifest)


def _manifest(args: argparse.Namespace) -> int:
    db = database(args)
    if args.list:
        numbers = list_manifests(db, args.carrier)
        if args.json:
            print_json({"manifests": numbers})
        else:
            print("\n".join(numbers))
        return 0
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() != ".pdf":
        raise UserError(f"输出文件须为 .pdf：{out}", f"the output must be a .pdf file: {out}")
    if args.reprint:
        doc = load_manifest(db, args.reprint)
    elif not args.carrier:
        raise UserError("请用 --carrier 指定承运商", "give the carrier with --carrier")
    elif args.close:
        doc = close_manifest(
            db, args.carrier, supervisor(db, args),
            since=parse_since(args.since), until=parse_since(args.until),
        )
    else:
        doc = draft_manifest(
            db, args.carrier, since=parse_since(args.since), until=parse_since(args.until)
        )
    if out is not None:
        out.write_bytes(render_manifest_pdf(doc))
    if args.printer:
        print_manifest_summary(printer_for(args.printer), doc)
    _show(doc, out, args.json)
    return 0


def _show(doc: ManifestDocument, out: Path | None, as_json: bool) -> None:
    if as_json:
        print_json({
            "manifest_no": doc.manifest_no, "carrier": doc.carrier, "closed": doc.closed,
            "closed_by": doc.closed_by, "at": doc.at.isoformat(), "out": str(out) if out else None,
            "parcels": [{"order_no": p.order_no, "waybill_no": p.waybill_no, "city": p.city,
                         "priority": p.priority} for p in doc.parcels],
            "left_off": [{"order_no": p.order_no, "waybill_no": p.waybill_no,
                          "reason": p.stop_reason} for p in doc.left_off],
            "destinations": [{"province": d.province, "city": d.city, "priority": d.priority,
                              "mark": d.mark, "parcels": d.parcels} for d in doc.destinations],
        })
        return
    state = f"交接单 {doc.manifest_no} 已关闭 / closed" if doc.closed else "草稿 / draft"
    print(f"{doc.carrier_name} {state}: {len(doc.parcels)} 件 parcels, "
          f"{len(doc.left_off)} 件拦截 left off" + (f" -> {out}" if out else ""))
    for d in doc.destinations:
        mark = f"【{d.mark}】" if d.mark else "    "
        print(f"  {mark}{d.province}{d.city if d.city != d.province else ''}  {d.parcels}")
    for p in doc.left_off:
        print(f"  拦截 pull: {p.waybill_no} {p.order_no} ({p.stop_reason})")
