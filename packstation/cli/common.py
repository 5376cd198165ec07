"""Small pieces every sub-command shares."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime
from typing import Any

from packstation.bootstrap import Database, open_database
from packstation.errors import UserError


def database(args: argparse.Namespace) -> Database:
    return open_database(getattr(args, "db", None))


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def parse_since(value: str | None) -> datetime | None:
    """ISO date or date-time; naive values are taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"时间格式无效：{value}（例如 2026-11-11 或 2026-11-11T08:00）",
            f"invalid time: {value} (e.g. 2026-11-11 or 2026-11-11T08:00)",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """`--db` after the sub-command too, as DESIGN.md writes it (`packstation demo --db URL`)."""
    parser.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="SQLAlchemy URL (default: $PACKSTATION_DB or the user data SQLite)",
    )


def supervisor_pin(pin: str | None) -> str:
    """The supervisor's PIN: the option's value, else asked on the terminal (unechoed), else
    the first line of stdin (scripts)."""
    if pin is not None:
        return pin
    if sys.stdin.isatty():
        return getpass.getpass("主管 PIN / supervisor PIN: ")
    return sys.stdin.readline().strip()
