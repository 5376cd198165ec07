"""The Alembic migrations build exactly the schema `tables.py` declares, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from packstation.storage.database import Database
from packstation.storage.tables import Base


def test_migrations_match_the_declared_tables(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_one_open_session_per_order_is_a_partial_unique_index(db: Database) -> None:
    indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("pack_sessions")}
    index = indexes["uq_pack_sessions_one_open_per_order"]
    assert index["unique"] and index["column_names"] == ["order_id"]
