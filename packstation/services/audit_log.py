"""Reading the audit log: filters (who, what, bench, time) and CSV export.

Read-only by design: this module, like the rest of the app and the CLI, has no way to
change or delete an audit record (only `services.audit.record_audit` writes, inserting).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from packstation.errors import UserError
from packstation.importers.export import csv_bytes
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord

#: Keys of an audit record's detail that name a bench (older records use from/to_bench).
BENCH_KEYS = ("bench", "from_bench", "to_bench")
CSV_HEADER = ("at", "actor", "action", "target", "bench", "detail")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    bench: str = ""
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    bench: str
    detail: dict[str, object]


def _benches(detail: dict[str, object]) -> list[str]:
    return [str(detail[k]) for k in BENCH_KEYS if detail.get(k)]


def query_audit(db: Database, wanted: AuditFilter = AuditFilter()) -> tuple[AuditEntry, ...]:
    """Audit records matching every filter given, newest first, at most `limit`.

    Who, what and time are filtered in SQL; the bench is read from the record's detail.
    ADAPTER (authcli): once `audit` has its own `bench` column, filter on it in SQL.
    """
    query = select(
        AuditRecord.id,
        AuditRecord.at,
        AuditRecord.actor,
        AuditRecord.action,
        AuditRecord.target,
        AuditRecord.detail,
    ).order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
    if wanted.actor.strip():
        query = query.where(AuditRecord.actor == wanted.actor.strip())
    if wanted.action.strip():
        query = query.where(AuditRecord.action == wanted.action.strip())
    if wanted.since is not None:
        query = query.where(AuditRecord.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditRecord.at < wanted.until)
    bench = wanted.bench.strip()
    out: list[AuditEntry] = []
    with db.transaction() as conn:
        for row in conn.execute(query.execution_options(yield_per=500)):
            try:
                detail = json.loads(row.detail or "{}")
            except ValueError:
                detail = {"text": row.detail}
            if not isinstance(detail, dict):
                detail = {"value": detail}
            benches = _benches(detail)
            if bench and bench not in benches:
                continue
            at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
            out.append(
                AuditEntry(
                    row.id, at, row.actor, row.action, row.target, ", ".join(benches), detail
                )
            )
            if len(out) >= wanted.limit:
                break
    return tuple(out)


def audit_csv(entries: tuple[AuditEntry, ...]) -> bytes:
    """UTF-8 CSV (with BOM, for Excel); formula-like cells escaped as text."""
    cells = [CSV_HEADER] + [
        (
            e.at.isoformat(timespec="seconds"),
            e.actor,
            e.action,
            e.target,
            e.bench,
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
        )
        for e in entries
    ]
    return csv_bytes(cells, "utf-8-sig")


def export_audit_csv(db: Database, wanted: AuditFilter, out: Path) -> int:
    """Write the matching records to `out`; returns how many."""
    entries = query_audit(db, wanted)
    try:
        out.write_bytes(audit_csv(entries))
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc}", f"cannot write {out}: {exc}") from exc
    return len(entries)
