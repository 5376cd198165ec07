"""Supervisor overrides: refused to a packer (service layer and CLI), done and audited
for a supervisor, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from packstation.cli import main
from packstation.domain.verdicts import Verdict
from packstation.services import overrides
from packstation.services.audit_log import AuditFilter, audit_csv, query_audit
from packstation.services.dashboard import read_dashboard
from packstation.services.users import USER_ACTIONS, PermissionDeniedError, add_user
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, Bench, Order, PackSession, PrintJob
from tests.factories import load, order
from tests.integration.helpers import scan_all, station

TEE_CODE, SOCKS_CODE = "6901234567892", "6920000000012"
ROOT = Path(__file__).resolve().parents[2]
RULES = (
    '{"rules": [{"key": "beijing", "city": "北京市", "colour": "#CC0000", "mark": "京", '
    '"promise": "次日达"}]}'
)


@pytest.fixture
def floor(db: Database) -> Database:
    """Orders, a packer, a supervisor, an open box at A, a packed order with a label, an
    intercepted order."""
    add_user(db, "boss", "supervisor", "2468")
    add_user(db, "packer1", "packer", "1357")
    load(db, order("T1001"), order("T1002"), order("T1003"))
    bench = station(db, "A")
    scan_all(bench, "T1002", TEE_CODE, SOCKS_CODE, SOCKS_CODE)  # packed, label queued
    scan_all(bench, "T1001", TEE_CODE)  # open at A, one unit of three
    bench.close()
    with db.transaction() as conn:
        conn.execute(
            update(Order).where(Order.order_no == "T1003").values(intercept_reason="lines_changed")
        )
    return db


def _job(db: Database) -> int:
    with db.transaction() as conn:
        return int(conn.scalar(select(PrintJob.id).order_by(PrintJob.id)))


ACTIONS: dict[str, Callable[[Database, str, str], object]] = {
    "force_complete": lambda db, who, pin: overrides.force_complete(
        db, "T1001", "缺货，客户同意", who, pin
    ),
    "take_over": lambda db, who, pin: overrides.take_over(db, "T1001", "B", who, pin),
    "reprint": lambda db, who, pin: overrides.reprint(db, "T1002", who, pin),
    "void": lambda db, who, pin: overrides.void_label(db, _job(db), who, pin),
    "move": lambda db, who, pin: overrides.move_job(db, _job(db), "tcp:10.0.0.9:9100", who, pin),
    "release": lambda db, who, pin: overrides.release(db, "T1003", "地址已核对", who, pin),
    "rules": lambda db, who, pin: overrides.set_priority_rules(db, RULES, who, pin),
    "bench": lambda db, who, pin: overrides.set_bench_printer(db, "A", "tcp:h:9100", who, pin),
    "backlog": lambda db, who, pin: overrides.set_backlog_warning(db, 90, who, pin),
}


def _snapshot(db: Database) -> list[object]:
    with db.transaction() as conn:
        return [
            # wrong PINs are audited by design (pin_failed); no other record may appear
            conn.execute(text("SELECT count(*) FROM audit WHERE action <> 'pin_failed'")).scalar(),
            conn.execute(
                select(PackSession.bench, PackSession.state).order_by(PackSession.id)
            ).all(),
            conn.execute(select(PrintJob.state, PrintJob.printer_spec).order_by(PrintJob.id)).all(),
            conn.execute(select(Order.status, Order.intercept_reason).order_by(Order.id)).all(),
            conn.execute(select(Bench.name, Bench.printer_spec).order_by(Bench.name)).all(),
            conn.execute(text("SELECT count(*) FROM settings")).scalar(),
        ]


@pytest.mark.parametrize(
    ("action", "who", "pin"),
    [(action, "packer1", "1357") for action in sorted(ACTIONS)]
    + [("release", "boss", "0000"), ("force_complete", "nobody", "1357")],
)
def test_a_packer_or_a_wrong_pin_performs_no_override(
    floor: Database, action: str, who: str, pin: str
) -> None:
    before = _snapshot(floor)
    with pytest.raises(PermissionDeniedError):
        ACTIONS[action](floor, who, pin)
    assert _snapshot(floor) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_supervisor_override_is_done_and_audited(floor: Database, action: str) -> None:
    with floor.transaction() as conn:
        audits = conn.scalar(select(func.count()).select_from(AuditRecord))
    ACTIONS[action](floor, "boss", "2468")
    entries = query_audit(floor)
    assert len(entries) == audits + 1
    assert entries[0].actor == "boss"


def test_force_complete_queues_the_label_and_records_the_reason(floor: Database) -> None:
    job = overrides.force_complete(floor, "T1001", "缺货，客户同意", "boss", "2468")
    assert job is not None
    entry = query_audit(floor, AuditFilter(action="force_complete"))[0]
    assert entry.detail["reason"] == "缺货，客户同意"
    assert (entry.detail["units_packed"], entry.detail["units_required"]) == (1, 3)
    assert entry.bench == "A"
    board = read_dashboard(floor)
    assert board.orders_today == 2 and not board.open_boxes
    assert any(e.detail == "force_complete" for e in board.exceptions)


def test_force_complete_needs_a_reason_and_refuses_an_intercepted_order(floor: Database) -> None:
    with pytest.raises(Exception, match="reason"):
        overrides.force_complete(floor, "T1001", "  ", "boss", "2468")
    with floor.transaction() as conn:
        conn.execute(update(Order).where(Order.order_no == "T1001").values(status="refunded"))
    with pytest.raises(Exception, match="intercepted"):
        overrides.force_complete(floor, "T1001", "ok", "boss", "2468")


def test_a_taken_over_box_carries_on_at_the_new_bench(floor: Database) -> None:
    assert overrides.take_over(floor, "T1001", "B", "boss", "2468") == "A"
    bench_b = station(floor, "B")
    assert scan_all(bench_b, "T1001", SOCKS_CODE, SOCKS_CODE) == [
        Verdict.ORDER_OPENED,
        Verdict.OK,
        Verdict.ORDER_COMPLETE,
    ]


def test_a_released_order_can_be_packed(floor: Database) -> None:
    assert scan_all(station(floor, "C"), "T1003") == [Verdict.INTERCEPTED]
    assert overrides.release(floor, "T1003", "地址已核对", "boss", "2468") == "lines_changed"
    bench = station(floor, "C")
    assert scan_all(bench, "T1003", TEE_CODE, SOCKS_CODE, SOCKS_CODE)[-1] is Verdict.ORDER_COMPLETE
    with pytest.raises(Exception, match="not intercepted"):
        overrides.release(floor, "T1003", "again", "boss", "2468")


CLI_OVERRIDES = [
    ["override", "force-complete", "T1001", "--reason", "x"],
    ["override", "take-over", "T1001", "--bench", "B"],
    ["override", "release", "T1003", "--reason", "x"],
    ["override", "move", "1", "--printer", "tcp:h:9100"],
    ["override", "bench-printer", "A", "--printer", "tcp:h:9100"],
    ["override", "backlog-warning", "60"],
    ["print-job", "reprint", "T1002"],
    ["print-job", "void", "1"],
]


@pytest.mark.parametrize("command", CLI_OVERRIDES, ids=lambda c: "-".join(c[:2]))
def test_a_packer_performs_no_override_through_the_cli(
    floor: Database, db_url: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(floor)
    code = main(["--db", db_url, *command, "--supervisor", "packer1", "--pin", "1357"])
    assert code == 1
    assert "supervisor" in capsys.readouterr().err
    assert _snapshot(floor) == before


def test_the_cli_override_works_for_a_supervisor(floor: Database, db_url: str) -> None:
    args = ["override", "release", "T1003", "--reason", "核对", "--supervisor", "boss"]
    assert main(["--db", db_url, *args, "--pin", "2468"]) == 0
    assert query_audit(floor, AuditFilter(action="order_release"))[0].detail["reason"] == "核对"


def test_the_audit_log_filters_and_exports_but_never_edits(
    floor: Database, db_url: str, tmp_path: Path
) -> None:
    overrides.set_bench_printer(floor, "A", "tcp:a:9100", "boss", "2468")
    overrides.force_complete(floor, "T1001", '=HYPERLINK("x")', "boss", "2468")
    found = query_audit(floor, AuditFilter(bench="A"))
    assert [e.action for e in found if e.action not in USER_ACTIONS] == [
        "force_complete",
        "bench_printer",
    ]
    assert [e for e in query_audit(floor, AuditFilter(actor="packer1"))
            if e.action not in USER_ACTIONS] == []
    assert len(query_audit(floor, AuditFilter(action="bench_printer"))) == 1
    body = audit_csv(query_audit(floor)).decode("utf-8-sig")
    assert body.splitlines()[0] == "at,actor,action,target,bench,detail"
    out = tmp_path / "audit.csv"
    assert main(["--db", db_url, "audit", "--bench", "A", "--csv", str(out)]) == 0
    assert out.read_text("utf-8-sig").count("\n") == 3
    # No code path changes or deletes an audit record.
    writers = re.compile(r"(update|delete)\(\s*AuditRecord|(UPDATE|DELETE FROM)\s+audit\b")
    for package in ("packstation", "ui"):
        for source in (ROOT / package).rglob("*.py"):
            assert not writers.search(source.read_text("utf-8")), source
