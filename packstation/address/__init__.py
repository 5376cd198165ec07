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
from packstation.address.priority_rules import (
    DEFAULT_RULES,
    PriorityRule,
    PriorityRules,
    priority_for,
    rules_from_json,
    rules_to_json,
)

__all__ = [
    "DEFAULT_RULES",
    "AddressResult",
    "PriorityRule",
    "PriorityRules",
    "cache_clear",
    "classify",
    "classify_many",
    "priority_for",
    "rules_from_json",
    "rules_to_json",
]
