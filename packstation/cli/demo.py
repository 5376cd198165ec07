"""`packstation demo [--db URL]`: seed a demo database and say what to try next."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import select

from packstation.bootstrap import classifier, open_database
from packstation.cli.common import add_db_option
from packstation.cli.gui import add_gui_options, can_show_window, run_window
from packstation.services.demo import DEMO_USERS, seed_demo
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Order, OrderLine, Product


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="建立演示数据库 / seed a demo database (mock printer, no hardware)"
    )
    parser.add_argument("--orders", type=int, default=240, help="how many demo orders")
    parser.add_argument("--no-window", action="store_true", help="seed only, no window")
    add_gui_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=_demo)


def demo_url() -> str:
    """The demo lives in its own file, never in the real default database."""
    path = user_data_path("PackStation", appauthor=False, ensure_exists=True) / "demo.db"
    return f"sqlite:///{path}"


def _demo(args: argparse.Namespace) -> int:
    url = args.db or demo_url()
    db = open_database(url)
    summary = seed_demo(db, classifier(db), orders=max(1, args.orders))
    print(f"演示数据库 / demo database: {url}")
    print(
        f"新建订单 / orders created: {summary.orders_created}, "
        f"已有 / already there: {summary.orders_unchanged}"
    )
    users = ", ".join(f"{name} ({role}, PIN {pin})" for name, role, pin in DEMO_USERS)
    print(f"演示用户 / demo users: {users}")
    order_no, codes = _example(db)
    command = ["packstation", "--db", url, "pack", order_no, *[f"--scan={c}" for c in codes]]
    print("也可以在命令行试打包 / or try it on the command line:")
    print("  " + shlex.join(command))
    print("  " + shlex.join(["packstation", "--db", url, "stats"]))
    if args.no_window or not can_show_window(args):
        return 0
    args.packer = args.packer or DEMO_USERS[0][0]
    return run_window(args, url, printer=args.printer or "mock")


def _example(db: Database) -> tuple[str, list[str]]:
    """A packable priority order and the codes that pack it."""
    with db.session() as session:
        order = session.scalar(
            select(Order)
            .where(
                Order.status == "paid",
                Order.intercept_reason.is_(None),
                Order.priority.is_not(None),
            )
            .order_by(Order.id)
        )
        if order is None:
            order = session.scalar(select(Order).where(Order.status == "paid"))
        codes: list[str] = []
        for sku, quantity in session.execute(
            select(OrderLine.sku, OrderLine.quantity).where(OrderLine.order_id == order.id)
        ):
            code = session.scalar(
                select(Barcode.code)
                .join(Product)
                .where(Product.sku == sku, Barcode.units == 1, Barcode.code != sku)
                .order_by(Barcode.id)
            )
            codes.extend([code or sku] * quantity)
        return order.order_no, codes
