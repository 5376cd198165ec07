"""Audit records: who overrode what, when. Written in the caller's transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert

from packstation.storage.tables import AuditRecord


def record_audit(
    conn: Connection, actor: str, action: str, target: str, detail: dict[str, Any] | None = None
) -> None:
    conn.execute(
        insert(AuditRecord).values(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            target=target,
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        )
    )
