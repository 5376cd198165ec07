"""`packstation import FILE [FILE ...] [--format …] [--dry-run] [--accept-changes] [--json]`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from packstation.bootstrap import classifier
from packstation.cli.common import add_db_option, database, print_json
from packstation.importers.records import RowProblem
from packstation.services.importing import (
    ChangesRefusedError,
    ImportSummary,
    OrderChange,
    import_files,
)

FORMATS = ("auto", "taobao", "jd", "pdd", "csv", "products")
SHOWN_CHANGES = 50  # changes listed in text; --json lists them all


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="导入订单或商品文件 / import order or product files",
        description="Generic order file (DESIGN.md), product catalogue, platform exports. "
        "A file with any bad row changes nothing.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
    parser.add_argument("--format", choices=FORMATS, default="auto")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    parser.add_argument(
        "--accept-changes",
        action="store_true",
        help="apply a re-import that changes the destination or lines of many known orders",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    add_db_option(parser)
    parser.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    db = database(args)
    with tqdm(
        total=0, unit="行", disable=not sys.stderr.isatty(), file=sys.stderr, desc="导入 / import"
    ) as bar:

        def progress(done: int, total: int, skipped: int) -> None:
            bar.total = total
            bar.n = done
            if skipped:
                bar.set_postfix_str(f"跳过 / skipped {skipped}", refresh=False)
            bar.refresh()

        try:
            summary = import_files(
                db,
                args.files,
                classifier(db),
                format=args.format,
                dry_run=args.dry_run,
                accept_changes=args.accept_changes,
                progress=progress,
            )
        except ChangesRefusedError as refused:
            if args.json:
                print_json({"refused": refused.en, "changes": _changes(refused.changes)})
            else:
                _print_changes(refused.changes)
            raise
    if args.json:
        print_json(_document(summary, args.dry_run))
    else:
        _print_text(summary, args.dry_run)
    if summary.rejected:
        print(
            f"packstation: {summary.rejected_total} 行被拒绝，相关文件未导入 / "
            f"{summary.rejected_total} rows rejected; those files changed nothing",
            file=sys.stderr,
        )
        return 1
    return 0


def _document(summary: ImportSummary, dry_run: bool) -> dict[str, Any]:
    return {
        "format": summary.format,
        "orders_created": summary.orders_created,
        "orders_updated": summary.orders_updated,
        "orders_intercepted": summary.orders_intercepted,
        "orders_unchanged": summary.orders_unchanged,
        "lines": summary.lines,
        "products_created": summary.products_created,
        "products_updated": summary.products_updated,
        "dry_run": dry_run,
        "rejected": [asdict(p) for p in summary.rejected],
        "rejected_total": summary.rejected_total,
        "skipped": [_skipped(p) for p in summary.skipped],
        "changes": _changes(summary.changes),
    }


def _skipped(problem: RowProblem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "row": problem.row,
        "order_no": problem.order_no,
        "reason": problem.reason,
    }


def _changes(changes: list[OrderChange]) -> list[dict[str, Any]]:
    return [{"order_no": c.order_no, "changed": list(c.changed)} for c in changes]


def _print_changes(changes: list[OrderChange]) -> None:
    if not changes:
        return
    print(f"将修改的已有订单 / known orders that change: {len(changes)}")
    for change in changes[:SHOWN_CHANGES]:
        print(f"  {change.order_no}: {', '.join(change.changed)}")
    if len(changes) > SHOWN_CHANGES:
        print(f"  … 另有 {len(changes) - SHOWN_CHANGES} 单 / … {len(changes) - SHOWN_CHANGES} more")


def _print_text(summary: ImportSummary, dry_run: bool) -> None:
    prefix = "（试运行，未保存 / dry run, nothing saved）" if dry_run else ""
    print(f"{prefix}格式 / format: {summary.format}")
    print(
        f"新建订单 / created: {summary.orders_created}  更新 / updated: "
        f"{summary.orders_updated}  拦截 / intercepted: {summary.orders_intercepted}  "
        f"未变 / unchanged: {summary.orders_unchanged}  明细行 / lines: {summary.lines}"
    )
    if "products" in summary.format or summary.products_created or summary.products_updated:
        print(
            f"商品新建 / products created: {summary.products_created}  "
            f"商品更新 / products updated: {summary.products_updated}"
        )
    if summary.skipped:
        print(f"跳过（未导入）/ skipped (left out on purpose): {len(summary.skipped)}")
        for row in summary.skipped:
            print(f"  {row.file}:{row.row} {row.order_no} {row.reason}")
    if dry_run:
        _print_changes(summary.changes)
    for problem in summary.rejected:
        print(f"  {problem.file}:{problem.row} [{problem.column}] {problem.reason}")
    unlisted = summary.rejected_total - len(summary.rejected)
    if unlisted > 0:
        print(f"  … 另有 {unlisted} 行问题未列出 / … and {unlisted} more rejected rows not listed")
