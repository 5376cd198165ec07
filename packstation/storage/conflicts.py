"""INSERT … ON CONFLICT DO NOTHING RETURNING, for both backends.

One statement instead of SAVEPOINT + INSERT + RELEASE (and a failed insert that aborts
nothing): the database, not a race-prone read, decides whether a row already exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, TextClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute


def insert_unless_exists(
    entity: Any,
    conflict_on: Sequence[InstrumentedAttribute[Any]],
    returning: InstrumentedAttribute[Any],
    where: ColumnElement[bool] | TextClause | None = None,
) -> dict[str, Insert]:
    """The statement per dialect name; it returns no row when the conflict target exists."""
    return {
        name: dialect.insert(entity)
        .on_conflict_do_nothing(index_elements=list(conflict_on), index_where=where)
        .returning(returning)
        for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
    }
