"""The composition root: the one place that builds real objects and wires the edges in.

The CLI and the Qt app get their database, classifier and printers from here; nothing
else in the core imports `packstation.printers`.
"""

from __future__ import annotations

from packstation.services.importing import Classifier
from packstation.storage.database import Database
from packstation.storage.schema import upgrade


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """The configured database, migrated to the current schema."""
    db = Database.from_url(url)
    if migrate:
        upgrade(db.engine)
    return db


def classifier() -> Classifier:
    from packstation.address import classify

    return classify
