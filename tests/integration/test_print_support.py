"""Helpers shared by the print queue tests (no tests here): clock, packing, reading codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import zxingcpp
from PIL import Image
from sqlalchemy import select

from packstation.services.print_jobs import JobError
from packstation.services.users import USER_ACTIONS, add_user
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, PrintJob
from tests.factories import TEE, load, order
from tests.integration.helpers import station

TEE_CODE = "6901234567892"


class Clock:
    """The worker's wall clock, moved by the test (back-off without sleeping)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def pack_one(db: Database, order_no: str = "T1", *, bench: str = "A", **order_kw: object) -> int:
    """Import a one-T-shirt order, pack it at `bench`; returns the completion job id."""
    load(db, order(order_no, TEE, **order_kw))  # type: ignore[arg-type]
    bench_station = station(db, bench)
    bench_station.scan(order_no, live=False)
    result = bench_station.scan(TEE_CODE, live=False)
    assert result.print_job_id is not None, result
    return result.print_job_id


def job(db: Database, job_id: int) -> PrintJob:
    with db.session() as session:
        found = session.get(PrintJob, job_id)
        assert found is not None
        return found


def job_error(db: Database, job_id: int) -> JobError:
    row = job(db, job_id)
    error = JobError.from_columns(row.error_code, row.error_params)
    assert error is not None
    return error


def supervisor(db: Database, name: str = "boss", pin: str = "2468") -> tuple[str, str]:
    """A supervisor for the actions that need one; (name, PIN)."""
    add_user(db, name, "supervisor", pin)
    return name, pin


def audit_actions(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(AuditRecord.actor, AuditRecord.action, AuditRecord.target)
            .where(AuditRecord.action.not_in(USER_ACTIONS))
            .order_by(AuditRecord.id)
        )
        return [tuple(r) for r in rows]


def codes(image: Image.Image) -> set[tuple[str, str]]:
    """(format, text) of every barcode zxing-cpp reads in a label bitmap."""
    found = zxingcpp.read_barcodes(image.convert("L"))
    return {(r.format.name, r.text) for r in found}
