"""The overrides the supervisor view offers: fields each asks for, and the service call.

Every call goes to `packstation.services.overrides`, which checks the supervisor's name
and PIN itself: the window asks for them, the service decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from packstation.bootstrap import Database
from packstation.services import overrides

Values = dict[str, str]


@dataclass(frozen=True, slots=True)
class Action:
    key: str  # also the text key "action.<key>"
    fields: tuple[str, ...]  # text keys "field.<name>", besides supervisor and PIN
    run: Callable[[Database, Values], str]  # returns what was done, for the message


def _int(text: str) -> int:
    from packstation.errors import UserError

    try:
        return int(text.strip())
    except ValueError:
        raise UserError(f"不是编号：{text}", f"not a number: {text}") from None


def _force_complete(db: Database, v: Values) -> str:
    job = overrides.force_complete(db, v["order"], v["reason"], v["supervisor"], v["pin"])
    return f"{v['order']} → #{job}"


def _take_over(db: Database, v: Values) -> str:
    came_from = overrides.take_over(db, v["order"], v["bench"], v["supervisor"], v["pin"])
    return f"{v['order']}: {came_from or '-'} → {v['bench']}"


def _reprint(db: Database, v: Values) -> str:
    job = overrides.reprint(db, v["order"], v["supervisor"], v["pin"])
    return f"{v['order']} → #{job}"


def _void(db: Database, v: Values) -> str:
    overrides.void_label(db, _int(v["job"]), v["supervisor"], v["pin"])
    return f"#{v['job']}"


def _move(db: Database, v: Values) -> str:
    overrides.move_job(db, _int(v["job"]), v["printer"], v["supervisor"], v["pin"])
    return f"#{v['job']} → {v['printer']}"


def _release(db: Database, v: Values) -> str:
    lifted = overrides.release(db, v["order"], v["reason"], v["supervisor"], v["pin"])
    return f"{v['order']} ({lifted})"


def _rules(db: Database, v: Values) -> str:
    changed = overrides.set_priority_rules(db, v["rules"], v["supervisor"], v["pin"])
    return f"{changed}"


def _bench(db: Database, v: Values) -> str:
    overrides.set_bench_printer(db, v["bench"], v["printer"], v["supervisor"], v["pin"])
    return f"{v['bench']} → {v['printer']}"


def _backlog(db: Database, v: Values) -> str:
    try:
        minutes = float(v["minutes"])
    except ValueError:
        minutes = -1.0  # the service refuses it with its own message
    overrides.set_backlog_warning(db, minutes, v["supervisor"], v["pin"])
    return v["minutes"]


ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        Action("force_complete", ("order", "reason"), _force_complete),
        Action("take_over", ("order", "bench"), _take_over),
        Action("reprint", ("order",), _reprint),
        Action("void", ("job",), _void),
        Action("move", ("job", "printer"), _move),
        Action("release", ("order", "reason"), _release),
        Action("rules", ("rules",), _rules),
        Action("bench", ("bench", "printer"), _bench),
        Action("backlog", ("minutes",), _backlog),
    )
}
