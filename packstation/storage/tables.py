"""Database tables (SQLAlchemy 2.x typed mappings). Same schema on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from packstation.domain.sessions import SessionState

# Stable constraint names so Alembic migrations are the same on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite only autoincrements INTEGER
# The partial index's condition: at most one open session per order.
OPEN_SESSION_WHERE = f"state = '{SessionState.OPEN.value}'"

Key = Annotated[int, mapped_column(BigId, primary_key=True, autoincrement=True)]
Code = Annotated[str, mapped_column(String(128))]
Name = Annotated[str, mapped_column(String(200))]


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, read back timezone-aware in UTC on every backend.

    SQLite keeps no zone (SQLAlchemy stores the wall time and drops the offset) and
    PostgreSQL answers in the session's zone; both read back as the same UTC instant.
    Stored as UTC; a naive value is taken as UTC (what every writer here means).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, mapped_column(UtcDateTime)]


def utcnow() -> datetime:
    return datetime.now(UTC)


# Packable priority orders: the backlog a supervisor watches (index predicate, as written).
_PRIORITY_WAITING = "status = 'paid' AND priority IS NOT NULL AND intercept_reason IS NULL"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Product(Base):
    __tablename__ = "products"
    id: Mapped[Key]
    sku: Mapped[Code] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(Text, default="")


class Barcode(Base):
    """A code on a product; `units` > 1 for a pack barcode (`*N` in files)."""

    __tablename__ = "barcodes"
    __table_args__ = (UniqueConstraint("code", "product_id", name="uq_barcodes_code_product"),)
    id: Mapped[Key]
    code: Mapped[Code] = mapped_column(index=True)
    code_folded: Mapped[Code] = mapped_column(index=True)  # upper-cased, for Caps Lock flips
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"))
    units: Mapped[int] = mapped_column(default=1)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        # The dashboard's intercept count and priority backlog read these small partial
        # indexes instead of the whole table (migration 0004_dashboard).
        Index(
            "ix_orders_intercepted",
            "intercept_reason",
            sqlite_where=text("intercept_reason IS NOT NULL"),
            postgresql_where=text("intercept_reason IS NOT NULL"),
        ),
        Index(
            "ix_orders_priority_waiting",
            "priority",
            "imported_at",
            sqlite_where=text(_PRIORITY_WAITING),
            postgresql_where=text(_PRIORITY_WAITING),
        ),
        # The waiting backlog per priority city, counted from the index alone (staffing,
        # migration 0005_manifests).
        Index("ix_orders_backlog", "status", "intercept_reason", "priority"),
    )
    id: Mapped[Key]
    order_no: Mapped[Code] = mapped_column(unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_order_no: Mapped[Code] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    recipient: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str] = mapped_column(String(64), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    priority: Mapped[str | None] = mapped_column(String(32), index=True)
    address_ambiguous: Mapped[bool] = mapped_column(default=False)
    destination_confirmed_by: Mapped[str | None] = mapped_column(String(200))
    carrier: Mapped[str] = mapped_column(String(64), default="")
    waybill_no: Mapped[str] = mapped_column(String(128), default="", index=True)
    remarks: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)  # bumped by every import that changes it
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    intercept_reason: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    packed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class OrderLine(Base):
    __tablename__ = "order_lines"
    # Waiting units of a few SKUs from the index alone (barcode readiness).
    __table_args__ = (Index("ix_order_lines_sku_order", "sku", "order_id", "quantity"),)
    id: Mapped[Key]
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[Code] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int]


class Bench(Base):
    """A bench's settings ("" printer spec: none set) and its printer's last known state."""

    __tablename__ = "benches"
    id: Mapped[Key]
    name: Mapped[Name] = mapped_column(unique=True)
    printer_spec: Mapped[str] = mapped_column(String(200), default="")
    label_size: Mapped[str | None] = mapped_column(String(16))  # None: the worker's default
    printer_state: Mapped[str | None] = mapped_column(String(16))  # a PrinterLamp code
    printer_state_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[Key]
    name: Mapped[Name] = mapped_column(unique=True)
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the badge code: looked up by equality, and a copy of the table does not
    # give away the codes to print a fake badge.
    badge_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Wrong PINs in a row per name (known or not), so every process and bench sees the
    same wait. Reset by a right PIN."""

    __tablename__ = "login_throttle"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PackSession(Base):
    """One bench packing one order. The partial unique index allows one open per order."""

    __tablename__ = "pack_sessions"
    __table_args__ = (
        Index(
            "uq_pack_sessions_one_open_per_order",
            "order_id",
            unique=True,
            sqlite_where=text(OPEN_SESSION_WHERE),
            postgresql_where=text(OPEN_SESSION_WHERE),
        ),
        Index("ix_pack_sessions_bench_state", "bench", "state"),
    )
    id: Mapped[Key]
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    bench: Mapped[Name]
    packer: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16))
    order_version: Mapped[int]
    taken_over_from: Mapped[int | None] = mapped_column(BigId, ForeignKey("pack_sessions.id"))
    opened_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ScanEvent(Base):
    """Append-only: every scan, accepted or refused, with what we made of it."""

    __tablename__ = "scan_events"
    id: Mapped[Key]
    session_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("pack_sessions.id"), index=True
    )
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id"))
    bench: Mapped[Name]
    packer: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[Timestamp] = mapped_column(index=True)
    raw_code: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(512))
    verdict: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str | None] = mapped_column(String(128))
    units: Mapped[int] = mapped_column(default=0)


class ScanTally(Base):
    """Scans per hour, bench, packer and verdict, so the dashboard sums a few hundred rows
    instead of the scan log. Kept by database triggers on `scan_events` (migration
    0004_dashboard), so every writer counts and no scan path has to remember it."""

    __tablename__ = "scan_tallies"
    hour: Mapped[Timestamp] = mapped_column(primary_key=True)  # UTC, whole hour
    bench: Mapped[Name] = mapped_column(primary_key=True)
    packer: Mapped[str] = mapped_column(String(200), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(32), primary_key=True)
    scans: Mapped[int]
    units: Mapped[int]


class PrintJob(Base):
    """The print outbox: one row per label to print; `idempotency_key` forbids duplicates."""

    __tablename__ = "print_jobs"
    id: Mapped[Key]
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("pack_sessions.id"))
    bench: Mapped[Name]
    printer_spec: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(16))  # completion | reprint | batch
    # pending | sending | printed | failed (retried) | held (a person decides) | void
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(32))  # e.g. paper_end, never prose
    error_params: Mapped[str | None] = mapped_column(Text)  # JSON object of the code's values
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditRecord(Base):
    """Every supervisor override and every change to rules, for later questions."""

    __tablename__ = "audit"
    id: Mapped[Key]
    at: Mapped[Timestamp] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    bench: Mapped[str | None] = mapped_column(String(200))  # where it happened, when known
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class Setting(Base):
    """Shared configuration every bench reads (e.g. priority rules), as JSON."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class Manifest(Base):
    """A closed carrier handover list (交接单): its parcels are handed over."""

    __tablename__ = "manifests"
    id: Mapped[Key]
    manifest_no: Mapped[Code] = mapped_column(unique=True)
    carrier: Mapped[str] = mapped_column(String(64), index=True)
    packed_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    packed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[Name]
    closed_at: Mapped[Timestamp]


class ManifestParcel(Base):
    """A parcel on a closed manifest, as it was listed. The unique order id is the rule
    that a parcel is handed over once: two supervisors closing at once cannot both list it.
    `left_off` rows are parcels intercepted after packing, listed apart, not handed over
    (and free to be on a later manifest if the order is released)."""

    __tablename__ = "manifest_parcels"
    __table_args__ = (
        Index(
            "uq_manifest_parcels_handed_over_order",
            "order_id",
            unique=True,
            sqlite_where=text("left_off = 0"),
            postgresql_where=text("left_off = false"),
        ),
    )
    id: Mapped[Key]
    manifest_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("manifests.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    order_no: Mapped[Code]
    waybill_no: Mapped[str] = mapped_column(String(128))
    province: Mapped[str] = mapped_column(String(64), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    priority: Mapped[str | None] = mapped_column(String(32))
    packed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    left_off: Mapped[bool] = mapped_column(default=False)
    stop_reason: Mapped[str | None] = mapped_column(String(32))
