"""Command barcodes: the packer's buttons, printed on a sheet (placeholder, replaced at merge).

A command code starts with a prefix no product code uses; the bench recognises it before
the code goes anywhere near the packing service.
"""

from __future__ import annotations

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


_ARGUMENT_RANGE = {Command.QUANTITY: (2, 10), Command.CHOOSE: (1, 9)}


@dataclass(frozen=True)
class CommandScan:
    command: Command
    argument: int | None = None


def parse_command(code: str) -> CommandScan | None:
    """The command a scanned code stands for, or None when it is not a command code."""
    text = unicodedata.normalize("NFKC", code).strip().upper()
    if not text.startswith(COMMAND_PREFIX):
        return None
    name, _, arg = text[len(COMMAND_PREFIX) :].partition("-")
    try:
        command = Command(name)
    except ValueError:
        return None
    bounds = _ARGUMENT_RANGE.get(command)
    if bounds is None:
        return CommandScan(command) if not arg else None
    if not arg.isdigit() or not bounds[0] <= int(arg) <= bounds[1]:
        return None
    return CommandScan(command, int(arg))


def command_code(command: Command, argument: int | None = None) -> str:
    """The barcode text of a command."""
    suffix = f"-{argument}" if argument is not None else ""
    return f"{COMMAND_PREFIX}{command.value}{suffix}"
