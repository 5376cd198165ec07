"""`packstation db upgrade`: bring the database schema up to date."""

from __future__ import annotations

import argparse
from typing import Any

from packstation.bootstrap import open_database
from packstation.cli.common import add_db_option
from packstation.cli.lang import langs
from packstation.cli.notices import Notice
from packstation.i18n import translate_all


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
    print(translate_all(Notice.SCHEMA_UP_TO_DATE, langs(args), dialect=db.dialect))
    return 0
