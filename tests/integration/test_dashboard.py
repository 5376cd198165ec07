"""The dashboard's read service against what was written, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from packstation.cli import main
from packstation.domain.verdicts import Verdict
from packstation.services.dashboard import (
    ExceptionKind,
    PrinterState,
    read_dashboard,
    scans_by_verdict,
)
from packstation.services.stats import collect_stats
from packstation.storage.database import Database
from tests.factories import TEE, load, order
from tests.integration.helpers import scan_all, station
from tests.ui.dashboard_shift import build_shift

TEE_CODE, SOCKS_CODE = "6901234567892", "6920000000012"


def test_the_figures_are_what_the_shift_did(db: Database) -> None:
    now = datetime.now(UTC)
    truth = build_shift(db, now, troubled=False)
    board = read_dashboard(db, now=now)
    assert board.orders_today == truth.packed_today
    assert board.units_today == truth.units_today
    assert board.wrong_scans_today == truth.wrong_today
    assert sum(sum(v) for v in board.per_bench().values()) == truth.packed_today
    assert {b: sum(v) for b, v in board.per_bench().items()} == truth.per_bench
    assert {b.key: b.waiting for b in board.backlog if b.waiting} == truth.waiting
    assert not any(b.warning for b in board.backlog)
    assert len(board.open_boxes) == 4
    assert all(p.state is PrinterState.OK for p in board.printers)
    assert board.orders_this_hour == sum(v[-1] for v in board.per_bench().values())


def test_a_troubled_shift_shows_the_printer_down_the_ageing_backlog_and_the_intercepts(
    db: Database,
) -> None:
    now = datetime.now(UTC)
    truth = build_shift(db, now, troubled=True)
    board = read_dashboard(db, now=now)
    printers = {p.bench: p for p in board.printers}
    assert printers["B03"].state is PrinterState.FAULT
    assert printers["B03"].error_reason == "offline" and printers["B03"].queued == 7
    assert printers["B01"].held == 2 and printers["B01"].state is PrinterState.OK
    assert all(b.warning for b in board.backlog if b.waiting)
    assert board.intercepts_today == truth.intercepts_today == 5
    assert (board.orders_intercepted, board.orders_cancelled, board.orders_refunded) == (3, 1, 5)
    kinds = {e.kind for e in board.exceptions}
    assert kinds == set(ExceptionKind)
    assert [e.at for e in board.exceptions] == sorted(
        (e.at for e in board.exceptions), reverse=True
    )


def test_real_scans_reach_the_tallies_through_the_trigger(db: Database) -> None:
    load(db, order("T1001"), order("T1002", TEE))
    bench = station(db, "A")
    verdicts = scan_all(bench, "T1001", TEE_CODE, "6930000000028", SOCKS_CODE, SOCKS_CODE)
    assert verdicts[-1] is Verdict.ORDER_COMPLETE
    scan_all(bench, "T1002", "NOPE-1", TEE_CODE)
    board = read_dashboard(db)
    assert board.orders_today == 2 and board.units_today == 4
    assert board.wrong_scans_today == 2  # two codes no product has
    assert board.unit_scans_today == 4
    assert board.wrong_rate == pytest.approx(2 / 6)
    with db.transaction() as conn:
        assert scans_by_verdict(conn) == {
            "ok": 2,
            "order_complete": 2,
            "order_opened": 2,
            "unknown_code": 2,
        }


def test_scans_since_a_time_inside_an_hour_are_counted_exactly(db: Database) -> None:
    load(db, order("T1001"))
    scan_all(station(db, "A"), "T1001", TEE_CODE)
    later = datetime.now(UTC) + timedelta(minutes=1)
    with db.transaction() as conn:
        conn.execute(text("UPDATE scan_events SET at = :at WHERE verdict = 'ok'"), {"at": later})
        assert scans_by_verdict(conn, later - timedelta(seconds=1)) == {"ok": 1}
        assert scans_by_verdict(conn, later + timedelta(seconds=1)) == {}


def test_stats_shows_the_dashboard_figures_and_cancelled_and_refunded(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    truth = build_shift(db, now, troubled=True)
    stats = collect_stats(db)
    assert stats["today"]["orders_packed"] == truth.packed_today
    assert (stats["orders_cancelled"], stats["orders_refunded"]) == (1, 5)
    assert main(["--db", db_url, "stats"]) == 0
    out = capsys.readouterr().out
    assert "已取消 / cancelled" in out and "已退款 / refunded" in out
    line = next(li for li in out.splitlines() if li.startswith("已退款"))
    assert line.split()[-1] == "5"
    assert main(["--db", db_url, "stats", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    for key in (
        "orders_total",
        "orders_packable",
        "orders_packed",
        "orders_intercepted",
        "sessions_open",
        "scans_total",
        "print_jobs_pending",
    ):
        assert key in document


def test_the_backlog_count_is_capped_on_refresh_and_exact_with_totals(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packstation.services import dashboard

    now = datetime.now(UTC)
    truth = build_shift(db, now, troubled=False)
    monkeypatch.setattr(dashboard, "BACKLOG_COUNT_CAP", 3)
    capped = {b.key: (b.waiting, b.more) for b in read_dashboard(db, now=now).backlog}
    exact = {b.key: b.waiting for b in read_dashboard(db, now=now, with_totals=True).backlog}
    assert exact == {k: truth.waiting.get(k, 0) for k in exact}
    for key, n in exact.items():
        assert capped[key] == ((3, True) if n > 3 else (n, False))
