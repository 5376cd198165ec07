"""Carrier handover manifests (交接单): the parcels a carrier's truck takes, on a signed list.

A draft lists the parcels packed for the carrier and not yet handed over; closing it stores
that list (`manifests`, `manifest_parcels`) and so marks the parcels handed over. The
partial unique index on `manifest_parcels.order_id` (handed-over rows) is the rule that a
parcel is on one manifest only: when two supervisors close at once, the second insert
fails on it and that close is worked out again from what is then left.

A parcel whose order was stopped after packing (refunded, cancelled, changed) is left off
and listed apart, once, so it can be pulled from the pile. A closed manifest is rebuilt
from its stored rows only, so a reprint is the same document.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from packstation.address.priority_rules import DEFAULT_RULES, PriorityRules
from packstation.domain.carriers import CARRIER_NAMES, carrier_name
from packstation.domain.manifests import (
    ManifestDocument,
    Parcel,
    destination_counts,
    parcel_sort_key,
    priority_first,
)
from packstation.domain.orders import stop_reason
from packstation.domain.shipments import internal_shipment_id
from packstation.errors import UserError
from packstation.services.audit import record_audit
from packstation.storage.database import Database
from packstation.storage.tables import Manifest, ManifestParcel, Order

MANIFEST_PREFIX = "MF"
CLOSE_ATTEMPTS = 3


def carrier_spellings(code: str) -> tuple[str, ...]:
    """Upper-cased spellings orders may carry for one carrier: codes sharing its name, and
    the name itself (`YD`, `YUNDA`, `韵达快递`)."""
    name = carrier_name(code)
    codes = {c for c, n in CARRIER_NAMES.items() if n == name} | {code.strip().upper()}
    return tuple(sorted(codes | {name.upper()}))


def draft_manifest(
    db: Database,
    carrier: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    rules: PriorityRules = DEFAULT_RULES,
    now: datetime | None = None,
) -> ManifestDocument:
    """What closing now would hand over; nothing is written."""
    with db.transaction() as conn:
        parcels, left_off = _candidates(conn, carrier, since, until, rules)
    return _document(
        None, carrier, since, until, now or datetime.now(UTC), None, parcels, left_off, rules
    )


def close_manifest(
    db: Database,
    carrier: str,
    supervisor: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    rules: PriorityRules = DEFAULT_RULES,
    now: datetime | None = None,
) -> ManifestDocument:
    """Close a manifest: its parcels are handed over. Retries when another close took some
    of the same parcels first; UserError when nothing is left to hand over."""
    for attempt in range(CLOSE_ATTEMPTS):
        try:
            with db.transaction() as conn:
                manifest_no = close_in(conn, carrier, supervisor, since, until, rules, now)
            return load_manifest(db, manifest_no, rules)
        except IntegrityError:
            if attempt == CLOSE_ATTEMPTS - 1:
                raise UserError(
                    "另一位主管正在同时关闭此承运商的交接单，请稍后重试",
                    "another supervisor is closing a manifest for this carrier; try again",
                ) from None
    raise AssertionError("unreachable")


def close_in(
    conn: Connection,
    carrier: str,
    supervisor: str,
    since: datetime | None,
    until: datetime | None,
    rules: PriorityRules = DEFAULT_RULES,
    now: datetime | None = None,
) -> str:
    """Close inside the caller's transaction; returns the manifest number."""
    parcels, left_off = _candidates(conn, carrier, since, until, rules)
    if not parcels:
        raise UserError(
            f"承运商 {carrier} 没有待交接的包裹",
            f"no parcels are waiting to be handed over to carrier {carrier}",
        )
    closed_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    manifest_id = conn.scalar(
        insert(Manifest)
        .values(
            manifest_no=f"pending-{uuid4().hex}",
            carrier=carrier.strip().upper(),
            packed_since=since,
            packed_until=until,
            closed_by=supervisor,
            closed_at=closed_at,
        )
        .returning(Manifest.id)
    )
    manifest_no = f"{MANIFEST_PREFIX}{closed_at:%Y%m%d}{manifest_id:06d}"
    conn.execute(update(Manifest).where(Manifest.id == manifest_id).values(manifest_no=manifest_no))
    rows = [
        _parcel_row(manifest_id, position, parcel, left)
        for left, group in ((False, parcels), (True, left_off))
        for position, parcel in enumerate(group, start=1)
    ]
    conn.execute(insert(ManifestParcel), rows)
    record_audit(
        conn, supervisor, "manifest_closed", manifest_no,
        {"carrier": carrier, "parcels": len(parcels), "left_off": len(left_off)},
    )
    return manifest_no


def load_manifest(
    db: Database, manifest_no: str, rules: PriorityRules = DEFAULT_RULES
) -> ManifestDocument:
    """A closed manifest exactly as it was closed (for a reprint)."""
    with db.transaction() as conn:
        head = conn.execute(select(Manifest).where(Manifest.manifest_no == manifest_no)).first()
        if head is None:
            raise UserError(f"找不到交接单 {manifest_no}", f"no manifest {manifest_no}")
        rows = conn.execute(
            select(ManifestParcel)
            .where(ManifestParcel.manifest_id == head.id)
            .order_by(ManifestParcel.left_off, ManifestParcel.position)
        ).all()
    parcels = [_parcel(r) for r in rows if not r.left_off]
    left_off = [_parcel(r) for r in rows if r.left_off]
    return _document(
        head.manifest_no, head.carrier, _aware(head.packed_since), _aware(head.packed_until),
        _aware(head.closed_at), head.closed_by, parcels, left_off, rules,
    )


def list_manifests(db: Database, carrier: str | None = None, limit: int = 50) -> list[str]:
    """Numbers of the latest closed manifests, newest first."""
    query = select(Manifest.manifest_no).order_by(Manifest.id.desc()).limit(limit)
    if carrier:
        query = query.where(Manifest.carrier == carrier.strip().upper())
    with db.transaction() as conn:
        return list(conn.scalars(query))


def _candidates(
    conn: Connection,
    carrier: str,
    since: datetime | None,
    until: datetime | None,
    rules: PriorityRules,
) -> tuple[list[Parcel], list[Parcel]]:
    """(to hand over, to leave off): packed parcels of the carrier on no manifest yet."""
    listed = exists().where(ManifestParcel.order_id == Order.id)
    query = select(
        Order.id, Order.order_no, Order.waybill_no, Order.province, Order.city,
        Order.priority, Order.packed_at, Order.status, Order.intercept_reason,
    ).where(
        Order.packed_at.is_not(None),
        func.upper(Order.carrier).in_(carrier_spellings(carrier)),
        ~listed,
    )
    if since is not None:  # in UTC: SQLite compares stored UTC wall times as text
        query = query.where(Order.packed_at >= since.astimezone(UTC))
    if until is not None:
        query = query.where(Order.packed_at < until.astimezone(UTC))
    parcels, left_off = [], []
    for row in conn.execute(query):
        reason = stop_reason(row.status, row.intercept_reason)
        parcel = Parcel(
            row.id, row.order_no, row.waybill_no or internal_shipment_id(row.id), row.province,
            row.city, row.priority, _aware(row.packed_at), reason,
        )
        (left_off if reason else parcels).append(parcel)
    rank = priority_first(_marks(rules))
    parcels.sort(key=lambda p: parcel_sort_key(p, rank))
    left_off.sort(key=lambda p: parcel_sort_key(p, rank))
    return parcels, left_off


def _document(
    manifest_no: str | None,
    carrier: str,
    since: datetime | None,
    until: datetime | None,
    at: datetime,
    closed_by: str | None,
    parcels: Iterable[Parcel],
    left_off: Iterable[Parcel],
    rules: PriorityRules,
) -> ManifestDocument:
    parcels = tuple(parcels)
    marks = _marks(rules)
    return ManifestDocument(
        manifest_no, carrier.strip().upper(), carrier_name(carrier), since, until, at,
        closed_by, parcels, tuple(left_off), destination_counts(parcels, marks), marks,
    )


def _marks(rules: PriorityRules) -> dict[str, str]:
    return {rule.key: rule.mark for rule in rules.rules}


def _parcel_row(manifest_id: int, position: int, p: Parcel, left_off: bool) -> dict[str, Any]:
    return {
        "manifest_id": manifest_id, "order_id": p.order_id, "position": position,
        "order_no": p.order_no, "waybill_no": p.waybill_no, "province": p.province,
        "city": p.city, "priority": p.priority, "packed_at": p.packed_at,
        "left_off": left_off, "stop_reason": p.stop_reason,
    }


def _parcel(row: Any) -> Parcel:
    return Parcel(
        row.order_id, row.order_no, row.waybill_no, row.province, row.city, row.priority,
        _aware(row.packed_at), row.stop_reason,
    )


def _aware(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite drops the zone

