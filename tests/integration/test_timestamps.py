"""Times read back timezone-aware in UTC, the same instant that was written, on both
databases and through both the ORM and Core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select, text

from packstation.services.audit import record_audit
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, Order
from tests.factories import TEE, load, order

BEIJING = timezone(timedelta(hours=8))


def test_a_time_written_in_any_zone_reads_back_as_the_same_instant_in_utc(
    db: Database,
) -> None:
    written = datetime(2026, 11, 11, 8, 0, tzinfo=BEIJING)
    with db.transaction() as conn:
        record_audit(conn, "boss", "test", "x", at=written)
        record_audit(conn, "boss", "test", "y", at=datetime(2026, 11, 11, 0, 30))  # naive: UTC
    with db.transaction() as conn:
        core = conn.scalars(select(AuditRecord.at).order_by(AuditRecord.id)).all()
    with db.session() as session:
        orm = session.scalars(select(AuditRecord.at).order_by(AuditRecord.id)).all()
    for times in (core, orm):
        assert times == [
            datetime(2026, 11, 11, 0, 0, tzinfo=UTC),
            datetime(2026, 11, 11, 0, 30, tzinfo=UTC),
        ]
        assert all(t.tzinfo is UTC for t in times)
    with db.transaction() as conn:  # comparisons use the same instant
        since = datetime(2026, 11, 11, 8, 15, tzinfo=BEIJING)
        assert conn.scalars(select(AuditRecord.target).where(AuditRecord.at >= since)).all() == [
            "y"
        ]


def test_times_the_app_writes_read_back_aware_on_every_backend(db: Database) -> None:
    before = datetime.now(UTC)
    load(db, order("T1", TEE))
    with db.transaction() as conn:
        if db.dialect == "postgresql":  # a session in another zone changes nothing
            conn.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
        imported = conn.scalar(select(Order.imported_at))
    assert imported is not None and imported.tzinfo is UTC
    assert before - timedelta(seconds=1) <= imported <= datetime.now(UTC)
