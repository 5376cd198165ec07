"""The printer port: what the core needs from a printer, in core terms (codes, no bytes).

The composition root adapts `packstation.printers` to it; the print worker and tests use
it. The printer package itself says how far each label got (`SendOutcome`); the core
only maps that to a job state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from PIL import Image

from packstation.errors import UserError
from packstation.services.print_jobs import JsonValue
from packstation.services.print_status import PrinterLamp


class SendOutcome(StrEnum):
    """How far a label got, in core terms (the adapter maps the printer package's)."""

    NOT_SENT = "not_sent"
    PARTLY_SENT = "partly_sent"
    SENT = "sent"  # every byte left, the printer did not (or cannot) confirm
    ACKNOWLEDGED = "acknowledged"


class PrintWarning(StrEnum):
    """A label that printed, with something the bench should know."""

    PAPER_NEAR_END = "paper_near_end"
    UNCONFIRMED = "unconfirmed"  # the printer cannot answer: sent is all that is known


class PrintError(UserError):
    """A printer problem in core terms: a printer reason code, how far the label got and
    the code's parameters (e.g. the printer), plus the printer's own words for the CLI."""

    def __init__(
        self,
        reason: str,
        zh: str,
        en: str,
        *,
        outcome: SendOutcome = SendOutcome.NOT_SENT,
        params: Mapping[str, JsonValue] | None = None,
    ) -> None:
        super().__init__(zh, en)
        self.reason = reason
        self.outcome = outcome
        self.params = dict(params or {})


@dataclass(frozen=True, slots=True)
class PortStatus:
    """A printer's real-time state as a lamp code."""

    lamp: PrinterLamp
    can_print: bool


@dataclass(frozen=True, slots=True)
class PortResult:
    """A label that left in full: acknowledged or not, and the state the printer reported."""

    outcome: SendOutcome
    lamp: PrinterLamp


class PrinterPort(Protocol):
    """What the core needs from a printer; raises only PrintError."""

    def print_label(
        self, image: Image.Image, red_bands: Sequence[tuple[int, int]], job_id: str
    ) -> PortResult: ...

    def status(self) -> PortStatus: ...


#: Printer reasons → the lamp they leave the bench's printer in.
REASON_LAMP: Mapping[str, PrinterLamp] = {
    "paper_end": PrinterLamp.PAPER_OUT,
    "cover_open": PrinterLamp.COVER_OPEN,
    "offline": PrinterLamp.OFFLINE,
    "printer_error": PrinterLamp.ERROR,
    "timeout": PrinterLamp.OFFLINE,
    "connection": PrinterLamp.OFFLINE,
    "connection_lost": PrinterLamp.OFFLINE,
    "not_found": PrinterLamp.OFFLINE,
    "permission": PrinterLamp.OFFLINE,
}
