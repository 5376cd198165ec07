"""The `packstation` command. Each sub-command lives in its own module with a `register`.

A sub-command module exposes `register(subparsers) -> None`, which adds its parser and
sets `func=handler`; a handler takes the parsed args and returns an exit code. Anything a
user can cause is raised as `UserError` and printed as one line on stderr, never a traceback,
in the languages of `--lang` or the locale (`packstation.cli.lang`); `args.langs` holds them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from packstation.bootstrap import database_failure
from packstation.cli.lang import add_lang_option, langs_from_argv
from packstation.errors import ErrorCode, UserError

# One line per sub-command module, in the order `--help` lists them.
COMMAND_MODULES = (
    "packstation.cli.pack",
    "packstation.cli.importing",
    "packstation.cli.export",
    "packstation.cli.order",
    "packstation.cli.address",
    "packstation.cli.rules",
    "packstation.cli.stats",
    "packstation.cli.dashboard",
    "packstation.cli.demo",
    "packstation.cli.db",
    "packstation.cli.user",
    "packstation.cli.printing",
    "packstation.cli.bench",
    "packstation.cli.emulator",
    "packstation.cli.command_sheet",
    "packstation.cli.gui",
    "packstation.cli.readiness",
    "packstation.cli.manifest",
    "packstation.cli.staffing",
)


class UsageError(UserError):
    """A command line that does not parse: exit code 2, as argparse would."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (exit 2) instead of a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(ErrorCode.USAGE, detail=message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="packstation",
        description="PackStation — 扫描验货打包工作站 / scan-and-pack bench software",
    )
    add_lang_option(parser)
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
    langs = langs_from_argv(argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        args.langs = langs
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"packstation: {exc.text(langs)}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `packstation … | head`: the reader has all it wanted
        _quiet_stdout()
        return 1
    except Exception as exc:  # server down, file locked, no access: one line; a bug: raise
        failure = database_failure(exc)
        if failure is None:
            raise
        print(f"packstation: {failure.text(langs)}", file=sys.stderr)
        return 1


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush of the closed pipe
    cannot fail again at exit (the recipe in Python's `signal` documentation)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    finally:
        os.close(devnull)


if __name__ == "__main__":
    raise SystemExit(main())
