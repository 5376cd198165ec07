"""Order rows → `WaybillData`: what one waybill shows, as plain values for the renderer.

The sender (the shop's name, phone and address in the 寄 band) is a shared setting
(`packstation sender set`); the outbox actions live in `print_queue`, the worker that
prints in `printing`.

Where the platform gave no carrier waybill number, the label carries an internal shipment
id derived from the order's database id (`PS` + 10 digits). It is never written into
`orders.waybill_no`: that column means "the carrier's number", and a re-import or an
export must not mistake ours for theirs. Deriving it from the id needs no new column and
gives the same id on every reprint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from packstation.address.priority_rules import DEFAULT_RULES, PriorityRules
from packstation.domain.carriers import carrier_name
from packstation.domain.orders import stop_reason
from packstation.domain.shipments import internal_shipment_id
from packstation.errors import UserError
from packstation.labels import PRIORITY_MARKS, PriorityMark, WaybillData
from packstation.labels.model import LabelDataError
from packstation.services.destinations import rules_in_force
from packstation.storage.database import Database
from packstation.storage.tables import Order, OrderLine, Setting

SENDER_SETTING = "waybill.sender"
ITEM_SUMMARY_MAX = 120


class OrderStoppedError(UserError):
    """The order was cancelled, refunded or changed: its parcel must not get a label."""

    def __init__(self, order_no: str, stop: str) -> None:
        super().__init__(
            f"订单 {order_no} 已拦截（{stop}）：不打印面单，请把包裹交给主管",
            f"order {order_no} is intercepted ({stop}): no label; hand the parcel to a supervisor",
        )
        self.order_no, self.stop = order_no, stop


class WaybillDataError(UserError):
    """An order that cannot become a waybill (a bad barcode payload); names the order."""

    def __init__(self, order_no: str, cause: UserError) -> None:
        super().__init__(
            f"订单 {order_no} 无法生成面单：{cause.zh}",
            f"Order {order_no} cannot become a waybill: {cause.en}",
        )
        self.order_no = order_no


@dataclass(frozen=True, slots=True)
class Sender:
    """The shop printed in the 寄 band; one shared setting for every bench, empty until set."""

    name: str = ""
    phone: str = ""
    address: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.name.strip())

    def cleaned(self) -> Sender:
        """Surrounding blanks removed; a name is required (a waybill must say who sends)."""
        sender = Sender(self.name.strip(), self.phone.strip(), self.address.strip())
        if not sender.is_set:
            raise UserError("发件人名称不能为空", "the sender's name cannot be empty")
        if len(sender.name) > 100 or len(sender.phone) > 40 or len(sender.address) > 200:
            raise UserError(
                "发件人名称最多 100 字、电话 40 字、地址 200 字",
                "sender name at most 100 characters, phone 40, address 200",
            )
        return sender


def carrier_label(code: str) -> str:
    """The label header: the carrier's name and its code (`顺丰速运 SF`), as waybills print."""
    name = carrier_name(code)
    return f"{name} {code.strip()}" if name != code.strip() else name


def load_sender(conn: Connection) -> Sender:
    """The sender from the settings table; the built-in default when unset or unreadable."""
    raw = conn.scalar(select(Setting.value).where(Setting.key == SENDER_SETTING))
    if not raw:
        return Sender()
    try:
        doc = json.loads(raw)
        return Sender(**{k: str(v) for k, v in doc.items() if k in Sender.__slots__})
    except (ValueError, TypeError, AttributeError):
        return Sender()


def sender_setting(db: Database) -> Sender:
    """The sender every bench prints (empty when nobody set one)."""
    with db.transaction() as conn:
        return load_sender(conn)


def save_sender(db: Database, sender: Sender) -> Sender:
    """Store the sender every bench prints (JSON in `settings`); returns what was stored."""
    sender = sender.cleaned()
    value = json.dumps(asdict(sender), ensure_ascii=False)
    with db.session() as session:
        row = session.get(Setting, SENDER_SETTING)
        if row is None:
            session.add(Setting(key=SENDER_SETTING, value=value, updated_at=datetime.now(UTC)))
        else:
            row.value, row.updated_at = value, datetime.now(UTC)
    return sender


def priority_mark(key: str | None, rules: PriorityRules = DEFAULT_RULES) -> PriorityMark | None:
    """The label's priority block for an order's stored priority key; None if not priority.

    A rule whose mark the label cannot print as a block (a custom rule) gives None; the
    caller puts its text in the remarks so the parcel still says it is priority.
    """
    rule = rules.by_key(key) if key else None
    if rule is None or rule.mark not in PRIORITY_MARKS:
        return None
    return PriorityMark(rule.mark, rule.promise, rule.city.removesuffix("市"))


def item_summary(lines: list[tuple[str, str, int]]) -> str:
    """ "title ×qty；…", cut to fit the items band (the label wraps and cuts too)."""
    parts = [f"{title or sku} ×{qty}" for sku, title, qty in lines]
    text = "；".join(parts)
    return text if len(text) <= ITEM_SUMMARY_MAX else text[: ITEM_SUMMARY_MAX - 1] + "…"


def sort_text(order: Row[Any]) -> str:
    """The large destination field: city and district, as sorting centres read it."""
    city = order.city or order.province
    parts = [p for p in (city, order.district) if p]
    return " ".join(parts) if parts else (order.address[:12] if order.address else "")


def waybill_for_order(
    conn: Connection,
    order_id: int,
    *,
    bench: str = "",
    printed_at: datetime | None = None,
    rules: PriorityRules | None = None,
    allow_stopped: bool = False,
    reprint: int = 0,
) -> WaybillData:
    """Everything the waybill of one order says; WaybillDataError if it cannot be a label.

    `reprint` is n for the n-th reprint (stamped 重打 n), 0 for the first label.
    A stopped order (cancelled, refunded, changed after packing) raises OrderStoppedError
    unless `allow_stopped` (a preview), so no label reaches a parcel that must not ship.
    The priority block follows `rules`, by default the rules in force (shared settings).
    """
    order = conn.execute(select(Order.__table__).where(Order.id == order_id)).one_or_none()
    if order is None:
        raise UserError(f"找不到订单（编号 {order_id}）", f"order id {order_id} not found")
    stop = stop_reason(order.status, order.intercept_reason)
    if stop and not allow_stopped:
        raise OrderStoppedError(order.order_no, stop)
    lines = [
        (r.sku, r.title, r.quantity)
        for r in conn.execute(
            select(OrderLine.sku, OrderLine.title, OrderLine.quantity)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.id)
        )
    ]
    sender = load_sender(conn)
    rules = rules or rules_in_force(conn)
    mark = priority_mark(order.priority, rules)
    remarks = order.remarks
    if mark is None and order.priority:
        rule = rules.by_key(order.priority)
        if rule is not None:
            remarks = f"优先 {rule.mark} {rule.promise}；{remarks}".rstrip("；")
    internal = not order.waybill_no.strip()
    waybill_no = internal_shipment_id(order.id) if internal else order.waybill_no.strip()
    try:
        return WaybillData(
            carrier=carrier_label(order.carrier or ""),
            waybill_no=waybill_no,
            order_no=order.order_no,
            printed_at=printed_at or datetime.now(UTC),
            sort_text=sort_text(order),
            recipient_name=order.recipient,
            recipient_phone=order.phone,
            recipient_address=order.address,
            sender_name=sender.name,
            sender_phone=sender.phone,
            sender_address=sender.address,
            item_summary=item_summary(lines),
            remarks=remarks,
            bench=bench,
            waybill_is_internal=internal,
            priority=mark,
            reprint=reprint,
        )
    except LabelDataError as exc:
        raise WaybillDataError(order.order_no, exc) from exc


def order_id_by_no(conn: Connection, order_no: str) -> int:
    """The id of an order by its order number; UserError when there is none."""
    found = conn.scalar(select(Order.id).where(Order.order_no == order_no.strip()))
    if found is None:
        raise UserError(f"找不到订单：{order_no}", f"order not found: {order_no}")
    return found


def waybill_for_order_no(
    db: Database, order_no: str, *, bench: str = "", printed_at: datetime | None = None
) -> WaybillData:
    """The waybill of the order numbered `order_no` (`label ORDER_NO`); UserError when
    there is no such order, WaybillDataError when it cannot be a label."""
    with db.transaction() as conn:
        return waybill_for_order(
            conn, order_id_by_no(conn, order_no), bench=bench, printed_at=printed_at
        )
