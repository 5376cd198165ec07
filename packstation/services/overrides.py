"""Supervisor overrides: the one module the dashboard (window and CLI) calls to act.

Every function checks the supervisor's name and PIN first, through the service layer, so
no screen can skip it; every change writes an audit record in the same transaction.
Where a service already does the work (reprint, void, move, take over, priority rules),
this module delegates to it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from packstation.domain.orders import stop_reason
from packstation.errors import UserError
from packstation.services import benches, destinations, orders, print_queue, users
from packstation.services.audit import record_audit
from packstation.services.dashboard import BACKLOG_WARN_SETTING
from packstation.services.open_box import load_box
from packstation.services.packing import PackingStation, StationSettings
from packstation.services.print_jobs import finish_session
from packstation.storage.database import Database
from packstation.storage.tables import Order, PackSession, Setting

REASON_MAX = 500
_STATUS_ZH = {"cancelled": "取消", "refunded": "退款"}


def _supervisor(db: Database, name: str, pin: str, bench: str) -> str:
    """The supervisor's name, or PermissionDeniedError (wrong PINs counted per bench)."""
    return users.require_supervisor(db, name, pin, bench=bench or None)


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise UserError("请填写原因", "a reason is required")
    if len(text) > REASON_MAX:
        raise UserError(f"原因不能超过 {REASON_MAX} 个字符", f"reason over {REASON_MAX} characters")
    return text


def force_complete(
    db: Database, order_no: str, reason: str, supervisor: str, pin: str, *, bench: str = ""
) -> int | None:
    """Complete an order's open box as it is (units short), with a reason; the label is
    queued as for a normal completion. Returns the print job id."""
    actor = _supervisor(db, supervisor, pin, bench)
    why = _reason(reason)
    with db.transaction() as conn:
        row = conn.execute(
            select(PackSession.id, PackSession.bench, Order.status, Order.intercept_reason)
            .join(Order, Order.id == PackSession.order_id)
            .where(Order.order_no == order_no.strip(), PackSession.state == "open")
            .with_for_update()
        ).first()
        if row is None:
            raise UserError(
                f"订单 {order_no} 没有正在打包的包裹", f"order {order_no} has no open box"
            )
        stop = stop_reason(row.status, row.intercept_reason)
        if stop is not None:
            raise UserError(
                f"订单 {order_no} 已拦截（{stop}），不能强制完成",
                f"order {order_no} is intercepted ({stop}); it cannot be force-completed",
            )
        box = load_box(conn, row.id).box
        job_id = finish_session(conn, row.id, print_label=True)
        record_audit(
            conn,
            actor,
            "force_complete",
            order_no.strip(),
            {
                "bench": row.bench,
                "reason": why,
                "units_packed": box.units_packed,
                "units_required": box.units_required,
                "job_id": job_id,
                "from": bench,
            },
        )
    return job_id


def take_over(db: Database, order_no: str, to_bench: str, supervisor: str, pin: str) -> str | None:
    """Move an order's open box to `to_bench` (which must have none open); the packer
    there scans the order number to carry on. Returns the bench it came from.

    The supervisor is checked before anything is written (the bench's row included);
    `PackingStation.take_over` checks again and writes the audit record."""
    _supervisor(db, supervisor, pin, to_bench)
    station = PackingStation(db, StationSettings(bench=to_bench.strip()))
    try:
        station.resume()
        result = station.take_over(order_no, supervisor, pin)
    finally:
        station.close()
    if result.order_no is None:
        raise UserError(f"找不到订单：{order_no}", f"order not found: {order_no}")
    return result.other_bench


def reprint(
    db: Database,
    order_no: str,
    supervisor: str,
    pin: str,
    *,
    bench: str | None = None,
    printer_spec: str | None = None,
) -> int:
    """A new label for a packed order (audited by `print_queue.reprint`)."""
    return print_queue.reprint(
        db, order_no, supervisor, pin, bench=bench, printer_spec=printer_spec
    )


def void_label(db: Database, job_id: int, supervisor: str, pin: str) -> None:
    """Mark a label void: it must not be used (audited by `print_queue.void`)."""
    print_queue.void(db, job_id, supervisor, pin)


def move_job(
    db: Database, job_id: int, printer_spec: str, supervisor: str, pin: str, *, bench: str = ""
) -> None:
    """Send a queued job to another printer (audited by `print_queue.move_job`)."""
    _supervisor(db, supervisor, pin, bench)
    print_queue.move_job(db, job_id, printer_spec, supervisor, pin)


def release(
    db: Database, order_no: str, reason: str, supervisor: str, pin: str, *, bench: str = ""
) -> str:
    """Lift an import's intercept from an order, with a reason; it can be packed or
    exported again (audited by `orders.release_order`). Returns the reason lifted."""
    _reason(reason)
    return orders.release_order(
        db, order_no, reason, supervisor, pin, bench=bench or None
    ).was


def set_priority_rules(db: Database, rules_json: str, supervisor: str, pin: str) -> int:
    """New priority rules (audited by `destinations.set_rules`); orders re-marked."""
    return destinations.set_rules(db, rules_json, supervisor, pin)


def set_bench_printer(
    db: Database, bench: str, printer_spec: str, supervisor: str, pin: str
) -> None:
    """The printer a bench prints on (supervisor, audited)."""
    actor = _supervisor(db, supervisor, pin, bench)
    name, spec = bench.strip(), printer_spec.strip()
    if not name:
        raise UserError("请指定工位", "a bench name is required")
    before = benches.bench_settings(db, name)
    benches.set_bench(db, name, printer_spec=spec)
    with db.transaction() as conn:
        record_audit(
            conn,
            actor,
            "bench_printer",
            name,
            {"bench": name, "from": before.printer_spec if before else None, "to": spec},
        )


def set_backlog_warning(db: Database, minutes: float, supervisor: str, pin: str) -> None:
    """How long a priority order may wait before the dashboard warns (shared setting)."""
    actor = _supervisor(db, supervisor, pin, "")
    if not 1 <= minutes <= 7 * 24 * 60:
        raise UserError("预警时间须在 1 分钟到 7 天之间", "warning time must be 1 minute to 7 days")
    value = json.dumps(minutes)
    now = datetime.now(UTC)
    with db.transaction() as conn:
        before = conn.scalar(select(Setting.value).where(Setting.key == BACKLOG_WARN_SETTING))
        if before is None:
            conn.execute(
                insert(Setting).values(key=BACKLOG_WARN_SETTING, value=value, updated_at=now)
            )
        else:
            conn.execute(
                update(Setting)
                .where(Setting.key == BACKLOG_WARN_SETTING)
                .values(value=value, updated_at=now)
            )
        record_audit(
            conn, actor, "backlog_warning", BACKLOG_WARN_SETTING, {"from": before, "to": value}
        )
