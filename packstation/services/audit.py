"""Audit records: who overrode what, when, and at which bench. Written in the caller's
transaction, so a record exists exactly when the change it describes does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert

from packstation.storage.tables import AuditRecord


def record_audit(
    conn: Connection,
    actor: str,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
    *,
    bench: str | None = None,
    at: datetime | None = None,
) -> None:
    conn.execute(
        insert(AuditRecord).values(
            at=at or datetime.now(UTC),
            actor=actor,
            action=action,
            target=target,
            bench=bench,
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        )
    )
