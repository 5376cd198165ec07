"""The print outbox: rows that say a label must be printed. Printing itself is a worker's job.

A completed session gets exactly one job, keyed by the session, so retrying a completion
(or a crash between commit and acknowledgement) can never queue a second label.

A job's life, one state column (see `JobState`):

    pending → sending → printed
                      → failed  (nothing or a torn half came out: retried after a back-off)
                      → held    (the label may exist: a person checks it, then reprints/voids)
    any → void (a supervisor: the label must not be used)

Why a job failed or is held is a code (`error_code`: `paper_end`, `offline`,
`outcome_unknown` …) with its parameters as a JSON object (`error_params`); the words
for a code belong to the edge that shows it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from packstation.domain.orders import OrderStatus
from packstation.domain.sessions import SessionState
from packstation.errors import ErrorCode, UserError
from packstation.storage.conflicts import insert_unless_exists
from packstation.storage.database import Database
from packstation.storage.driver import DriverStatement
from packstation.storage.tables import Order, PackSession, PrintJob


class JobState(StrEnum):
    PENDING = "pending"  # queued, not yet tried (or moved to another printer)
    SENDING = "sending"  # claimed by a worker; bytes may be on the wire
    PRINTED = "printed"  # the printer took every byte (and answered, if it can)
    FAILED = "failed"  # nothing usable came out; retried after a back-off
    HELD = "held"  # may have printed, or must not print: a person decides
    VOID = "void"  # a supervisor voided it; its label must not be used


#: States a worker may claim.
CLAIMABLE = (JobState.PENDING, JobState.FAILED)
#: States of a job still to be dealt with (shown in queues, not yet printed or voided).
OPEN_STATES = (JobState.PENDING, JobState.SENDING, JobState.FAILED, JobState.HELD)


class JobErrorCode(StrEnum):
    """Codes the core itself gives a job; printer reasons (`paper_end` …) are stored as is."""

    OUTCOME_UNKNOWN = "outcome_unknown"  # held: sent, unconfirmed; params: cause, printer
    INTERCEPTED = "intercepted"  # held: the order must not ship; params: order_no, stop
    LABEL_DATA = "label_data"  # failed: the order cannot become a label; params: order_no
    NO_PRINTER = "no_printer"  # failed: no printer anywhere; params: bench


JsonValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class JobError:
    """Why a job failed or is held: a code and its parameters (no sentences)."""

    code: str
    params: Mapping[str, JsonValue] = field(default_factory=dict)

    def params_json(self) -> str | None:
        if not self.params:
            return None
        return json.dumps(dict(self.params), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_columns(cls, code: str | None, params: str | None) -> JobError | None:
        """From `error_code` and `error_params`; None when the job has no error."""
        if not code:
            return None
        try:
            values = json.loads(params) if params else {}
        except ValueError:
            values = {}
        return cls(code, values if isinstance(values, dict) else {})


@dataclass(frozen=True, slots=True)
class Backoff:
    """Wait before retry n: base·2^(n-1) seconds, capped, so a dead printer is not hammered."""

    base_s: float = 5.0
    cap_s: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))

    def retry_at(self, updated_at: datetime, attempts: int) -> datetime:
        return aware(updated_at) + self.delay(attempts)


def aware(when: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; every stored time is UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def completion_key(session_id: int) -> str:
    return f"session:{session_id}:completion"


def reprint_key(order_no: str, n: int) -> str:
    return f"reprint:{order_no}:{n}"


def reprint_number(idempotency_key: str) -> int:
    """n of a `reprint:<order>:<n>` key (the label's 重打 n); 0 for any other job."""
    if not idempotency_key.startswith("reprint:"):
        return 0
    tail = idempotency_key.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


_JOB_COLUMNS = (
    "idempotency_key",
    "order_id",
    "session_id",
    "bench",
    "printer_spec",
    "reason",
    "state",
    "attempts",
    "created_at",
    "updated_at",
)
# The completion path runs on the driver (storage.driver): it is part of the scan that
# completes the box, and the packer waits for that scan.
_QUEUE_JOB_SQL = {
    dialect: statement.values({c: bindparam(c) for c in _JOB_COLUMNS})
    for dialect, statement in insert_unless_exists(
        PrintJob, [PrintJob.idempotency_key], PrintJob.id
    ).items()
}
_QUEUE_JOB = {dialect: DriverStatement(statement) for dialect, statement in _QUEUE_JOB_SQL.items()}
_JOB_BY_KEY = select(PrintJob.id).where(PrintJob.idempotency_key == bindparam("key"))
_CLOSE_OPEN_SESSION_SQL = (
    update(PackSession)
    .where(PackSession.id == bindparam("session_id"), PackSession.state == SessionState.OPEN.value)
    .values(state=SessionState.COMPLETED.value, closed_at=bindparam("now"))
)
_CLOSE_OPEN_SESSION = DriverStatement(_CLOSE_OPEN_SESSION_SQL)
_MARK_PACKED_SQL = (
    update(Order)
    .where(Order.id == bindparam("order_id"))
    .values(status=OrderStatus.PACKED.value, packed_at=bindparam("now"))
)
_MARK_PACKED = DriverStatement(_MARK_PACKED_SQL)
# PostgreSQL: close, mark packed and queue in one statement (data-modifying CTEs), since
# each statement is a round trip to the server that the completing scan waits for.
_SEAL_AND_QUEUE_PG = DriverStatement(
    _QUEUE_JOB_SQL["postgresql"].add_cte(
        _CLOSE_OPEN_SESSION_SQL.cte("closed"), _MARK_PACKED_SQL.cte("packed")
    )
)


def _job_values(
    session_id: int, order_id: int, bench: str, printer_spec: str | None, now: datetime
) -> dict[str, object]:
    return {
        "idempotency_key": completion_key(session_id),
        "order_id": order_id,
        "session_id": session_id,
        "bench": bench,
        "printer_spec": printer_spec,
        "reason": "completion",
        "state": JobState.PENDING.value,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def _job_id(conn: Connection, inserted: list[tuple[Any, ...]], session_id: int) -> int:
    """The id just inserted, or that of the job queued before (a retried completion)."""
    if inserted:
        return int(inserted[0][0])
    queued = conn.scalar(_JOB_BY_KEY, {"key": completion_key(session_id)})
    assert queued is not None  # the insert found it there
    return queued


def queue_completion_job(
    conn: Connection, session_id: int, order_id: int, bench: str, printer_spec: str | None
) -> int:
    """The completion job of a session: created once, returned again on every retry."""
    values = _job_values(session_id, order_id, bench, printer_spec, datetime.now(UTC))
    return _job_id(conn, _QUEUE_JOB[conn.dialect.name].rows(conn, values), session_id)


def seal_session(
    conn: Connection,
    session_id: int,
    order_id: int,
    bench: str,
    *,
    print_label: bool,
    printer_spec: str | None = None,
) -> int | None:
    """Complete an open session: session closed, order packed, label queued (or not, for
    pre-printed waybills). The caller knows the session is open in this transaction."""
    now = datetime.now(UTC)
    if print_label and conn.dialect.name == "postgresql":
        values = {**_job_values(session_id, order_id, bench, printer_spec, now), "now": now}
        return _job_id(conn, _SEAL_AND_QUEUE_PG.rows(conn, values), session_id)
    _CLOSE_OPEN_SESSION.execute(conn, {"session_id": session_id, "now": now})
    _MARK_PACKED.execute(conn, {"order_id": order_id, "now": now})
    if not print_label:
        return None
    return queue_completion_job(conn, session_id, order_id, bench, printer_spec)


def finish_session(
    conn: Connection, session_id: int, *, print_label: bool, printer_spec: str | None = None
) -> int | None:
    """Complete a session, or answer again for one completed before. Idempotent.

    The session row is locked first (PostgreSQL), so a bench still scanning into it is
    waited for and its outcome (completed, intercepted, moved) is what gets judged.
    """
    session = conn.execute(
        select(PackSession.order_id, PackSession.bench, PackSession.state)
        .where(PackSession.id == session_id)
        .with_for_update()
    ).one()
    if session.state == SessionState.OPEN:
        return seal_session(
            conn,
            session_id,
            session.order_id,
            session.bench,
            print_label=print_label,
            printer_spec=printer_spec,
        )
    if session.state != SessionState.COMPLETED:
        raise UserError(
            ErrorCode.SESSION_CLOSED, session_id=session_id, state=SessionState(session.state)
        )
    if not print_label:
        return None
    return queue_completion_job(conn, session_id, session.order_id, session.bench, printer_spec)


def complete_session(
    db: Database, session_id: int, *, print_label: bool = True, printer_spec: str | None = None
) -> int | None:
    """Complete (or re-complete, after a lost answer) a session in its own transaction."""
    with db.transaction() as conn:
        return finish_session(conn, session_id, print_label=print_label, printer_spec=printer_spec)
