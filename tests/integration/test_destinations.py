"""Ambiguous destinations are settled by a person (and recorded); priority rules are shared
configuration that re-marks unpacked orders. Both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from packstation.address import DEFAULT_RULES, rules_to_json
from packstation.errors import UserError
from packstation.services.destinations import (
    confirm_destination,
    destination_choice,
    load_rules,
    set_rules,
)
from packstation.services.packing import PackingStation, StationSettings
from packstation.services.users import USER_ACTIONS, PermissionDeniedError, add_user
from packstation.services.waybills import waybill_for_order
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, Order
from tests.factories import MUG, TEE, load, order


def priority_of(db: Database, order_no: str) -> str | None:
    with db.session() as session:
        return session.scalar(select(Order.priority).where(Order.order_no == order_no))


def audit_actions(db: Database) -> list[tuple[str, str, dict]]:
    with db.session() as session:
        rows = session.execute(
            select(AuditRecord.actor, AuditRecord.action, AuditRecord.detail)
            .where(AuditRecord.action.not_in(USER_ACTIONS))
            .order_by(AuditRecord.id)
        ).all()
    return [(actor, action, json.loads(detail)) for actor, action, detail in rows]


def rules_with(*, drop: str = "", add: dict | None = None) -> str:
    doc = json.loads(rules_to_json(DEFAULT_RULES))
    doc["rules"] = [r for r in doc["rules"] if r["key"] != drop] + ([add] if add else [])
    return json.dumps(doc, ensure_ascii=False)


NANJING = {"key": "nanjing", "city": "南京市", "colour": "#CC79A7", "mark": "宁"}


def test_an_ambiguous_district_is_stored_unmarked_and_a_person_settles_it(db: Database) -> None:
    load(db, order("A1", TEE, address="朝阳区 建国路 88号"))
    assert priority_of(db, "A1") is None
    choice = destination_choice(db, "A1")
    assert choice is not None
    assert set(choice.candidates) == {("北京市", "北京市"), ("吉林省", "长春市")}
    assert choice.priority_candidates == ("beijing",)
    assert confirm_destination(db, "A1", "北京市", "北京市", "packer1") == "beijing"
    with db.session() as session:
        stored = session.scalars(select(Order).where(Order.order_no == "A1")).one()
        assert (stored.city, stored.priority, stored.address_ambiguous) == (
            "北京市",
            "beijing",
            False,
        )
        assert stored.destination_confirmed_by == "packer1"
    actor, action, detail = audit_actions(db)[-1]
    assert (actor, action, detail["chosen"]) == (
        "packer1",
        "confirm_destination",
        ["北京市", "北京市"],
    )
    assert destination_choice(db, "A1") is None  # settled


def test_the_bench_sees_the_confirmed_priority(db: Database) -> None:
    load(db, order("A2", TEE, address="朝阳区 建国路 88号"))
    confirm_destination(db, "A2", "北京市", "北京市", "packer1")
    station = PackingStation(db, StationSettings(bench="B1"))
    opened = station.scan("A2", live=False)
    assert opened.box is not None and opened.box.priority == "beijing"


def test_a_choice_that_was_not_offered_is_refused_and_changes_nothing(db: Database) -> None:
    load(db, order("A3", TEE, address="朝阳区 建国路 88号"))
    with pytest.raises(UserError):
        confirm_destination(db, "A3", "上海市", "上海市", "packer1")
    with pytest.raises(UserError):
        confirm_destination(db, "A3", "北京市", "北京市", "  ")
    assert destination_choice(db, "A3") is not None
    assert audit_actions(db) == []


def test_an_unambiguous_address_needs_no_confirmation(db: Database) -> None:
    load(db, order("A4", TEE, address="吉林省 长春市 朝阳区 人民大街 1号"))
    assert destination_choice(db, "A4") is None
    with pytest.raises(UserError):
        confirm_destination(db, "A4", "吉林省", "长春市", "packer1")


def test_changing_rules_remarks_unpacked_orders_only(db: Database) -> None:
    add_user(db, "boss", "supervisor", "2468")
    load(
        db,
        order("H1", TEE, address="浙江省 杭州市 西湖区 文三路 90号"),
        order("H2", MUG, address="浙江省 杭州市 滨江区 江南大道 1号"),
        order("N1", TEE, address="江苏省 南京市 鼓楼区 上海路 10号"),
    )
    station = PackingStation(db, StationSettings(bench="B1"))
    station.scan("H2", live=False)
    assert station.scan("6930000000028", live=False).verdict.value == "order_complete"

    changed = set_rules(db, rules_with(drop="hangzhou", add=NANJING), "boss", "2468")

    assert changed == 2  # H1 loses its mark, N1 gains one; packed H2 keeps its label's mark
    assert priority_of(db, "H1") is None
    assert priority_of(db, "N1") == "nanjing"
    assert priority_of(db, "H2") == "hangzhou"
    assert load_rules(db).keys == ("beijing", "shanghai", "guangzhou", "shenzhen", "nanjing")
    actor, action, detail = audit_actions(db)[-1]
    assert (actor, action, detail["orders_remarked"]) == ("boss", "set_priority_rules", 2)
    # New imports classify against the rules in force.
    load(db, order("N2", TEE, address="南京市 玄武区 中山路 1号"))
    assert priority_of(db, "N2") == "nanjing"


def test_rules_need_a_supervisor_and_valid_json(db: Database) -> None:
    add_user(db, "boss", "supervisor", "2468")
    add_user(db, "pat", "packer", "1357")
    load(db, order("H1", TEE, address="浙江省 杭州市 西湖区 文三路 90号"))
    with pytest.raises(PermissionDeniedError):
        set_rules(db, rules_with(drop="hangzhou"), "pat", "1357")
    with pytest.raises(PermissionDeniedError):
        set_rules(db, rules_with(drop="hangzhou"), "boss", "0000")
    with pytest.raises(UserError):
        set_rules(db, "{not json", "boss", "2468")
    with pytest.raises(UserError):
        set_rules(db, rules_with(add={**NANJING, "colour": "red"}), "boss", "2468")
    assert priority_of(db, "H1") == "hangzhou"
    assert load_rules(db) == DEFAULT_RULES
    assert audit_actions(db) == []


def test_waybills_follow_the_rules_in_force(db: Database) -> None:
    add_user(db, "boss", "supervisor", "2468")
    load(db, order("H1", TEE, address="浙江省 杭州市 西湖区 文三路 90号"),
         order("N1", TEE, address="江苏省 南京市 鼓楼区 上海路 10号"))
    set_rules(db, rules_with(drop="hangzhou", add=NANJING), "boss", "2468")
    with db.transaction() as conn:
        ids = dict(conn.execute(select(Order.order_no, Order.id)).all())
        hangzhou = waybill_for_order(conn, ids["H1"])
        nanjing = waybill_for_order(conn, ids["N1"])
    assert hangzhou.priority is None and "优先" not in hangzhou.remarks
    # 宁 is not one of the label's block marks, so the promise goes into the remarks.
    assert nanjing.priority is None and "优先 宁 2日达" in nanjing.remarks
