"""print job states as a column, error codes instead of sentences; bench printer settings

Revision ID: 0002_print_states
Revises: 0001

Before: a job waiting for a person was `state='failed'` with `last_error` starting
"[outcome_unknown]" (or "[intercepted]"), and every error was stored as the sentence
"[reason] 中文 / English". After: `held` is a state, and the reason is a code in
`error_code` (parameters, when there are any, in `error_params` as JSON). Existing rows
are converted: the code is the bracketed reason; free text without one (rows older than
the bracket format) becomes `printer_error`. The sentences are dropped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_print_states"
down_revision = "0001"
branch_labels = None
depends_on = None

HOLD_CODES = ("outcome_unknown", "intercepted")
LEGACY_CODE = "printer_error"


def legacy_code(text: str) -> str:
    """The code inside "[code] 中文 / English", or LEGACY_CODE for free text."""
    if text.startswith("[") and "] " in text:
        code = text[1:].split("] ", 1)[0].strip()
        if code and len(code) <= 32 and code.replace("_", "").isalnum():
            return code
    return LEGACY_CODE


def upgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("error_params", sa.Text(), nullable=True))
    with op.batch_alter_table("benches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_size", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("printer_state", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("printer_state_at", sa.DateTime(timezone=True), nullable=True)
        )

    jobs = sa.table(
        "print_jobs",
        sa.column("id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("last_error", sa.Text),
        sa.column("error_code", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(jobs.c.id, jobs.c.state, jobs.c.last_error).where(
            jobs.c.last_error.is_not(None), jobs.c.last_error != ""
        )
    ).all()
    for row in rows:
        code = legacy_code(row.last_error)
        state = "held" if row.state == "failed" and code in HOLD_CODES else row.state
        conn.execute(
            sa.update(jobs).where(jobs.c.id == row.id).values(state=state, error_code=code)
        )

    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_column("last_error")


def downgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    jobs = sa.table(
        "print_jobs",
        sa.column("state", sa.String),
        sa.column("last_error", sa.Text),
        sa.column("error_code", sa.String),
    )
    conn = op.get_bind()
    conn.execute(
        sa.update(jobs)
        .where(jobs.c.state == "sending")
        .values(state="failed", error_code="outcome_unknown")
    )
    conn.execute(
        sa.update(jobs)
        .where(jobs.c.error_code.is_not(None))
        .values(last_error="[" + jobs.c.error_code + "] ")
    )
    conn.execute(sa.update(jobs).where(jobs.c.state == "held").values(state="failed"))
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_column("error_params")
        batch_op.drop_column("error_code")
    with op.batch_alter_table("benches", schema=None) as batch_op:
        batch_op.drop_column("printer_state_at")
        batch_op.drop_column("printer_state")
        batch_op.drop_column("label_size")
