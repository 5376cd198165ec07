"""`packstation priority-rules show|set`: the shared priority cities, marks and colours."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.address import rules_to_json
from packstation.cli.common import add_db_option, database
from packstation.cli.lang import langs
from packstation.cli.notices import Notice
from packstation.errors import ErrorCode, UserError
from packstation.i18n import translate_all
from packstation.services.destinations import load_rules, set_rules


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "priority-rules", help="优先城市规则 / priority cities, marks and colours"
    )
    actions = parser.add_subparsers(
        dest="rules_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    show = actions.add_parser("show", help="print the rules in force as JSON")
    add_db_option(show)
    show.set_defaults(func=_show)
    change = actions.add_parser(
        "set", help="replace the rules (supervisor); unpacked orders are re-marked"
    )
    change.add_argument("file", type=Path, help="JSON as printed by `show`")
    change.add_argument("--supervisor", required=True)
    change.add_argument("--pin", required=True)
    add_db_option(change)
    change.set_defaults(func=_set)


def _show(args: argparse.Namespace) -> int:
    print(rules_to_json(load_rules(database(args))))
    return 0


def _set(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            ErrorCode.RULES_FILE_UNREADABLE, file=str(args.file), reason=str(exc)
        ) from exc
    changed = set_rules(database(args), text, args.supervisor, args.pin)
    print(translate_all(Notice.RULES_UPDATED, langs(args), changed=changed))
    return 0
