"""Order rows → `WaybillData`, and the labels queued apart from a completion.

`waybill_for_order` says what one waybill shows, as plain values for the renderer;
`reprint`, `void` (supervisor), `move_job` and `print_batch` (pre-printed waybills) act
on the outbox; the worker that sends it lives in `printing`.

Where the platform gave no carrier waybill number, the label carries an internal shipment
id derived from the order's database id (`PS` + 10 digits). It is never written into
`orders.waybill_no`: that column means "the carrier's number", and a re-import or an
export must not mistake ours for theirs. Deriving it from the id needs no new column and
gives the same id on every reprint.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from packstation.address.priority_rules import DEFAULT_RULES, PriorityRules, city_key
from packstation.domain.carriers import carrier_name
from packstation.domain.orders import OrderStatus, stop_reason
from packstation.domain.shipments import internal_shipment_id
from packstation.errors import UserError
from packstation.labels import PRIORITY_MARKS, PriorityMark, WaybillData
from packstation.labels.model import LabelDataError
from packstation.services.audit import record_audit
from packstation.services.destinations import rules_in_force
from packstation.services.print_jobs import JobState
from packstation.services.users import require_supervisor
from packstation.storage.database import Database
from packstation.storage.tables import Order, OrderLine, PrintJob, Setting

SENDER_SETTING = "waybill.sender"
ITEM_SUMMARY_MAX = 120


class OrderStoppedError(UserError):
    """The order was cancelled, refunded or changed: its parcel must not get a label."""


@dataclass(frozen=True, slots=True)
class Sender:
    """The warehouse printed in the 寄 band; one shared setting for every bench."""

    name: str = "PackStation 发货仓"
    phone: str = ""
    address: str = ""


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


def save_sender(db: Database, sender: Sender) -> None:
    """Store the sender every bench prints (JSON in `settings`)."""
    value = json.dumps(asdict(sender), ensure_ascii=False)
    with db.session() as session:
        row = session.get(Setting, SENDER_SETTING)
        if row is None:
            session.add(Setting(key=SENDER_SETTING, value=value, updated_at=datetime.now(UTC)))
        else:
            row.value, row.updated_at = value, datetime.now(UTC)


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
) -> WaybillData:
    """Everything the waybill of one order says; LabelDataError if it cannot be a label.

    A stopped order (cancelled, refunded, changed after packing) raises OrderStoppedError
    unless `allow_stopped` (a preview), so no label reaches a parcel that must not ship.
    The priority block follows `rules`, by default the rules in force (shared settings).
    """
    order = conn.execute(select(Order.__table__).where(Order.id == order_id)).one_or_none()
    if order is None:
        raise UserError(f"找不到订单（编号 {order_id}）", f"order id {order_id} not found")
    stop = stop_reason(order.status, order.intercept_reason)
    if stop and not allow_stopped:
        raise OrderStoppedError(
            f"订单 {order.order_no} 已拦截（{stop}）：不打印面单，请把包裹交给主管",
            f"order {order.order_no} is intercepted ({stop}): no label; "
            "hand the parcel to a supervisor",
        )
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
        )
    except LabelDataError as exc:
        raise LabelDataError(
            f"订单 {order.order_no} 无法生成面单：{exc.zh}",
            f"Order {order.order_no} cannot become a waybill: {exc.en}",
        ) from exc


def order_id_by_no(conn: Connection, order_no: str) -> int:
    """The id of an order by its order number; UserError when there is none."""
    found = conn.scalar(select(Order.id).where(Order.order_no == order_no.strip()))
    if found is None:
        raise UserError(f"找不到订单：{order_no}", f"order not found: {order_no}")
    return found


# --- queue actions: reprint, void, move (audited), pre-printed batches ---

BATCH_SORT_COLUMNS = {
    "carrier": Order.carrier,
    "province": Order.province,
    "city": Order.city,
    "district": Order.district,
    "priority": Order.priority,
    "order_no": Order.order_no,
    "imported_at": Order.imported_at,
}
DEFAULT_BATCH_SORT = ("carrier", "city", "order_no")


def _keys_used(conn: Connection, base: str) -> int:
    """Jobs keyed `base` or `base:<n>` (LIKE wildcards in order numbers escaped)."""
    like = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"
    key = PrintJob.idempotency_key
    query = select(func.count()).where((key == base) | key.like(like, escape="\\"))
    return int(conn.scalar(query) or 0)


def _new_job(
    conn: Connection, key: str, order_id: int, bench: str, spec: str | None, reason: str
) -> int:
    now = datetime.now(UTC)
    values = {
        "idempotency_key": key,
        "order_id": order_id,
        "bench": bench,
        "reason": reason,
        "printer_spec": spec,
        "state": JobState.PENDING.value,
        "created_at": now,
        "updated_at": now,
    }
    return int(conn.scalar(insert(PrintJob).values(**values).returning(PrintJob.id)))


def reprint(
    db: Database,
    order_no: str,
    supervisor: str,
    pin: str,
    *,
    bench: str | None = None,
    printer_spec: str | None = None,
) -> int:
    """A NEW `reprint` job, key reprint:<order>:<n>; earlier jobs stay as they were."""
    actor = require_supervisor(db, supervisor, pin)
    order_no = order_no.strip()
    for _ in range(5):  # two supervisors reprinting at once: the second takes n + 1
        try:
            with db.transaction() as conn:
                order_id = order_id_by_no(conn, order_no)
                last = conn.execute(
                    select(PrintJob.bench, PrintJob.printer_spec)
                    .where(PrintJob.order_id == order_id)
                    .order_by(PrintJob.id.desc())
                    .limit(1)
                ).one_or_none()
                n = 1 + _keys_used(conn, f"reprint:{order_no}")
                spec = printer_spec or (last.printer_spec if last else None)
                job_id = _new_job(
                    conn,
                    f"reprint:{order_no}:{n}",
                    order_id,
                    bench or (last.bench if last else "supervisor"),
                    spec,
                    "reprint",
                )
                record_audit(
                    conn,
                    actor,
                    "print_reprint",
                    order_no,
                    {"job_id": job_id, "n": n, "printer": spec},
                )
            return job_id
        except IntegrityError:
            continue
    raise UserError("重打冲突，请再试一次", "reprint collided with another; try again")


@dataclass(frozen=True, slots=True)
class BatchEntry:
    """One queued pre-printed waybill, in print order."""

    job_id: int
    order_no: str
    carrier: str
    city: str


def print_batch(
    db: Database,
    order_nos: Sequence[str] | None = None,
    *,
    carrier: str | None = None,
    city: str | None = None,
    bench: str = "batch",
    printer_spec: str | None = None,
    sort: Sequence[str] = DEFAULT_BATCH_SORT,
    limit: int = 5000,
) -> list[BatchEntry]:
    """Queue `batch` jobs for packable orders, in sort order, for printing before picking.

    Orders that already have a live batch label are skipped, so running it twice prints
    nothing twice; ids grow in sort order, and the worker prints oldest first.
    """
    unknown = [s for s in sort if s not in BATCH_SORT_COLUMNS]
    if unknown:
        raise UserError(
            f"不支持按 {unknown} 排序，可选：{', '.join(BATCH_SORT_COLUMNS)}",
            f"cannot sort by {unknown}; choose from {', '.join(BATCH_SORT_COLUMNS)}",
        )
    live = select(PrintJob.id).where(
        PrintJob.order_id == Order.id,
        PrintJob.reason == "batch",
        PrintJob.state != JobState.VOID.value,
    )
    columns = [BATCH_SORT_COLUMNS[s] for s in sort]
    query = select(Order.id, Order.order_no, Order.carrier, Order.city, *columns).where(
        Order.status == OrderStatus.PAID.value, Order.intercept_reason.is_(None), ~live.exists()
    )
    if order_nos is not None:
        query = query.where(Order.order_no.in_([o.strip() for o in order_nos]))
    if carrier:
        query = query.where(Order.carrier == carrier)
    if city:
        query = query.where(Order.city.in_({city, city_key(city), city_key(city) + "市"}))
    entries: list[BatchEntry] = []
    with db.transaction() as conn:
        rows = conn.execute(query).all()
        # Sorted here, by code point: the same order on SQLite and on any PostgreSQL collation.
        rows.sort(key=lambda r: (*(str(v or "") for v in r[4:]), r.id))
        for row in rows[:limit]:
            base = f"batch:{row.order_no}"
            done = _keys_used(conn, base)
            key = base + (f":{done + 1}" if done else "")
            job_id = _new_job(conn, key, row.id, bench, printer_spec, "batch")
            entries.append(BatchEntry(job_id, row.order_no, row.carrier, row.city))
    return entries


def _job_row(conn: Connection, job_id: int) -> Row[Any]:
    row = conn.execute(
        select(
            PrintJob.id,
            PrintJob.state,
            PrintJob.printer_spec,
            PrintJob.last_error,
            PrintJob.order_id,
        ).where(PrintJob.id == job_id)
    ).one_or_none()
    if row is None:
        raise UserError(f"找不到打印任务 {job_id}", f"print job {job_id} not found")
    return row


def void(db: Database, job_id: int, supervisor: str, pin: str) -> None:
    """Mark a job (queued, held or printed) as void: its label must not be used."""
    actor = require_supervisor(db, supervisor, pin)
    with db.transaction() as conn:
        row = _job_row(conn, job_id)
        if row.state == JobState.VOID:
            raise UserError(f"打印任务 {job_id} 已作废", f"print job {job_id} is already void")
        conn.execute(
            update(PrintJob)
            .where(PrintJob.id == job_id)
            .values(state=JobState.VOID.value, updated_at=datetime.now(UTC))
        )
        record_audit(
            conn,
            actor,
            "print_void",
            str(job_id),
            {"previous_state": row.state, "order_id": row.order_id},
        )


def move_job(db: Database, job_id: int, printer_spec: str, *, actor: str = "") -> None:
    """Send a queued job to another printer; a failed one is retried there at once.

    A job held as "outcome unknown" keeps waiting for a person: moving it must not print
    a second label of a parcel that may already have one.
    """
    from packstation.services.printing import HOLD_REASONS, parse_error  # imports this module

    spec = printer_spec.strip()
    if not spec:
        raise UserError("请指定打印机", "a printer spec is required")
    with db.transaction() as conn:
        row = _job_row(conn, job_id)
        if row.state not in (JobState.PENDING, JobState.FAILED):
            raise UserError(
                f"打印任务 {job_id} 状态为 {row.state}，不能转移",
                f"print job {job_id} is {row.state}; only queued jobs can move",
            )
        error = parse_error(row.last_error)
        held = row.state == JobState.FAILED and error is not None and error.reason in HOLD_REASONS
        values: dict[str, Any] = {"printer_spec": spec, "updated_at": datetime.now(UTC)}
        if not held:
            values["state"] = JobState.PENDING.value
        conn.execute(
            update(PrintJob)
            .where(PrintJob.id == job_id, PrintJob.state == row.state)
            .values(**values)
        )
        record_audit(
            conn,
            actor or "bench",
            "print_move",
            str(job_id),
            {"from": row.printer_spec, "to": spec, "held": held},
        )
