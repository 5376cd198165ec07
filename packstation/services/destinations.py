"""Where parcels go: the priority rules in force, re-evaluation, and confirmed destinations.

The rules are shared configuration (one JSON document in `settings`), so every bench and
every import classifies against the same cities. Changing them re-evaluates the orders
not yet packed; a packed parcel keeps the mark it was packed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, insert, select, update

from packstation.address import (
    DEFAULT_RULES,
    AddressResult,
    PriorityRules,
    classify,
    confirm,
    rules_from_json,
    rules_to_json,
)
from packstation.domain.orders import OrderStatus
from packstation.errors import ErrorCode, UserError
from packstation.services.audit import record_audit
from packstation.services.users import require_supervisor
from packstation.storage.database import Database
from packstation.storage.tables import Order, Setting

RULES_SETTING = "priority.rules"


def load_rules(db: Database) -> PriorityRules:
    """The rules in force: the stored ones, else the five default cities."""
    with db.transaction() as conn:
        return rules_in_force(conn)


def rules_in_force(conn: Connection) -> PriorityRules:
    """The rules in force, read in the caller's transaction."""
    stored = conn.scalar(select(Setting.value).where(Setting.key == RULES_SETTING))
    return rules_from_json(stored) if stored else DEFAULT_RULES


def set_rules(db: Database, rules_json: str, supervisor: str, pin: str) -> int:
    """Store new rules (supervisor only) and re-mark every unpacked order; returns how many
    orders changed mark. Invalid rules raise `UserError` and change nothing."""
    rules = rules_from_json(rules_json)
    actor = require_supervisor(db, supervisor, pin)
    now = datetime.now(UTC)
    with db.transaction() as conn:
        before = rules_in_force(conn)
        text = rules_to_json(rules)
        if conn.scalar(select(Setting.key).where(Setting.key == RULES_SETTING)) is None:
            conn.execute(insert(Setting).values(key=RULES_SETTING, value=text, updated_at=now))
        else:
            conn.execute(
                update(Setting)
                .where(Setting.key == RULES_SETTING)
                .values(value=text, updated_at=now)
            )
        changed = _reevaluate(conn, rules)
        record_audit(
            conn,
            actor,
            "set_priority_rules",
            RULES_SETTING,
            {
                "before": [r.key for r in before.rules],
                "after": [r.key for r in rules.rules],
                "orders_remarked": changed,
            },
        )
    return changed


def _reevaluate(conn: Connection, rules: PriorityRules) -> int:
    """Recompute `priority` of packable orders from their (unambiguous) city."""
    rows = conn.execute(
        select(Order.id, Order.city, Order.priority).where(
            Order.status == OrderStatus.PAID.value, Order.address_ambiguous.is_(False)
        )
    ).all()
    moves: dict[str | None, list[int]] = {}
    for order_id, city, priority in rows:
        rule = rules.for_city(city) if city else None
        wanted = rule.key if rule else None
        if wanted != priority:
            moves.setdefault(wanted, []).append(order_id)
    for key, ids in moves.items():
        for start in range(0, len(ids), 500):
            conn.execute(
                update(Order)
                .where(Order.id.in_(ids[start : start + 500]))
                .values(priority=key, updated_at=datetime.now(UTC))
            )
    return sum(len(ids) for ids in moves.values())


@dataclass(frozen=True, slots=True)
class DestinationChoice:
    """What the bench shows when an address is ambiguous: the candidate cities."""

    order_no: str
    address: str
    candidates: tuple[tuple[str, str | None], ...]  # (province, city)
    priority_candidates: tuple[str, ...]  # rule keys among them


def destination_choice(db: Database, order_no: str) -> DestinationChoice | None:
    """The choice a person must make for this order, or None when nothing is ambiguous."""
    with db.transaction() as conn:
        order, result, rules = _classified(conn, order_no)
    if not result.ambiguous or not order.address_ambiguous:
        return None
    keys = tuple(
        dict.fromkeys(rule.key for _p, city in result.candidates if (rule := rules.for_city(city)))
    )
    return DestinationChoice(order_no, order.address, result.candidates, keys)


def confirm_destination(
    db: Database, order_no: str, province: str, city: str, confirmed_by: str
) -> str | None:
    """Settle an ambiguous address with a person's choice; returns the priority key.

    The choice must be one of the candidates; who chose is stored on the order and in
    the audit log, so the decision can be traced to a person.
    """
    if not confirmed_by.strip():
        raise UserError(ErrorCode.CONFIRMER_MISSING)
    with db.transaction() as conn:
        order, result, rules = _classified(conn, order_no)
        if not order.address_ambiguous:
            raise UserError(ErrorCode.NOTHING_TO_CONFIRM, order_no=order_no)
        chosen = confirm(result, province, city, rules)
        conn.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(
                province=chosen.province or "",
                city=chosen.city or "",
                priority=chosen.priority,
                address_ambiguous=False,
                destination_confirmed_by=confirmed_by.strip(),
                updated_at=datetime.now(UTC),
            )
        )
        record_audit(
            conn,
            confirmed_by.strip(),
            "confirm_destination",
            order_no,
            {
                "address": order.address,
                "candidates": [list(c) for c in result.candidates],
                "chosen": [province, city],
                "priority": chosen.priority,
            },
        )
    return chosen.priority


def _classified(
    conn: Connection, order_no: str
) -> tuple[Row[int, str, bool], AddressResult, PriorityRules]:
    order = conn.execute(
        select(Order.id, Order.address, Order.address_ambiguous).where(Order.order_no == order_no)
    ).first()
    if order is None:
        raise UserError(ErrorCode.UNKNOWN_ORDER, order_no=order_no)
    rules = rules_in_force(conn)
    # Stored province/city are empty for an ambiguous address: classify the raw text again.
    result = classify(order.address, "", "", "", rules=rules)
    return order, result, rules
