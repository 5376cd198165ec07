"""Priority destinations as configuration: which cities get the 2-day promise, and how
their parcels are marked (colour + short mark + promise text + sound).

A supervisor edits these rules (stored as JSON by the storage layer); everything here is
pure so the rules can be validated, serialised and applied without a database or Qt.
The mark is always shown beside the colour, so colour is never the only cue.

Default colours are from the Okabe–Ito palette (Okabe & Ito, "Color Universal Design",
2008), chosen to stay distinguishable with protanopia, deuteranopia and tritanopia.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from packstation.errors import UserError

if TYPE_CHECKING:
    from packstation.address.classifier import AddressResult

RULES_FORMAT_VERSION = 1
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class PriorityRule:
    """One priority city. `text_colour` is the readable ink colour on top of `colour`."""

    key: str  # stable id stored with orders: "beijing"
    city: str  # division name as the classifier reports it: "北京市"
    colour: str  # "#RRGGBB" background of the mark
    mark: str  # one or two characters printed large: "京"
    promise: str = "2日达"
    sound: str = "priority"
    text_colour: str = "#000000"
    colour_name: str = ""  # palette name, for the settings dialog and the docs


def city_key(name: str) -> str:
    """Compare city names without the 市 suffix or spaces: "杭州市" == "杭州"."""
    name = name.strip().replace(" ", "")
    return name[:-1] if name.endswith("市") and len(name) > 2 else name


@dataclass(frozen=True, slots=True)
class PriorityRules:
    """An ordered, validated set of rules with a lookup by city."""

    rules: tuple[PriorityRule, ...]
    _by_city: Mapping[str, PriorityRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _validate(self.rules)
        object.__setattr__(self, "_by_city", {city_key(r.city): r for r in self.rules})

    def for_city(self, city: str | None) -> PriorityRule | None:
        """The rule for a city name (full or short form), or None if it is not priority."""
        return self._by_city.get(city_key(city)) if city else None

    def by_key(self, key: str) -> PriorityRule | None:
        return next((r for r in self.rules if r.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rules)


def priority_for(
    result_or_city: AddressResult | str | None, rules: PriorityRules | None = None
) -> PriorityRule | None:
    """The rule that applies to a classification (or a city name); None when not priority.

    An ambiguous classification never gets a rule: a person confirms the city first.
    """
    rules = rules or DEFAULT_RULES
    if result_or_city is None:
        return None
    if isinstance(result_or_city, str):
        return rules.for_city(result_or_city)
    if result_or_city.ambiguous:
        return None
    return rules.for_city(result_or_city.city)


def rules_to_json(rules: PriorityRules) -> str:
    """Serialise for storage or for the supervisor's editor (stable key order, UTF-8)."""
    doc = {"version": RULES_FORMAT_VERSION, "rules": [asdict(r) for r in rules.rules]}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def rules_from_json(text: str) -> PriorityRules:
    """Parse and validate; a bad document raises `UserError` saying what to fix."""
    try:
        doc = json.loads(text)
    except (ValueError, TypeError) as exc:
        raise UserError(
            f"优先规则不是有效的 JSON：{exc}", f"Priority rules are not valid JSON: {exc}"
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise UserError("优先规则缺少 rules 列表。", "Priority rules need a 'rules' list.")
    if doc.get("version", RULES_FORMAT_VERSION) != RULES_FORMAT_VERSION:
        raise UserError(
            f"不支持的优先规则版本：{doc.get('version')}",
            f"Unsupported priority rules version: {doc.get('version')}",
        )
    return PriorityRules(tuple(_rule_from_dict(item, i) for i, item in enumerate(doc["rules"])))


def _rule_from_dict(item: Any, index: int) -> PriorityRule:
    if not isinstance(item, dict):
        raise UserError(
            f"第 {index + 1} 条优先规则不是对象。", f"Priority rule {index + 1} is not an object."
        )
    known = set(PriorityRule.__dataclass_fields__)
    unknown = set(item) - known
    missing = {"key", "city", "colour", "mark"} - set(item)
    if unknown or missing:
        raise UserError(
            f"第 {index + 1} 条优先规则字段有误：缺少 {sorted(missing)}，多余 {sorted(unknown)}",
            f"Priority rule {index + 1}: missing {sorted(missing)}, unknown {sorted(unknown)}",
        )
    if not all(isinstance(v, str) for v in item.values()):
        raise UserError(
            f"第 {index + 1} 条优先规则的值必须是文字。",
            f"Priority rule {index + 1}: every value must be a string.",
        )
    return PriorityRule(**item)


def _validate(rules: Iterable[PriorityRule]) -> None:
    seen_keys: set[str] = set()
    seen_cities: set[str] = set()
    for r in rules:
        problems = []
        if not _KEY.match(r.key):
            problems.append(("键名须为小写字母开头的英文", "key must be lower-case ascii"))
        if not r.city.strip():
            problems.append(("城市不能为空", "city is empty"))
        for colour in (r.colour, r.text_colour):
            if not _COLOUR.match(colour):
                problems.append((f"颜色 {colour} 不是 #RRGGBB", f"colour {colour} is not #RRGGBB"))
        if not 1 <= len(r.mark.strip()) <= 2:
            problems.append(("标记须为 1–2 个字", "mark must be 1–2 characters"))
        if r.key in seen_keys or city_key(r.city) in seen_cities:
            problems.append(("城市或键名重复", "duplicate city or key"))
        if problems:
            name = r.key or r.city
            raise UserError(
                f"优先规则 {name}：" + "；".join(p[0] for p in problems),
                f"Priority rule {name}: " + "; ".join(p[1] for p in problems),
            )
        seen_keys.add(r.key)
        seen_cities.add(city_key(r.city))


DEFAULT_RULES = PriorityRules(
    (
        PriorityRule(
            "beijing",
            "北京市",
            "#D55E00",
            "京",
            "2日达",
            "priority_beijing",
            "#FFFFFF",
            "Okabe-Ito vermillion",
        ),
        PriorityRule(
            "shanghai",
            "上海市",
            "#0072B2",
            "沪",
            "2日达",
            "priority_shanghai",
            "#FFFFFF",
            "Okabe-Ito blue",
        ),
        PriorityRule(
            "guangzhou",
            "广州市",
            "#009E73",
            "穗",
            "2日达",
            "priority_guangzhou",
            "#FFFFFF",
            "Okabe-Ito bluish green",
        ),
        PriorityRule(
            "shenzhen",
            "深圳市",
            "#CC79A7",
            "深",
            "2日达",
            "priority_shenzhen",
            "#000000",
            "Okabe-Ito reddish purple",
        ),
        PriorityRule(
            "hangzhou",
            "杭州市",
            "#E69F00",
            "杭",
            "2日达",
            "priority_hangzhou",
            "#000000",
            "Okabe-Ito orange",
        ),
    )
)
