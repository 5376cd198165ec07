"""The rules of one scan into an open box. Pure: counts in, verdict out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packstation.domain.verdicts import Verdict

DEFAULT_BOUNCE_WINDOW_S = 0.3  # a scanner double read arrives well inside this


@dataclass(frozen=True, slots=True)
class CodeMatch:
    """What a code stands for: `units` units of `sku` (a pack barcode has units > 1)."""

    sku: str
    units: int = 1


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of looking a code up: one match, none, or several (ambiguous)."""

    matches: tuple[CodeMatch, ...]

    @property
    def match(self) -> CodeMatch | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1


def judge_unit(
    required: Mapping[str, int], packed: Mapping[str, int], resolution: Resolution
) -> Verdict:
    """Verdict for a product scan into a box that needs `required` and holds `packed`."""
    if resolution.ambiguous:
        return Verdict.AMBIGUOUS_CODE
    match = resolution.match
    if match is None:
        return Verdict.UNKNOWN_CODE
    need = required.get(match.sku)
    if need is None:
        return Verdict.WRONG_ITEM
    if packed.get(match.sku, 0) + match.units > need:
        return Verdict.OVER_QUANTITY
    after = {**packed, match.sku: packed.get(match.sku, 0) + match.units}
    if all(after.get(sku, 0) >= qty for sku, qty in required.items()):
        return Verdict.ORDER_COMPLETE
    return Verdict.OK


def is_bounce(
    code: str,
    previous_code: str | None,
    seconds_since_previous: float | None,
    window_s: float = DEFAULT_BOUNCE_WINDOW_S,
) -> bool:
    """A scanner double read: the same code again faster than a person can rescan."""
    return (
        previous_code is not None
        and seconds_since_previous is not None
        and code == previous_code
        and 0 <= seconds_since_previous < window_s
    )
