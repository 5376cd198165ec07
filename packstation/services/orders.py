"""A supervisor's changes to one order: release an intercept, attach a carrier waybill.

Both are audited in the same transaction as the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, select, update

from packstation.domain.orders import DONE_STATUSES, STOPPED_STATUSES
from packstation.domain.shipments import order_id_from_shipment_id
from packstation.errors import UserError
from packstation.services.audit import record_audit
from packstation.services.print_jobs import JobErrorCode, JobState
from packstation.services.users import require_supervisor
from packstation.storage.database import Database
from packstation.storage.tables import Order, PrintJob

_WAYBILL = re.compile(r"^[A-Za-z0-9-]{4,64}$")
_CARRIER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True, slots=True)
class Release:
    """What releasing an intercepted order did."""

    order_no: str
    status: str  # paid: it can be packed again; packed: it can be exported
    was: str  # the intercept reason that was cleared
    jobs_requeued: int  # labels held because of the intercept, now due again


@dataclass(frozen=True, slots=True)
class WaybillAttached:
    order_no: str
    carrier: str
    waybill_no: str
    changed: bool  # False: the order had this waybill already


def release_order(
    db: Database,
    order_no: str,
    reason: str,
    supervisor: str,
    pin: str,
    *,
    bench: str | None = None,
) -> Release:
    """Clear an order's intercept so its parcel can be packed (or, if it was packed,
    exported) again; labels held because of the intercept go back to the queue.

    An order the platform cancelled or refunded stays stopped: only a new import saying
    it is paid can change that.
    """
    reason = reason.strip()
    if not reason:
        raise UserError("请写明放行原因（--reason）", "give the reason for the release (--reason)")
    actor = require_supervisor(db, supervisor, pin, bench=bench)
    with db.transaction() as conn:
        order = _locked_order(conn, order_no)
        if order.status in STOPPED_STATUSES:
            raise UserError(
                f"订单 {order_no} 在平台上已{'取消' if order.status == 'cancelled' else '退款'}，"
                "不能放行",
                f"order {order_no} is {order.status} on the platform and cannot be released",
            )
        if order.intercept_reason is None:
            raise UserError(f"订单 {order_no} 没有被拦截", f"order {order_no} is not intercepted")
        conn.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(intercept_reason=None, updated_at=datetime.now(UTC))
        )
        requeued = conn.execute(
            update(PrintJob)
            .where(
                PrintJob.order_id == order.id,
                PrintJob.state == JobState.HELD.value,
                PrintJob.error_code == JobErrorCode.INTERCEPTED.value,
            )
            .values(
                state=JobState.PENDING.value,
                error_code=None,
                error_params=None,
                updated_at=datetime.now(UTC),
            )
        ).rowcount
        record_audit(
            conn,
            actor,
            "order_release",
            order_no,
            {"reason": reason, "intercept_reason": order.intercept_reason, "jobs": requeued},
            bench=bench,
        )
    return Release(order_no, order.status, order.intercept_reason, requeued)


def attach_waybill(
    db: Database,
    order_no: str,
    waybill_no: str,
    carrier: str,
    *,
    actor: str,
    bench: str | None = None,
) -> WaybillAttached:
    """Give a packed order the carrier's waybill number, for the shipping upload, when it
    was packed without one (its label carried an internal shipment id)."""
    waybill_no, carrier = waybill_no.strip(), carrier.strip().upper()
    if not _WAYBILL.match(waybill_no) or order_id_from_shipment_id(waybill_no.upper()):
        raise UserError(
            f"运单号无效：{waybill_no!r}（4-64 位字母、数字或 -，不能是内部编号 PS…）",
            f"invalid waybill number: {waybill_no!r} (4-64 letters, digits or -; "
            "not an internal PS… id)",
        )
    if not _CARRIER.match(carrier):
        raise UserError(
            f"快递公司代码无效：{carrier!r}（如 SF、YTO、ZTO）",
            f"invalid carrier code: {carrier!r} (e.g. SF, YTO, ZTO)",
        )
    with db.transaction() as conn:
        order = _locked_order(conn, order_no)
        if order.status not in DONE_STATUSES:
            raise UserError(
                f"订单 {order_no} 还没有打包，运单号随订单文件导入",
                f"order {order_no} is not packed yet: its waybill number comes with the "
                "order import",
            )
        if order.waybill_no == waybill_no and order.carrier == carrier:
            return WaybillAttached(order_no, carrier, waybill_no, changed=False)
        if order.waybill_no:
            raise UserError(
                f"订单 {order_no} 已有运单号 {order.waybill_no}",
                f"order {order_no} already has waybill number {order.waybill_no}",
            )
        other = conn.scalar(
            select(Order.order_no).where(Order.waybill_no == waybill_no, Order.id != order.id)
        )
        if other is not None:
            raise UserError(
                f"运单号 {waybill_no} 已属于订单 {other}",
                f"waybill number {waybill_no} belongs to order {other}",
            )
        conn.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(waybill_no=waybill_no, carrier=carrier, updated_at=datetime.now(UTC))
        )
        record_audit(
            conn,
            actor,
            "order_waybill",
            order_no,
            {"waybill_no": waybill_no, "carrier": carrier, "previous_carrier": order.carrier},
            bench=bench,
        )
    return WaybillAttached(order_no, carrier, waybill_no, changed=True)


def _locked_order(conn: Connection, order_no: str) -> Row[int, str, str | None, str, str]:
    order = conn.execute(
        select(
            Order.id,
            Order.status,
            Order.intercept_reason,
            Order.carrier,
            Order.waybill_no,
        )
        .where(Order.order_no == order_no.strip())
        .with_for_update()
    ).first()
    if order is None:
        raise UserError(f"找不到订单：{order_no}", f"order not found: {order_no}")
    return order
