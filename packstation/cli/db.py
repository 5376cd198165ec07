"""`packstation db upgrade`: bring the database schema up to date."""

from __future__ import annotations

import argparse
from typing import Any

from packstation.bootstrap import open_database
from packstation.cli.common import add_db_option


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="数据库维护 / database maintenance")
    actions = parser.add_subparsers(
        dest="db_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    upgrade = actions.add_parser(
        "upgrade", help="升级数据库结构 / migrate the schema to the newest"
    )
    add_db_option(upgrade)
    upgrade.set_defaults(func=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    db = open_database(args.db, migrate=True)
    print(f"数据库已是最新结构 / database schema is up to date ({db.dialect})")
    return 0
