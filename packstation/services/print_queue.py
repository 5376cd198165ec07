"""Outbox actions apart from a completion: reprint, void and move (supervisor, audited),
and batches of pre-printed waybills.

A reprint is a NEW job (key `reprint:<order>:<n>`, its label stamped 重打 n); earlier jobs
stay as they were, so the record shows every label that was ever asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from packstation.address.priority_rules import city_key
from packstation.domain.orders import DONE_STATUSES, OrderStatus
from packstation.errors import UserError
from packstation.services.audit import record_audit
from packstation.services.print_jobs import CLAIMABLE, JobState, reprint_key
from packstation.services.users import require_supervisor
from packstation.services.waybills import order_id_by_no
from packstation.storage.database import Database
from packstation.storage.tables import Order, PrintJob

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


class NeverPackedError(UserError):
    """A reprint of an order no bench completed: there is no parcel to put a label on."""


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
    job_id = conn.scalar(insert(PrintJob).values(**values).returning(PrintJob.id))
    assert job_id is not None  # RETURNING of an INSERT always gives the id
    return int(job_id)


def _require_packed(conn: Connection, order_id: int, order_no: str) -> None:
    row = conn.execute(select(Order.status, Order.packed_at).where(Order.id == order_id)).one()
    if row.packed_at is None and row.status not in DONE_STATUSES:
        raise NeverPackedError(
            f"订单 {order_no} 从未打包完成，不能重打面单",
            f"order {order_no} was never packed; there is no waybill to reprint",
        )


def reprint(
    db: Database,
    order_no: str,
    supervisor: str,
    pin: str,
    *,
    bench: str | None = None,
    printer_spec: str | None = None,
) -> int:
    """A NEW `reprint` job for a packed order, key reprint:<order>:<n>; returns its id."""
    actor = require_supervisor(db, supervisor, pin)
    order_no = order_no.strip()
    for _ in range(5):  # two supervisors reprinting at once: the second takes n + 1
        try:
            with db.transaction() as conn:
                order_id = order_id_by_no(conn, order_no)
                _require_packed(conn, order_id, order_no)
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
                    reprint_key(order_no, n),
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
        rows = list(conn.execute(query).all())
        # Sorted here, by code point: the same order on SQLite and on any PostgreSQL collation.
        rows.sort(key=lambda r: (*(str(v or "") for v in r[4:]), r.id))
        for row in rows[:limit]:
            base = f"batch:{row.order_no}"
            done = _keys_used(conn, base)
            key = base + (f":{done + 1}" if done else "")
            job_id = _new_job(conn, key, row.id, bench, printer_spec, "batch")
            entries.append(BatchEntry(job_id, row.order_no, row.carrier, row.city))
    return entries


def _job_row(conn: Connection, job_id: int) -> Row[int, str, str | None, int]:
    row = conn.execute(
        select(PrintJob.id, PrintJob.state, PrintJob.printer_spec, PrintJob.order_id).where(
            PrintJob.id == job_id
        )
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


def move_job(db: Database, job_id: int, printer_spec: str, supervisor: str, pin: str) -> bool:
    """Send a job to another printer (supervisor, audited); True if it is due there at once.

    A pending or failed job becomes pending on the new printer (no back-off wait). A held
    job moves but stays held: the label may exist, and moving it must not print a second
    one; a person releases it by reprinting or voiding.
    """
    actor = require_supervisor(db, supervisor, pin)
    spec = printer_spec.strip()
    if not spec:
        raise UserError("请指定打印机", "a printer spec is required")
    with db.transaction() as conn:
        row = _job_row(conn, job_id)
        if row.state not in (*CLAIMABLE, JobState.HELD):
            raise UserError(
                f"打印任务 {job_id} 状态为 {row.state}，不能转移",
                f"print job {job_id} is {row.state}; only queued, failed or held jobs can move",
            )
        held = row.state == JobState.HELD
        values: dict[str, Any] = {"printer_spec": spec, "updated_at": datetime.now(UTC)}
        if not held:
            values.update(state=JobState.PENDING.value, error_code=None, error_params=None)
        moved = conn.execute(
            update(PrintJob)
            .where(PrintJob.id == job_id, PrintJob.state == row.state)
            .values(**values)
        )
        if moved.rowcount != 1:  # a worker claimed it meanwhile
            raise UserError(
                f"打印任务 {job_id} 正在打印，请稍后再试",
                f"print job {job_id} is being printed now; try again in a moment",
            )
        record_audit(
            conn,
            actor,
            "print_move",
            str(job_id),
            {"from": row.printer_spec, "to": spec, "held": held},
        )
    return not held
