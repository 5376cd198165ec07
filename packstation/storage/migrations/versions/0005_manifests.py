"""carrier handover manifests; indexes for the staffing estimate and barcode readiness

Revision ID: 0005_manifests
Revises: 0004_dashboard
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_manifests"
down_revision = "0004_dashboard"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_lines_sku_order", ["sku", "order_id", "quantity"], unique=False
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_backlog", ["status", "intercept_reason", "priority"], unique=False
        )
    op.create_table(
        "manifests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("manifest_no", sa.String(length=128), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("packed_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("packed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifests")),
        sa.UniqueConstraint("manifest_no", name=op.f("uq_manifests_manifest_no")),
    )
    with op.batch_alter_table("manifests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manifests_carrier"), ["carrier"], unique=False)

    op.create_table(
        "manifest_parcels",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("manifest_id", _ID, nullable=False),
        sa.Column("order_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(length=128), nullable=False),
        sa.Column("waybill_no", sa.String(length=128), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=32), nullable=True),
        sa.Column("packed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_off", sa.Boolean(), nullable=False),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["manifest_id"],
            ["manifests.id"],
            name=op.f("fk_manifest_parcels_manifest_id_manifests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_manifest_parcels_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifest_parcels")),
    )
    with op.batch_alter_table("manifest_parcels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_manifest_parcels_manifest_id"), ["manifest_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_manifest_parcels_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            "uq_manifest_parcels_handed_over_order",
            ["order_id"],
            unique=True,
            sqlite_where=sa.text("left_off = 0"),
            postgresql_where=sa.text("left_off = false"),
        )


def downgrade() -> None:
    op.drop_table("manifest_parcels")
    op.drop_table("manifests")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_backlog")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_sku_order")
