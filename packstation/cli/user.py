"""`packstation user add NAME --role packer|supervisor [--pin PIN] [--badge CODE]
[--supervisor NAME --supervisor-pin PIN]`.

Adding a supervisor, or promoting an existing packer to one, takes an existing
supervisor's name and PIN, except for the first supervisor of a database.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from packstation.cli.common import add_db_option, database, supervisor_pin
from packstation.errors import UserError
from packstation.services.users import add_user, find_user


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("user", help="用户管理 / users")
    actions = parser.add_subparsers(
        dest="user_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    add = actions.add_parser(
        "add",
        help="添加用户，或把打包员提升为主管 / add a user, or promote a packer to supervisor",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("packer", "supervisor"))
    add.add_argument(
        "--pin",
        help="the new user's PIN, 4-12 digits; read from the terminal (or stdin) when "
        "omitted (a promoted packer keeps theirs)",
    )
    add.add_argument("--badge", metavar="CODE", help="the code on the user's badge")
    add.add_argument(
        "--supervisor",
        metavar="NAME",
        help="an existing supervisor who allows a new supervisor (not for the first one)",
    )
    add.add_argument(
        "--supervisor-pin", metavar="PIN", help="that supervisor's PIN (asked when omitted)"
    )
    add.add_argument("--bench", help="the bench this is done at, for the audit log")
    add_db_option(add)
    add.set_defaults(func=_add)


def _read_pin() -> str:
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("PIN again / 再输一次: ") != pin:
            raise UserError("两次输入的 PIN 不一致", "the two PINs differ")
        return pin
    line = sys.stdin.readline().strip()
    if not line:
        raise UserError("请用 --pin 或标准输入提供 PIN", "give the PIN with --pin or on stdin")
    return line


def _add(args: argparse.Namespace) -> int:
    db = database(args)
    pin = args.pin
    if pin is None and find_user(db, args.name) is None:
        pin = _read_pin()
    outcome = add_user(
        db,
        args.name,
        args.role,
        pin,
        badge=args.badge,
        supervisor=args.supervisor,
        supervisor_pin=None if args.supervisor is None else supervisor_pin(args.supervisor_pin),
        bench=args.bench,
    )
    name = args.name.strip()
    if outcome == "promoted":
        print(f"已将 {name} 提升为主管 / {name} is now a supervisor")
    else:
        print(f"已添加用户 {name}（{args.role}） / user added")
    return 0
