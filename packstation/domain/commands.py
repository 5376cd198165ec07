"""Command barcodes: what a packer scans instead of touching the mouse or keyboard.

Every command code starts with `COMMAND_PREFIX`, which no product code may use, so a
bench can tell a command from a product before it looks anything up. Codes are read as
scanners send them: full-width forms (a Chinese input method), surrounding whitespace
and flipped letter case (Caps Lock) are undone. A code with the prefix that names no
valid command is an `UnknownCommandError`, so the bench says "unknown command", not
"unknown product".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

COMMAND_PREFIX = "PSCMD-"


class Command(StrEnum):
    COMPLETE_BOX = "COMPLETE"
    CANCEL_BOX = "CANCEL"
    REPRINT = "REPRINT"
    QUANTITY = "QTY"
    CONFIRM = "CONFIRM"
    ACKNOWLEDGE = "ACK"
    LOGOUT = "LOGOUT"
    CHOOSE = "CHOOSE"


# Commands that carry a number, and the numbers each accepts.
ARGUMENT_RANGES: dict[Command, range] = {
    Command.QUANTITY: range(2, 11),  # the next unit counts N times: ×2 … ×10
    Command.CHOOSE: range(1, 10),  # pick candidate destination 1 … 9
}

_ARGUMENT = re.compile(r"[1-9][0-9]?", re.ASCII)  # canonical decimal: no sign, no leading 0

_LABELS: dict[Command, tuple[str, str]] = {
    Command.COMPLETE_BOX: ("完成装箱", "complete box"),
    Command.CANCEL_BOX: ("取消装箱", "cancel box"),
    Command.REPRINT: ("申请重打面单", "request reprint"),
    Command.QUANTITY: ("数量 ×{n}", "quantity ×{n}"),
    Command.CONFIRM: ("确认", "confirm"),
    Command.ACKNOWLEDGE: ("知道了（解除警示）", "acknowledge (clear the stop)"),
    Command.LOGOUT: ("退出登录", "log out"),
    Command.CHOOSE: ("选择目的地 {n}", "choose destination {n}"),
}

# The order a command sheet shows them: the box and bench commands, then the numbered ones.
_SHEET_ORDER = (
    Command.COMPLETE_BOX,
    Command.CONFIRM,
    Command.ACKNOWLEDGE,
    Command.REPRINT,
    Command.CANCEL_BOX,
    Command.LOGOUT,
    Command.QUANTITY,
    Command.CHOOSE,
)


class UnknownCommandError(ValueError):
    """A code with the command prefix that is no valid command (a bad or foreign sheet)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown command code: {code!r}")
        self.code = code


@dataclass(frozen=True)
class CommandScan:
    """A scanned command; `argument` is the number of QUANTITY and CHOOSE, else None."""

    command: Command
    argument: int | None = None


def _canonical(code: str) -> str:
    return unicodedata.normalize("NFKC", code).strip().upper()


def is_command_code(code: str) -> bool:
    """True if `code` carries the command prefix (valid command or not).

    Importers must refuse product codes for which this is true.
    """
    return _canonical(code).startswith(COMMAND_PREFIX)


def parse_command(code: str) -> CommandScan | None:
    """The command a scanned code stands for; None if it has no command prefix.

    Raises UnknownCommandError for a prefixed code that is not a valid command.
    """
    text = _canonical(code)
    if not text.startswith(COMMAND_PREFIX):
        return None
    name, dash, number = text[len(COMMAND_PREFIX) :].partition("-")
    try:
        command = Command(name)
    except ValueError:
        raise UnknownCommandError(code) from None
    allowed = ARGUMENT_RANGES.get(command)
    if allowed is None:
        if dash:
            raise UnknownCommandError(code)
        return CommandScan(command)
    if not _ARGUMENT.fullmatch(number) or int(number) not in allowed:
        raise UnknownCommandError(code)
    return CommandScan(command, int(number))


def command_code(command: Command, argument: int | None = None) -> str:
    """The barcode text for a command, e.g. "PSCMD-QTY-3"; ValueError for a bad argument."""
    command = Command(command)
    allowed = ARGUMENT_RANGES.get(command)
    if allowed is None:
        if argument is not None:
            raise ValueError(f"{command.name} takes no argument, got {argument!r}")
        return f"{COMMAND_PREFIX}{command.value}"
    if isinstance(argument, bool) or not isinstance(argument, int) or argument not in allowed:
        raise ValueError(
            f"{command.name} needs a number in {allowed.start}..{allowed.stop - 1}, "
            f"got {argument!r}"
        )
    return f"{COMMAND_PREFIX}{command.value}-{argument}"


def command_label(scan: CommandScan) -> tuple[str, str]:
    """(Chinese, English) name of a scanned command, as the sheet prints it."""
    zh, en = _LABELS[scan.command]
    return zh.format(n=scan.argument), en.format(n=scan.argument)


def sheet_entries() -> list[tuple[str, str, str]]:
    """(code, Chinese label, English label) of every command, in command-sheet order."""
    entries: list[tuple[str, str, str]] = []
    for command in _SHEET_ORDER:
        arguments = ARGUMENT_RANGES.get(command, (None,))
        for argument in arguments:
            scan = CommandScan(command, argument)
            entries.append((command_code(command, argument), *command_label(scan)))
    return entries
