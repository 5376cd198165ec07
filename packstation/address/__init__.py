"""Priority-destination address classification (pure core: no Qt, no database).

`classify(address, province="", city="", district="")` → `AddressResult`; the priority
rules (cities, colours, marks) live in `priority_rules` as editable configuration.
"""

from packstation.address.classifier import (
    AddressResult,
    cache_clear,
    classify,
    classify_many,
)
from packstation.address.confirm import candidate_rules, confirm, needs_confirmation
from packstation.address.divisions import load_index
from packstation.address.priority_rules import (
    DEFAULT_RULES,
    PriorityRule,
    PriorityRules,
    priority_for,
    rules_from_json,
    rules_to_json,
)
from packstation.address.verdict import REASONS


def preload() -> None:
    """Build every lookup table now (≈0.5 s) instead of on first use, e.g. from a
    background thread while the bench starts, so no scan or import ever waits for it."""
    classify("南山区 粤海街道")  # the division index, then the town tables
    classify("上海大场镇")
    classify("朝阳区 798艺术区 100020")  # the clue tables (landmarks, postcodes)


def data_source() -> str:
    """The division dataset in use, e.g. for an About box or a support report."""
    return load_index().source


__all__ = [
    "DEFAULT_RULES",
    "REASONS",
    "AddressResult",
    "PriorityRule",
    "PriorityRules",
    "cache_clear",
    "candidate_rules",
    "classify",
    "classify_many",
    "confirm",
    "data_source",
    "needs_confirmation",
    "preload",
    "priority_for",
    "rules_from_json",
    "rules_to_json",
]
