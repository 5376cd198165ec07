"""Helpers for the confirm dialog: an ambiguous address is settled by a person, not guessed.

The bench shows the candidates (with their marks, so a priority option stands out); the
packer picks one; `confirm` turns that choice into an ordinary result. Storage records
who confirmed what; this module only checks that the choice was on offer.
"""

from __future__ import annotations

import dataclasses

from packstation.address.classifier import AddressResult
from packstation.address.priority_rules import DEFAULT_RULES, PriorityRule, PriorityRules
from packstation.errors import UserError


def needs_confirmation(result: AddressResult, rules: PriorityRules | None = None) -> bool:
    """True if a person must choose: ambiguous, and at least one candidate is priority.

    鼓楼区 alone is ambiguous between four cities, none of them priority, so the parcel
    ships as normal without asking anyone.
    """
    return bool(candidate_rules(result, rules))


def candidate_rules(
    result: AddressResult, rules: PriorityRules | None = None
) -> tuple[PriorityRule, ...]:
    """The priority rules an ambiguous result might fall under, in candidate order."""
    if not result.ambiguous:
        return ()
    rules = rules or DEFAULT_RULES
    found = (rules.for_city(city) for _province, city in result.candidates)
    return tuple(dict.fromkeys(rule for rule in found if rule is not None))


def confirm(
    result: AddressResult, province: str, city: str | None, rules: PriorityRules | None = None
) -> AddressResult:
    """The result once a person chose (province, city) from `result.candidates`."""
    if (province, city) not in result.candidates:
        offered = "、".join(c or p for p, c in result.candidates) or "无"
        raise UserError(
            f"所选城市 {city or province} 不在候选之中（{offered}）。",
            f"{city or province} is not one of the candidates ({offered}).",
        )
    rule = (rules or DEFAULT_RULES).for_city(city)
    return dataclasses.replace(
        result,
        province=province,
        city=city,
        priority=rule.key if rule else None,
        ambiguous=False,
        candidates=(),
    )
