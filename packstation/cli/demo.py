"""`packstation demo [--db URL]`: seed the database with demo data and say what to try next.

The demo goes into the database every other command uses (`--db`, `$PACKSTATION_DB`, or
the default file), so the commands it prints work as printed: with the program as it was
started (`.venv/bin/packstation` right after the README's install command) and no `--db`
unless one was given.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

from packstation.bootstrap import Database, classifier, database_url
from packstation.cli.common import add_db_option, database
from packstation.cli.gui import add_gui_options, can_show_window, run_window
from packstation.services.demo import (
    DEMO_BENCH,
    DEMO_PRINTER,
    DEMO_USERS,
    example_order,
    seed_demo,
)
from packstation.services.users import find_user


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="写入演示数据 / seed demo data (mock printer, no hardware)"
    )
    parser.add_argument("--orders", type=int, default=240, help="how many demo orders")
    parser.add_argument("--no-window", action="store_true", help="seed only, no window")
    add_gui_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    db = database(args)
    summary = seed_demo(db, classifier(db), orders=max(1, args.orders))
    url = getattr(args, "db", None)
    print(f"数据库 / database: {database_url(url)}")
    print(
        f"新建订单 / orders created: {summary.orders_created}, "
        f"已有 / already there: {summary.orders_unchanged}"
    )
    users = [(n, r, pin) for n, r, pin in DEMO_USERS if _has(db, n, r)]
    listed = ", ".join(f"{name} ({role}, PIN {pin})" for name, role, pin in users)
    print(f"演示用户 / demo users: {listed}")
    if len(users) < len(DEMO_USERS):
        print(
            "数据库已有主管，未添加演示主管 / the database has supervisors already: the demo "
            "supervisor was not added"
        )
    print(f"演示工位 / demo bench: {DEMO_BENCH} (printer {DEMO_PRINTER})")
    order_no, codes = example_order(db)
    db_option = ["--db", url] if url else []
    run = [*program(), *db_option]
    pack = [*run, "pack", order_no, "--bench", DEMO_BENCH, *[f"--scan={c}" for c in codes]]
    print("也可以在命令行打包一个订单、打印面单、查看统计 / or, on the command line, pack an "
          "order, print its label and see the figures:")
    print("  " + shlex.join(pack))
    print("  " + shlex.join([*run, "print-queue", "--bench", DEMO_BENCH, "--once"]))
    print("  " + shlex.join([*run, "stats"]))
    if args.no_window or not can_show_window(args):
        return 0
    args.packer = args.packer or DEMO_USERS[0][0]
    if args.bench == "bench-1":  # the gui default: the demo has its own bench and printer
        args.bench = DEMO_BENCH
    return run_window(args, url, printer=args.printer or DEMO_PRINTER)


def program() -> list[str]:
    """How to start this program again from the same shell: `packstation` when that is
    what PATH finds, the script as it was started otherwise, or `python -m packstation`."""
    script = Path(sys.argv[0])
    if script.stem == "packstation" and script.is_file():
        on_path = shutil.which("packstation")
        if on_path and Path(on_path).resolve() == script.resolve():
            return ["packstation"]
        return [sys.argv[0]]
    return [sys.executable, "-m", "packstation"]


def _has(db: Database, name: str, role: str) -> bool:
    user = find_user(db, name)
    return user is not None and user.role == role
