"""Scan → verdict latency, durable commit included, on SQLite and PostgreSQL, vs the raw floor.

    python benchmarks/bench_scan.py                       # quick: 20k orders, 2000 scans
    python benchmarks/bench_scan.py --orders 1000000      # the documented full run
    options: [--scans 5000] [--pg postgresql://root@127.0.0.1:5432/test] [--sqlite PATH]
             [--no-pg] [--no-sqlite] [--profile]

Why: DESIGN.md "Budgets" promises p99 ≤ 2 ms (SQLite) / ≤ 5 ms (PostgreSQL) per scan with
1M orders (≈3M lines) loaded, and no more than 3× what a bare single-row insert + commit
costs on the same machine with the same durability settings. Both are measured in the same
run, interleaved in blocks, so disk noise hits service and floor alike.

Every `PackingStation.scan` call is timed (perf_counter_ns) through the real service and
its real engine (`make_engine`: SQLite WAL + synchronous=FULL + BEGIN IMMEDIATE; psycopg 3
with pool_pre_ping). The bench flow: open an order by its number (sometimes its waybill),
scan its units by EAN-13 (sometimes by SKU text) with a few wrong and unknown codes mixed
in; the last unit completes the order and queues its print job; next order.

Data is generated once and cached: SQLite under benchmarks/out/scan_<orders>.sqlite,
PostgreSQL in schema bench_<orders> (reused when its counts match). Each run first deletes
what the previous run wrote (scans, sessions, print jobs) and re-opens the orders it packed.
Progress goes to stderr; one JSON summary goes to stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import random
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import sqlalchemy
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scan_data import (  # the helper next to this script (benchmarks/ is no package)
    PRODUCTS,
    ensure_pg,
    ensure_sqlite,
    pg_url,
    product_ean,
    reset_pg,
    reset_sqlite,
)

from packstation.domain.verdicts import Verdict
from packstation.services.packing import PackingStation, StationSettings
from packstation.storage.database import Database
from packstation.storage.engine import make_engine

OUT = Path(__file__).resolve().parent / "out"
DEFAULT_PG = "postgresql://root@127.0.0.1:5432/test"
BUDGET_P99_MS = {"sqlite": 2.0, "postgresql": 5.0}
BUDGET_RATIO = 3.0
BLOCK = 250  # scans, then as many floor inserts, alternating
WRONG_RATE = 0.03  # a product from another order
UNKNOWN_RATE = 0.02  # a code no product has
SKU_TEXT_RATE = 0.15  # packer types/scans the SKU label instead of the EAN
WAYBILL_RATE = 0.2  # order opened by its waybill number instead of the order number


# -- the bench flow ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Step:
    code: str
    expect: frozenset[Verdict]


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    order_no: str
    waybill_no: str
    status: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity)


def plan_orders(db: Database, total: int, wanted: int, rng: random.Random) -> list[PlannedOrder]:
    """Random orders from the whole table (cold and hot pages alike), read before timing."""
    ids = rng.sample(range(1, total + 1), min(wanted, total))
    orders: dict[int, PlannedOrder] = {}
    with db.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            heads = conn.execute(text(
                "SELECT id, order_no, waybill_no, status FROM orders WHERE id IN ("
                + ",".join(map(str, chunk)) + ")")).all()
            lines: dict[int, list[tuple[str, int]]] = defaultdict(list)
            for oid, sku, qty in conn.execute(text(
                "SELECT order_id, sku, quantity FROM order_lines WHERE order_id IN ("
                + ",".join(map(str, chunk)) + ") ORDER BY id")):
                lines[oid].append((sku, qty))
            for oid, order_no, waybill, status in heads:
                orders[oid] = PlannedOrder(order_no, waybill, status, tuple(lines[oid]))
    return [orders[i] for i in ids if i in orders]


def steps_for(order: PlannedOrder, rng: random.Random) -> Iterator[Step]:
    """What a packer scans for one order, with the verdict each scan must get."""
    opener = order.waybill_no if rng.random() < WAYBILL_RATE else order.order_no
    if order.status != "paid":
        refused = Verdict.ALREADY_PACKED if order.status == "shipped" else Verdict.INTERCEPTED
        yield Step(opener, frozenset({refused}))
        return
    yield Step(opener, frozenset({Verdict.ORDER_OPENED}))
    in_order = {sku for sku, _ in order.lines}
    units = [sku for sku, qty in order.lines for _ in range(qty)]
    rng.shuffle(units)
    for position, sku in enumerate(units):
        roll = rng.random()
        if roll < WRONG_RATE:
            other = rng.randrange(PRODUCTS)
            while f"SKU-{other:05d}" in in_order:
                other = rng.randrange(PRODUCTS)
            yield Step(product_ean(other), frozenset({Verdict.WRONG_ITEM}))
        elif roll < WRONG_RATE + UNKNOWN_RATE:
            yield Step(f"99{rng.randrange(10**11):011d}", frozenset({Verdict.UNKNOWN_CODE}))
        code = sku if rng.random() < SKU_TEXT_RATE else product_ean(int(sku[4:]))
        last = position == len(units) - 1
        yield Step(code, frozenset({Verdict.ORDER_COMPLETE if last else Verdict.OK}))


def bench_flow(orders: list[PlannedOrder], rng: random.Random) -> Iterator[Step]:
    for order in orders:
        yield from steps_for(order, rng)


class TickClock:
    """A packer's pace (one scan a second), so consecutive equal codes are not bounces."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


# -- the floor -----------------------------------------------------------------------

FLOOR_COLUMNS = ("session_id INTEGER, order_id INTEGER, bench VARCHAR(200) NOT NULL, "
                 "packer VARCHAR(200) NOT NULL, at TIMESTAMP NOT NULL, raw_code TEXT NOT NULL, "
                 "code VARCHAR(512) NOT NULL, verdict VARCHAR(32) NOT NULL, "
                 "sku VARCHAR(128), units INTEGER NOT NULL")
FLOOR_INSERT = ("INSERT INTO floor_events (session_id, order_id, bench, packer, at, raw_code, "
                "code, verdict, sku, units) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, "
                "{p}, {p})")


def _floor_row(i: int) -> tuple[object, ...]:
    code = product_ean(i % PRODUCTS)
    return (i, i, "bench-1", "packer", datetime.now(UTC).isoformat(" "), code, code, "ok",
            f"SKU-{i % PRODUCTS:05d}", 1)


def sqlite_floor(path: Path) -> tuple[Callable[[int], None], Callable[[], None]]:
    """Raw sqlite3: one row into a scan_events-like table, then commit. WAL, synchronous=FULL."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"CREATE TABLE floor_events (id INTEGER PRIMARY KEY, {FLOOR_COLUMNS})")
    conn.execute("CREATE INDEX ix_floor_at ON floor_events (at)")
    conn.execute("CREATE INDEX ix_floor_session ON floor_events (session_id)")
    conn.commit()
    statement = FLOOR_INSERT.format(p="?")

    def one(i: int) -> None:
        conn.execute(statement, _floor_row(i))
        conn.commit()

    return one, conn.close


def pg_floor(conninfo: str, schema: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """Raw psycopg: one row into a scan_events-like table, then commit (server defaults)."""
    conn = psycopg.connect(conninfo, options=f"-csearch_path={schema}")
    conn.execute("DROP TABLE IF EXISTS floor_events")
    conn.execute(f"CREATE TABLE floor_events (id BIGSERIAL PRIMARY KEY, {FLOOR_COLUMNS})")
    conn.execute("CREATE INDEX ix_floor_at ON floor_events (at)")
    conn.execute("CREATE INDEX ix_floor_session ON floor_events (session_id)")
    conn.commit()
    statement = FLOOR_INSERT.format(p="%s")

    def one(i: int) -> None:
        conn.execute(statement, _floor_row(i))
        conn.commit()

    return one, conn.close


# -- measuring -----------------------------------------------------------------------

def cpu_pressure() -> float | None:
    """Linux PSI: % of the last minute some task waited for a CPU (others' load skews p99)."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return float(line.split("avg60=")[1].split()[0])


def percentile(sorted_ns: list[int], q: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_ns:
        return float("nan")
    rank = max(1, math.ceil(q * len(sorted_ns)))
    return round(sorted_ns[rank - 1] / 1e6, 3)


def stats(samples: list[int]) -> dict[str, float | int]:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50_ms": percentile(ordered, 0.50),
            "p90_ms": percentile(ordered, 0.90), "p99_ms": percentile(ordered, 0.99),
            "p999_ms": percentile(ordered, 0.999),
            "max_ms": round(ordered[-1] / 1e6, 3) if ordered else float("nan")}


def run_backend(name: str, db: Database, total_orders: int, floor: Callable[[int], None],
                scans: int, warmup: int, profile: bool) -> dict[str, object]:
    """Timed scans through the service, interleaved with timed floor inserts."""
    rng = random.Random(f"{name}-{total_orders}")
    load_before, pressure_before = os.getloadavg(), cpu_pressure()
    os.sync()  # a fresh load leaves GBs of dirty pages; their writeback would skew fsyncs
    planned = plan_orders(db, total_orders, (scans + warmup) // 3 + 200, rng)
    flow = bench_flow(planned, rng)
    station = PackingStation(db, StationSettings(bench="bench-1", packer="packer"),
                             clock=TickClock())
    by_kind: dict[str, list[int]] = defaultdict(list)
    by_verdict: dict[str, list[int]] = defaultdict(list)
    overall: list[int] = []
    cpu_ns: list[int] = []  # this process's CPU per scan: wall minus this is I/O and waiting
    floor_ns: list[int] = []
    unexpected: list[str] = []
    profiler = cProfile.Profile() if profile else None
    floor_i = 0

    def scan_block(count: int, record: bool) -> None:
        for _ in range(count):
            step = next(flow)
            kind = "open" if station.box is None else "unit"
            if profiler and record:
                profiler.enable()
            cpu_started = time.thread_time_ns()
            started = time.perf_counter_ns()
            result = station.scan(step.code)
            elapsed = time.perf_counter_ns() - started
            cpu = time.thread_time_ns() - cpu_started
            if profiler and record:
                profiler.disable()
            if result.verdict not in step.expect:
                unexpected.append(f"{step.code}: {result.verdict} not {set(step.expect)}")
            if not record:
                continue
            if result.verdict is Verdict.ORDER_COMPLETE:
                kind = "complete"
            overall.append(elapsed)
            cpu_ns.append(cpu)
            by_kind[kind].append(elapsed)
            by_verdict[result.verdict.value].append(elapsed)

    def floor_block(count: int, record: bool) -> None:
        nonlocal floor_i
        for _ in range(count):
            floor_i += 1
            started = time.perf_counter_ns()
            floor(floor_i)
            elapsed = time.perf_counter_ns() - started
            if record:
                floor_ns.append(elapsed)

    scan_block(warmup, record=False)
    floor_block(warmup, record=False)
    done = 0
    while done < scans:
        count = min(BLOCK, scans - done)
        scan_block(count, record=True)
        floor_block(count, record=True)
        done += count
        print(f"{name}: {done}/{scans} scans", file=sys.stderr, flush=True)
    if profiler:
        print(f"--- cProfile, {name}, measured scans only ---", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    service = stats(overall)
    floor_stats = stats(floor_ns)
    ratio = round(service["p99_ms"] / floor_stats["p99_ms"], 2)
    limit = BUDGET_P99_MS[name]
    return {
        **service,
        "client_cpu": stats(cpu_ns),
        "floor": floor_stats,
        "ratio_p99_to_floor_p99": ratio,
        "ratio_p50_to_floor_p50": round(service["p50_ms"] / floor_stats["p50_ms"], 2),
        "budget": {"p99_ms_max": limit, "ratio_max": BUDGET_RATIO,
                   "p99_pass": service["p99_ms"] <= limit, "ratio_pass": ratio <= BUDGET_RATIO,
                   "pass": service["p99_ms"] <= limit and ratio <= BUDGET_RATIO},
        "loadavg_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "cpu_pressure_pct_before_after": [pressure_before, cpu_pressure()],
        "by_kind": {k: stats(v) for k, v in sorted(by_kind.items())},
        "by_verdict": {k: stats(v) for k, v in sorted(by_verdict.items())},
        "unexpected_verdicts": len(unexpected),
        "unexpected_examples": unexpected[:5],
    }


def bench_sqlite(path: Path, orders: int, scans: int, warmup: int,
                 profile: bool) -> dict[str, object]:
    counts, load_s = ensure_sqlite(path, orders)
    reset_sqlite(path)
    db = Database(make_engine(f"sqlite:///{path}"))
    floor, close = sqlite_floor(path.with_name("floor.sqlite"))
    try:
        result = run_backend("sqlite", db, orders, floor, scans, warmup, profile)
    finally:
        close()
        db.dispose()
    return {"database": str(path), "orders": counts.orders, "lines": counts.lines,
            "products": counts.products, "barcodes": counts.barcodes,
            "generated_s": None if load_s is None else round(load_s, 1),
            "file_mb": round(path.stat().st_size / 2**20), **result}


def bench_pg(url: str, orders: int, scans: int, warmup: int,
             profile: bool) -> dict[str, object]:
    schema = f"bench_{orders}"
    counts, load_s = ensure_pg(url, schema, orders)
    reset_pg(url, schema)
    db = Database(make_engine(pg_url(url, schema)))
    floor, close = pg_floor(url, schema)
    try:
        result = run_backend("postgresql", db, orders, floor, scans, warmup, profile)
    finally:
        close()
        db.dispose()
    return {"database": f"{url.rsplit('@', 1)[-1]} schema {schema}", "orders": counts.orders,
            "lines": counts.lines, "products": counts.products, "barcodes": counts.barcodes,
            "generated_s": None if load_s is None else round(load_s, 1), **result}


def machine_facts(pg: str | None) -> dict[str, object]:
    facts: dict[str, object] = {
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "platform": platform.platform(), "sqlite_version": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__, "psycopg": psycopg.__version__,
        "psycopg_impl": psycopg.pq.__impl__,
    }
    if pg:
        with psycopg.connect(pg) as conn:
            for setting in ("server_version", "synchronous_commit", "fsync", "wal_sync_method",
                            "shared_buffers"):
                facts[f"pg_{setting}"] = conn.execute(f"SHOW {setting}").fetchone()[0]  # type: ignore[index]
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20_000,
                        help="orders in the database (full run: 1000000)")
    parser.add_argument("--scans", type=int, default=2_000, help="measured scans per backend")
    parser.add_argument("--warmup", type=int, default=300, help="scans excluded at the start")
    parser.add_argument("--sqlite", type=Path, default=None,
                        help="SQLite file (default benchmarks/out/scan_<orders>.sqlite)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL URL (loopback)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the measured scans (report to stderr; slows them)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    summary: dict[str, object] = {
        "command": " ".join(["python", "benchmarks/bench_scan.py", *sys.argv[1:]]),
        "machine": machine_facts(None if args.no_pg else args.pg),
        "scans": args.scans, "warmup": args.warmup, "gc": gc.isenabled(),
        "backends": {},
    }
    backends: dict[str, object] = summary["backends"]  # type: ignore[assignment]
    if not args.no_sqlite:
        path = args.sqlite or OUT / f"scan_{args.orders}.sqlite"
        backends["sqlite"] = bench_sqlite(path, args.orders, args.scans, args.warmup,
                                          args.profile)
    if not args.no_pg:
        backends["postgresql"] = bench_pg(args.pg, args.orders, args.scans, args.warmup,
                                          args.profile)
    summary["pass"] = all(b["budget"]["pass"] for b in backends.values())  # type: ignore[index]
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
