"""dashboard: scan tallies kept by triggers, partial indexes for intercepts and backlog

Revision ID: 0004_dashboard
Revises: 0003_auth

`scan_tallies` holds scans per (hour, bench, packer, verdict); a trigger on `scan_events`
adds each new scan to its row, so the dashboard sums a few hundred rows instead of the
scan log. The key holds the bench, so two benches never write the same row (no lock
between benches). Existing scans are counted in once, here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_dashboard"
down_revision = "0003_auth"
branch_labels = None
depends_on = None

PRIORITY_WAITING = "status = 'paid' AND priority IS NOT NULL AND intercept_reason IS NULL"

# SQLite keeps SQLAlchemy's DateTime as text 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC here).
SQLITE_HOUR = "substr({at}, 1, 13) || ':00:00.000000'"
SQLITE_TRIGGER = f"""
CREATE TRIGGER scan_tallies_add AFTER INSERT ON scan_events
BEGIN
    INSERT INTO scan_tallies (hour, bench, packer, verdict, scans, units)
    VALUES ({SQLITE_HOUR.format(at="NEW.at")}, NEW.bench, NEW.packer, NEW.verdict, 1, NEW.units)
    ON CONFLICT (hour, bench, packer, verdict)
    DO UPDATE SET scans = scans + 1, units = units + excluded.units;
END
"""
PG_HOUR = "date_trunc('hour', {at} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
PG_FUNCTION = f"""
CREATE FUNCTION scan_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO scan_tallies (hour, bench, packer, verdict, scans, units)
    VALUES ({PG_HOUR.format(at="NEW.at")}, NEW.bench, NEW.packer, NEW.verdict, 1, NEW.units)
    ON CONFLICT (hour, bench, packer, verdict)
    DO UPDATE SET scans = scan_tallies.scans + 1, units = scan_tallies.units + EXCLUDED.units;
    RETURN NULL;
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER scan_tallies_add AFTER INSERT ON scan_events
FOR EACH ROW EXECUTE FUNCTION scan_tallies_add()
"""
BACKFILL = """
INSERT INTO scan_tallies (hour, bench, packer, verdict, scans, units)
SELECT {hour}, bench, packer, verdict, count(*), coalesce(sum(units), 0)
FROM scan_events GROUP BY {hour}, bench, packer, verdict
"""


def upgrade() -> None:
    op.create_table(
        "scan_tallies",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bench", sa.String(length=200), nullable=False),
        sa.Column("packer", sa.String(length=200), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "bench", "packer", "verdict", name=op.f("pk_scan_tallies")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_intercepted",
            ["intercept_reason"],
            unique=False,
            sqlite_where=sa.text("intercept_reason IS NOT NULL"),
            postgresql_where=sa.text("intercept_reason IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_orders_priority_waiting",
            ["priority", "imported_at"],
            unique=False,
            sqlite_where=sa.text(PRIORITY_WAITING),
            postgresql_where=sa.text(PRIORITY_WAITING),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        op.execute(BACKFILL.format(hour=PG_HOUR.format(at="at")))
    else:
        op.execute(SQLITE_TRIGGER)
        op.execute(BACKFILL.format(hour=SQLITE_HOUR.format(at="at")))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER scan_tallies_add ON scan_events")
        op.execute("DROP FUNCTION scan_tallies_add()")
    else:
        op.execute("DROP TRIGGER scan_tallies_add")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_priority_waiting")
        batch_op.drop_index("ix_orders_intercepted")
    op.drop_table("scan_tallies")
