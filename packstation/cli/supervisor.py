"""`--supervisor NAME --pin PIN` for the shift tools' supervisor actions."""

from __future__ import annotations

import argparse
import getpass
import sys

from packstation.bootstrap import Database
from packstation.services.users import require_supervisor


def add_supervisor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--supervisor", help="supervisor name (for labels and closing)")
    parser.add_argument("--pin", help="read from the terminal (or stdin) when omitted")


def supervisor(db: Database, args: argparse.Namespace) -> str:
    """The checked supervisor name; PermissionDenied (one clear line) when it does not match."""
    pin = args.pin
    if pin is None:
        pin = (getpass.getpass("主管 PIN / supervisor PIN: ") if sys.stdin.isatty()
               else sys.stdin.readline().strip())
    return require_supervisor(db, args.supervisor or "", str(pin))
