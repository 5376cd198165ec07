"""Alembic environment: runs on the connection handed in by `packstation.storage.schema`."""

from __future__ import annotations

from alembic import context

from packstation.storage.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
