"""The `packstation` command. Each sub-command lives in its own module with a `register`.

A sub-command module exposes `register(subparsers) -> None`, which adds its parser and
sets `func=handler`; a handler takes the parsed args and returns an exit code. Anything a
user can cause is raised as `UserError` and printed as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import InterfaceError, OperationalError

from packstation.errors import UserError

# One line per sub-command module, in the order `--help` lists them.
COMMAND_MODULES = (
    "packstation.cli.pack",
    "packstation.cli.importing",
    "packstation.cli.export",
    "packstation.cli.address",
    "packstation.cli.rules",
    "packstation.cli.stats",
    "packstation.cli.demo",
    "packstation.cli.db",
    "packstation.cli.user",
    "packstation.cli.printing",
    "packstation.cli.emulator",
    "packstation.cli.command_sheet",
    "packstation.cli.readiness",
    "packstation.cli.manifest",
    "packstation.cli.staffing",
)


class UsageError(UserError):
    """A command line that does not parse: exit code 2, as argparse would."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (exit 2) instead of a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"命令参数错误：{message}", f"usage error: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="packstation",
        description="PackStation — 扫描验货打包工作站 / scan-and-pack bench software",
    )
    parser.add_argument(
        "--db",
        help="SQLAlchemy database URL (default: $PACKSTATION_DB or "
        "a SQLite file in the user data directory)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"packstation: {exc.zh} / {exc.en}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except (OperationalError, InterfaceError) as exc:  # server down, file locked, no access
        reason = str(exc.orig or exc).strip().splitlines()[0]
        if "database is locked" in reason:  # SQLite: another writer held on past the timeout
            print(
                "packstation: 数据库正被另一个导入或工作站写入，请稍后重试 / the database is "
                "busy: another import or bench is writing to it; try again in a moment",
                file=sys.stderr,
            )
            return 1
        print(
            f"packstation: 无法访问数据库，请检查数据库地址和服务 / cannot reach the database, "
            f"check its URL and server: {reason}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
