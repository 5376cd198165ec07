"""How each verdict looks and sounds: a colour, an icon and a cue, never colour alone.

Colours are the Okabe-Ito palette, told apart by people with the common colour-vision
deficiencies; the icon shape (tick, cross, triangle, stop sign) says the same again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from packstation.domain.verdicts import Verdict


class Icon(StrEnum):
    TICK = "tick"
    CROSS = "cross"
    WARN = "warn"
    STOP = "stop"
    INFO = "info"
    BOX = "box"


@dataclass(frozen=True, slots=True)
class Tone:
    background: str
    ink: str
    icon: Icon


GOOD = Tone("#009E73", "#FFFFFF", Icon.TICK)  # bluish green
DONE = Tone("#0072B2", "#FFFFFF", Icon.BOX)  # blue
WRONG = Tone("#D55E00", "#FFFFFF", Icon.CROSS)  # vermillion
CAUTION = Tone("#E69F00", "#000000", Icon.WARN)  # orange
STOP = Tone("#B22222", "#FFFFFF", Icon.STOP)  # deep red, with the octagon and words
INFO = Tone("#56B4E9", "#000000", Icon.INFO)  # sky blue
IDLE = Tone("#3A3F44", "#FFFFFF", Icon.INFO)

VERDICT_TONE: dict[Verdict, Tone] = {
    Verdict.OK: GOOD,
    Verdict.ORDER_OPENED: INFO,
    Verdict.ORDER_COMPLETE: DONE,
    Verdict.WRONG_ITEM: WRONG,
    Verdict.OVER_QUANTITY: WRONG,
    Verdict.UNKNOWN_CODE: CAUTION,
    Verdict.AMBIGUOUS_CODE: CAUTION,
    Verdict.NOT_FOUND: CAUTION,
    Verdict.ALREADY_PACKED: WRONG,
    Verdict.IN_PROGRESS_ELSEWHERE: CAUTION,
    Verdict.DUPLICATE_READ: INFO,
    Verdict.INTERCEPTED: STOP,
}

VERDICT_CUE: dict[Verdict, str] = {
    Verdict.OK: "ok",
    Verdict.ORDER_OPENED: "opened",
    Verdict.ORDER_COMPLETE: "complete",
    Verdict.INTERCEPTED: "intercept",
    Verdict.DUPLICATE_READ: "duplicate",
}

#: Short marks for the scan log, which shows many verdicts at once.
VERDICT_MARK: dict[Verdict, str] = {
    Verdict.OK: "✓",
    Verdict.ORDER_OPENED: "→",
    Verdict.ORDER_COMPLETE: "■",
    Verdict.DUPLICATE_READ: "·",
}


def cue_for(verdict: Verdict, priority: bool = False) -> str:
    """The sound of a verdict; an order opened for a priority city has its own."""
    if verdict is Verdict.ORDER_OPENED and priority:
        return "priority"
    return VERDICT_CUE.get(verdict, "error")


def mark_for(verdict: Verdict) -> str:
    return VERDICT_MARK.get(verdict, "×")
