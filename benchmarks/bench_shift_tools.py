"""Shift tools over a million orders: barcode readiness, the staffing estimate, and a
5,000-parcel manifest PDF, on SQLite and PostgreSQL.

    python benchmarks/bench_shift_tools.py                     # 1M orders, both databases
    options: [--orders 1000000] [--runs 15] [--pdf-runs 5] [--no-pg] [--no-sqlite]
             [--pg postgresql+psycopg://root@127.0.0.1:5432/test]

Budgets (DESIGN.md / issue 16): readiness and staffing each ≤ 200 ms over 1M orders;
a 5,000-parcel manifest (query + A4 PDF) ≤ 5 s.

Data: the scan benchmark's generator (`_scan_data.py`: 1M orders, ~3M lines, 10k products
with an EAN-13 and their SKU text each), in its own cache (benchmarks/out/shift_<n>.sqlite,
PostgreSQL schema bench_shift_<n>) because this script then changes it once (marked in
`settings`): priority keys for orders in the five cities; 50 products stripped to their
SKU text, 20 sharing another product's EAN, 20 with a wrong check digit; 5,000 SF orders
packed two hours before the benchmark's fixed clock, 600 YTO orders packed by 8 benches
in the hour before it.

Each run times the three calls through the real services and engines, interleaved, with
an empty 1M-iteration Python loop beside them as the machine reading (a busy shared
machine shows up there first). One JSON summary goes to stdout: median, min, p90, max.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scan_data import ensure_pg, ensure_sqlite, pg_url, product_ean, status_of

from packstation.labels.manifest_pdf import render_manifest_pdf
from packstation.services.manifests import draft_manifest
from packstation.services.readiness import barcode_readiness
from packstation.services.staffing import staffing_estimate
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Order, PackSession, Setting

OUT = Path(__file__).resolve().parent / "out"
DEFAULT_PG = "postgresql+psycopg://root@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 11, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
MARKER = "bench_shift_prepared"
PRIORITY = {"北京市": "beijing", "上海市": "shanghai", "深圳市": "shenzhen", "杭州市": "hangzhou"}
MANIFEST_PARCELS = 5000
PACE_ORDERS, BENCHES = 600, 8


def prepare(db: Database, orders: int) -> None:
    """The once-only changes above, in one transaction, skipped when already made."""
    with db.transaction() as conn:
        if conn.scalar(select(Setting.value).where(Setting.key == MARKER)):
            return
        for city, key in PRIORITY.items():
            conn.execute(update(Order).where(Order.city == city).values(priority=key))
        skus = dict(conn.execute(text("SELECT id, sku FROM products WHERE id <= 110")).all())
        for pid in range(1, 51):  # only the SKU text is left
            conn.execute(Barcode.__table__.delete().where(
                Barcode.product_id == pid, Barcode.code != skus[pid]))
        for pid in range(51, 71):  # the EAN of product pid + 20
            shared = product_ean(pid + 20 - 1)
            conn.execute(update(Barcode).where(
                Barcode.product_id == pid, Barcode.code == product_ean(pid - 1)
            ).values(code=shared, code_folded=shared))
        for pid in range(91, 111):  # a wrong check digit
            good = product_ean(pid - 1)
            bad = good[:-1] + str((int(good[-1]) + 1) % 10)
            conn.execute(update(Barcode).where(Barcode.code == good).values(
                code=bad, code_folded=bad))
        paid = [oid for oid in range(1, orders + 1) if status_of(oid) == "paid"]
        sf = [oid for oid in paid if oid % 4 == 3][:MANIFEST_PARCELS]
        yto = [oid for oid in reversed(paid) if oid % 4 == 0][:PACE_ORDERS]
        for oid in sf:
            conn.execute(update(Order).where(Order.id == oid).values(
                status="packed", packed_at=NOW - timedelta(hours=2)))
        sessions = []
        for n, oid in enumerate(yto):
            at = NOW - timedelta(seconds=5 + n * 5)
            conn.execute(update(Order).where(Order.id == oid).values(status="packed",
                                                                    packed_at=at))
            sessions.append({"order_id": oid, "bench": f"B{n % BENCHES}", "packer": "p",
                             "state": "completed", "order_version": 1,
                             "opened_at": at - timedelta(seconds=60), "closed_at": at})
        conn.execute(insert(PackSession), sessions)
        conn.execute(insert(Setting).values(key=MARKER, value="1", updated_at=NOW))


def settle(db: Database) -> None:
    """What the server does by itself soon after a big change: SQLite folds the write-ahead
    log back into the file, PostgreSQL vacuums (visibility map: index-only scans) and
    analyses. Without it the first runs measure `prepare`'s 500k-row update, not the app."""
    if db.sqlite_file is not None:
        conn = sqlite3.connect(db.sqlite_file, isolation_level=None)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
        conn.close()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE orders, order_lines, barcodes, pack_sessions")


def empty_loop() -> None:
    for _ in range(1_000_000):
        pass


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "min_ms": round(ordered[0], 1),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 1),
        "max_ms": round(ordered[-1], 1),
        "runs": len(ordered),
    }


def measure(db: Database, runs: int, pdf_runs: int) -> dict[str, Any]:
    checks = {
        "readiness": barcode_readiness(db),
        "staffing": staffing_estimate(db, clock_time(17, 0), clock=lambda: NOW),
        "manifest": draft_manifest(db, "SF"),
    }
    report, estimate, manifest = checks["readiness"], checks["staffing"], checks["manifest"]
    times: dict[str, list[float]] = {"readiness": [], "staffing": [], "manifest_pdf": [],
                                     "empty_loop": []}
    for run in range(runs):
        times["empty_loop"].append(timed(empty_loop))
        times["readiness"].append(timed(lambda: barcode_readiness(db)))
        times["staffing"].append(timed(
            lambda: staffing_estimate(db, clock_time(17, 0), clock=lambda: NOW)))
        if run < pdf_runs:
            times["manifest_pdf"].append(timed(
                lambda: render_manifest_pdf(draft_manifest(db, "SF"))))
    return {
        **{name: summary(ms) for name, ms in times.items()},
        "found": {
            "blocked_skus": len(report.blocked),  # type: ignore[union-attr]
            "orders_waiting": estimate.backlog.waiting,  # type: ignore[union-attr]
            "pace": [estimate.pace.orders_packed, estimate.pace.active_benches],  # type: ignore[union-attr]
            "manifest_parcels": len(manifest.parcels),  # type: ignore[union-attr]
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    result: dict[str, Any] = {"orders": args.orders, "load_before": os.getloadavg()}
    targets = []
    if not args.no_sqlite:
        path = OUT / f"shift_{args.orders}.sqlite"
        ensure_sqlite(path, args.orders)
        targets.append(("sqlite", f"sqlite:///{path}"))
    if not args.no_pg:
        schema = f"bench_shift_{args.orders}"
        ensure_pg(args.pg, schema, args.orders)
        targets.append(("postgresql", pg_url(args.pg, schema)))
    for name, url in targets:
        db = Database.from_url(url)
        try:
            prepare(db, args.orders)
            settle(db)
            result[name] = measure(db, args.runs, args.pdf_runs)
        finally:
            db.dispose()
        print(f"{name}: done", file=sys.stderr, flush=True)
    result["load_after"] = os.getloadavg()
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
