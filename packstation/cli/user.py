"""`packstation user add NAME --role packer|supervisor`."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from packstation.cli.common import add_db_option, database
from packstation.errors import UserError
from packstation.services.users import add_user


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("user", help="用户管理 / users")
    actions = parser.add_subparsers(
        dest="user_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    add = actions.add_parser("add", help="添加用户 / add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("packer", "supervisor"))
    add.add_argument("--pin", help="4-12 digits; read from the terminal (or stdin) when omitted")
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
    pin = args.pin if args.pin is not None else _read_pin()
    add_user(database(args), args.name, args.role, pin)
    print(f"已添加用户 {args.name.strip()}（{args.role}） / user added")
    return 0
