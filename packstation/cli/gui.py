"""`packstation gui`: the packer window (Qt), on a bench's scanner and printer.

packstation gui [--db URL] [--bench NAME] [--printer SPEC] [--lang zh|en]
                [--packer NAME] [--replay FILE] [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from packstation.bootstrap import open_database
from packstation.cli.common import add_db_option
from packstation.domain.users import Role
from packstation.errors import UserError
from packstation.services.users import authenticate, find_user, user_for_badge


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gui", help="打包工位窗口 / the packer window")
    add_gui_options(parser)
    add_db_option(parser)
    parser.set_defaults(func=_gui)


def add_gui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bench", default=os.environ.get("PACKSTATION_BENCH", "bench-1"))
    parser.add_argument("--printer", metavar="SPEC", help="mock, tcp:HOST:PORT, usb:VID:PID, …")
    parser.add_argument("--lang", choices=("zh", "en"), help="language (default: the system's)")
    parser.add_argument("--packer", default="", help="start signed in as this packer")
    parser.add_argument("--replay", type=Path, metavar="FILE", help="scan script to replay")
    parser.add_argument(
        "--replay-interval", type=float, default=0.5, metavar="S", help="seconds between codes"
    )
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save the window, exit")
    parser.add_argument("--size", metavar="WxH", help="a window of this size, not full screen")
    parser.add_argument("--settings", type=Path, metavar="INI", help=argparse.SUPPRESS)


def can_show_window(args: argparse.Namespace) -> bool:
    """True when a window can be seen or saved: a desktop, or a screenshot offscreen."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal")):
        return bool(args.screenshot)
    if sys.platform.startswith("linux") and not platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _gui(args: argparse.Namespace) -> int:
    if not can_show_window(args):
        raise UserError(
            "没有可用的显示器：请在桌面上运行，或设置 DISPLAY（离屏运行请加 --screenshot）",
            "no display: run it on a desktop or set DISPLAY (offscreen needs --screenshot)",
        )
    return run_window(args, getattr(args, "db", None))


def run_window(args: argparse.Namespace, url: str | None, printer: str | None = None) -> int:
    """Open the window with these options (also used by `demo`)."""
    from packstation.ui.bench_app import GuiOptions, run_gui

    db = open_database(url)  # migrate once here, and refuse a supervisor as fixed packer
    try:
        if args.packer:
            _require_packer(db, args.packer)
    finally:
        db.dispose()
    return run_gui(
        GuiOptions(
            db_url=url,
            bench=args.bench,
            printer=printer or args.printer,
            lang=args.lang,
            packer=args.packer,
            replay=args.replay,
            replay_interval_s=args.replay_interval,
            screenshot=args.screenshot,
            size=_size(args.size),
            settings_path=args.settings,
            authenticate=lambda name, pin: authenticate_by_pin(url, name, pin),
            badge=lambda code: badge_login(url, code),
        )
    )


def _size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    w, _, h = text.lower().partition("x")
    if not (w.isdigit() and h.isdigit()):
        raise UserError(f"窗口大小格式应为 宽x高：{text}", f"size must be WxH: {text}")
    return int(w), int(h)


def _require_packer(db: Any, name: str) -> None:
    found = find_user(db, name)
    if found is None or found.role != Role.PACKER:
        raise UserError(
            f"{name} 不是打包员账号（主管不能作为固定打包员）",
            f"{name} is not a packer (a supervisor cannot be a bench's fixed packer)",
        )


def authenticate_by_pin(url: str | None, name: str, pin: str) -> str:
    """Sign-in by name and PIN through the users service (wrong PINs throttled, audited)."""
    db = open_database(url, migrate=False)
    try:
        return str(authenticate(db, name, pin).role)
    finally:
        db.dispose()


def badge_login(url: str | None, code: str) -> str:
    """Sign-in by a packer's badge; a supervisor signs in with name and PIN."""
    db = open_database(url, migrate=False)
    try:
        user = user_for_badge(db, code)
        if user is None:
            raise UserError(f"这不是已登记的工牌：{code}", f"this is not a known badge: {code}")
        _require_packer(db, user.name)
        return user.name
    finally:
        db.dispose()
