"""Migration 0002_print_states converts the print jobs a database already holds: "held" was
`failed` + "[outcome_unknown] …", every error a sentence; now states and codes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from packstation.storage.engine import make_engine
from packstation.storage.schema import upgrade
from tests.conftest import PG_URL, REQUIRE_PG

LEGACY = [
    # state, last_error → state, error_code
    ("failed", "[outcome_unknown] 发送结果未知：请检查面单 / outcome unknown: check it", "held"),
    ("failed", "[intercepted] 订单 T1 已拦截 / order T1 is intercepted", "held"),
    ("failed", "[paper_end] 打印机缺纸 / out of paper", "failed"),
    ("failed", "printer on fire", "failed"),
    ("printed", None, "printed"),
    ("void", "[offline] 打印机离线 / Printer offline", "void"),
    ("pending", None, "pending"),
]
CODES = ["outcome_unknown", "intercepted", "paper_end", "printer_error", None, "offline", None]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine_at_0001(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        upgrade(engine, "0001")
        yield engine
        engine.dispose()
        return
    schema = f"psmig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        upgrade(engine, "0001")
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_existing_jobs_get_states_and_codes_and_lose_their_sentences(
    engine_at_0001: Engine,
) -> None:
    now = datetime.now(UTC)
    with engine_at_0001.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO orders (order_no, platform, platform_order_no, status, recipient, "
                "phone, address, province, city, district, address_ambiguous, carrier, "
                "waybill_no, remarks, version, fingerprint, imported_at, updated_at) VALUES "
                "('T1', 'csv', 'T1', 'packed', '', '', '', '', '', '', false, '', '', '', 1, "
                "'', :now, :now)"
            ),
            {"now": now},
        )
        order_id = conn.execute(text("SELECT id FROM orders")).scalar_one()
        for n, (state, error, _) in enumerate(LEGACY):
            conn.execute(
                text(
                    "INSERT INTO print_jobs (idempotency_key, order_id, bench, reason, state, "
                    "attempts, last_error, created_at, updated_at) VALUES "
                    "(:key, :order_id, 'A', 'completion', :state, 1, :error, :now, :now)"
                ),
                {"key": f"k{n}", "order_id": order_id, "state": state, "error": error, "now": now},
            )
    upgrade(engine_at_0001)
    with engine_at_0001.connect() as conn:
        rows = conn.execute(
            text("SELECT state, error_code, error_params FROM print_jobs ORDER BY id")
        ).all()
        columns = {
            r[0]
            for r in conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'print_jobs' AND table_schema = current_schema()"
                )
                if conn.dialect.name == "postgresql"
                else text("SELECT name FROM pragma_table_info('print_jobs')")
            )
        }
    assert [(r.state, r.error_code) for r in rows] == [
        (new_state, code) for (_, _, new_state), code in zip(LEGACY, CODES, strict=True)
    ]
    assert all(r.error_params is None for r in rows)
    assert "last_error" not in columns and {"error_code", "error_params"} <= columns
