"""The languages a command answers in: global `--lang zh|en`, else the locale, else both."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from packstation.i18n import LANGS, Lang, output_langs


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help="只用一种语言 / answer in one language (default: from LANG; "
        "unset or C: Chinese, then English)",
    )


def langs_from_argv(argv: Sequence[str] | None) -> tuple[Lang, ...]:
    """The languages asked for, read before the full command line parses, so that a
    usage error is reported in them too."""
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--lang")
    try:
        known, _ = early.parse_known_args(argv)
    except argparse.ArgumentError:  # `--lang` with no value: the full parse reports it
        return output_langs(None, os.environ)
    return output_langs(known.lang, os.environ)


def langs(args: argparse.Namespace) -> tuple[Lang, ...]:
    """The languages for this command's output (`main` sets them; both if run without it)."""
    found: tuple[Lang, ...] = getattr(args, "langs", LANGS)
    return found
