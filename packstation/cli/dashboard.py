"""`packstation dashboard [--db URL] [--lang zh|en] [--screenshot PNG] [--wall]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.cli.common import add_db_option, database
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
