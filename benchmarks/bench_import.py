"""A 100k-order (~250k-line) Taobao pair imported vs a bare script's import; JSON out.

    python benchmarks/bench_import.py [--orders 100000] [--backends sqlite,postgresql]
                                      [--pg postgresql+psycopg://root@127.0.0.1:5432/test]
                                      [--repeat 3] [--repeated-addresses] [--keep DIR]

The pair comes from bench_parse's generator (old wide column set, GBK), with every
address made distinct as in a real export (house number = row; `--repeated-addresses`
keeps the generator's 2,400 addresses, which the import classifies once each).

Per backend and repeat, into a fresh migrated database (a SQLite file on the app's engine:
WAL, synchronous=FULL; or a fresh PostgreSQL schema):
- the import: `import_files` (read, parse, classify addresses, store in one transaction)
  run in a process of its own, so that its peak RSS is the whole import process's
  (interpreter, classifier tables and all). The classifier's tables are loaded before
  the clock starts (`classifier_load_seconds`: the GUI loads them at start-up).
- the bare script, in the same run: `csv.reader` over the same two files (decode and
  read every row) plus `executemany` of the same order and line rows the import stores
  (already built as tuples, bare sqlite3 / psycopg, one transaction).
Budget (issue 12 §4): import within 2.5x of the bare script on each backend, and peak RSS
of the import process at most 400 MB. Reported with every repeat's figures (spread); the
ratio uses the best import against the best bare script. Where the time goes:
`parse_alone_seconds` (parse_files of the pair, in the child too), `classify_seconds`
(the classifier's own time inside the import), the rest is storing.
`reimport_seconds`: the same pair imported again into the filled database (100k orders
unchanged, nothing written).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_parse import floor as csv_floor
from bench_parse import generate, loop_ms
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from packstation.address import preload
from packstation.bootstrap import classifier, open_database
from packstation.importers import parse_files
from packstation.importers.records import ImportedOrder
from packstation.services.importing import fingerprint, import_files
from packstation.storage.database import Database
from packstation.storage.tables import Order, OrderLine

PG_URL = os.environ.get("PACKSTATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")
BUDGET_RATIO = 2.5
BUDGET_RSS_MB = 400
ORDER_COLUMNS = (
    "id", "order_no", "platform", "platform_order_no", "status", "recipient", "phone",
    "address", "province", "city", "district", "priority", "address_ambiguous", "carrier",
    "waybill_no", "remarks", "version", "fingerprint", "imported_at", "updated_at",
)  # fmt: skip
LINE_COLUMNS = ("order_id", "sku", "title", "quantity")


@dataclass
class Timer:
    """Accumulated wall seconds of every call through `wrap`."""

    seconds: float = 0.0
    calls: int = 0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        return timed


# -- fresh databases ---------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, directory: Path, pg_url: str) -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, driver target) of a migrated empty database, removed afterwards."""
    name = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    if backend == "sqlite":
        path = directory / f"{name}.sqlite"
        open_database(f"sqlite:///{path}").dispose()
        yield f"sqlite:///{path}", str(path)
        return
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = f"{pg_url}?options=-csearch_path%3D{name}"
    try:
        open_database(url).dispose()
        yield url, name
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def table_counts(url: str) -> tuple[int, int]:
    db = Database.from_url(url)
    try:
        with db.transaction() as conn:
            orders = conn.scalar(select(func.count()).select_from(Order)) or 0
            lines = conn.scalar(select(func.count()).select_from(OrderLine)) or 0
        return orders, lines
    finally:
        db.dispose()


# -- the import --------------------------------------------------------------------


def run_import(url: str, paths: Sequence[Path]) -> dict[str, Any]:
    """The import in a process of its own (see `child`): its figures and peak RSS."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, *map(str, paths)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def child(url: str, paths: Sequence[Path]) -> None:
    """Inside the import's own process: load the classifier, parse alone once (timed),
    import (timed), import again (timed), print the figures and this process's peak RSS."""
    preload()
    classify = classifier()
    start = time.perf_counter()
    parse_files(paths)
    parse = time.perf_counter() - start
    db = Database.from_url(url)
    classify_timer = Timer()
    progress: list[tuple[int, int, int]] = []
    try:
        start, start_cpu = time.perf_counter(), time.process_time()
        summary = import_files(
            db, paths, classify_timer.wrap(classify),
            progress=lambda done, total, skipped: progress.append((done, total, skipped)),
        )  # fmt: skip
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        assert not summary.rejected, summary.rejected[:3]
        start = time.perf_counter()
        again = import_files(db, paths, classify)
        reimport = time.perf_counter() - start
    finally:
        db.dispose()
    assert again.orders_unchanged == summary.orders_created and again.lines == 0
    print(json.dumps({
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "parse_alone_seconds": round(parse, 3),
        "classify_seconds": round(classify_timer.seconds, 3),
        "classifier_calls": classify_timer.calls,
        "orders_created": summary.orders_created,
        "lines": summary.lines,
        "skipped": len(summary.skipped),
        "products_created": summary.products_created,
        "progress_final": list(progress[-1]) if progress else None,
        "reimport_seconds": round(reimport, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))  # fmt: skip


def make_addresses_distinct(order_path: Path, encoding: str = "gbk") -> None:
    """Give every order its own house number, as real buyers have (not timed)."""
    rows = list(csv.reader(io.StringIO(order_path.read_bytes().decode(encoding), newline="")))
    column = rows[0].index("收货地址 ")
    for number, row in enumerate(rows[1:], start=1):
        row[column] = re.sub(r" \d+号 ", f" {number}号 ", row[column], count=1)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    order_path.write_bytes(buffer.getvalue().encode(encoding))


# -- the floor: bare drivers -------------------------------------------------------


Rows = list[tuple[Any, ...]]


def raw_rows(orders: Sequence[ImportedOrder]) -> tuple[Rows, Rows]:
    """Order and line tuples as the import stores them (classified, fingerprinted, ids set)."""
    classify = classifier()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    order_rows, line_rows = [], []
    for oid, o in enumerate(orders, start=1):
        where = classify(o.address, o.province, o.city, o.district)
        order_rows.append((
            oid, o.order_no, o.platform, o.platform_order_no or o.order_no, o.status.value,
            o.recipient, o.phone, o.address, where.province or o.province,
            where.city or o.city, where.district or o.district, where.priority,
            where.ambiguous, o.carrier, o.waybill_no, o.remarks, 1, fingerprint(o), now, now,
        ))  # fmt: skip
        line_rows.extend((oid, ln.sku, ln.title, ln.quantity) for ln in o.lines)
    return order_rows, line_rows


def _insert_sql(table: str, columns: Sequence[str], mark: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"


def raw_sqlite(path: str, orders: list[tuple[Any, ...]], lines: list[tuple[Any, ...]]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(_insert_sql("orders", ORDER_COLUMNS, "?"), orders)
        conn.executemany(_insert_sql("order_lines", LINE_COLUMNS, "?"), lines)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def raw_postgres(
    pg_url: str, schema: str, orders: list[tuple[Any, ...]], lines: list[tuple[Any, ...]]
) -> float:
    import psycopg

    dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
        start = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(_insert_sql("orders", ORDER_COLUMNS, "%s"), orders)
            cur.executemany(_insert_sql("order_lines", LINE_COLUMNS, "%s"), lines)
        conn.commit()
        return time.perf_counter() - start


# -- main --------------------------------------------------------------------------


def bench_backend(
    backend: str, paths: list[Path], directory: Path, pg_url: str, repeat: int,
    raw: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]],
) -> dict[str, Any]:  # fmt: skip
    imports, floors, csvs = [], [], []
    for _ in range(repeat):  # import and bare script interleaved: a busy machine hits both
        with fresh_database(backend, directory, pg_url) as (url, _target):
            result = run_import(url, paths)
            result["stored_orders_lines"] = list(table_counts(url))
            imports.append(result)
        csvs.append(csv_floor(paths, "gbk"))
        with fresh_database(backend, directory, pg_url) as (url, target):
            if backend == "sqlite":
                floors.append(raw_sqlite(target, *raw))
            else:
                floors.append(raw_postgres(pg_url, target, *raw))
    best = min(imports, key=lambda r: r["wall_seconds"])
    bare = [c + f for c, f in zip(csvs, floors, strict=True)]
    ratio = best["wall_seconds"] / min(bare)
    peak = max(r["peak_rss_mb"] for r in imports)
    return {
        **best,
        "wall_seconds_all": [r["wall_seconds"] for r in imports],
        "parse_alone_seconds_all": [r["parse_alone_seconds"] for r in imports],
        "classify_seconds_all": [r["classify_seconds"] for r in imports],
        "peak_rss_mb_all": [r["peak_rss_mb"] for r in imports],
        "bare_csv_reader_seconds_all": [round(c, 3) for c in csvs],
        "bare_executemany_seconds_all": [round(f, 3) for f in floors],
        "bare_script_seconds_all": [round(b, 3) for b in bare],
        "ratio_to_bare_script": round(ratio, 2),
        "ratio_to_bare_script_all": [
            round(r["wall_seconds"] / b, 2) for r, b in zip(imports, bare, strict=True)
        ],
        "within_ratio_budget": ratio <= BUDGET_RATIO,
        "within_rss_budget": peak <= BUDGET_RSS_MB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=PG_URL, help="PostgreSQL URL (a schema is made in it)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--repeated-addresses",
        action="store_true",
        help="keep the generator's 2,400 distinct addresses",
    )
    parser.add_argument("--keep", type=Path, help="write the pair and databases here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)  # URL FILE...
    args = parser.parse_args()
    if args.child:
        child(args.child[0], [Path(p) for p in args.child[1:]])
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        order_path, item_path, lines = generate(directory, args.orders, "gbk")
        if not args.repeated_addresses:
            make_addresses_distinct(order_path)
        paths = [order_path, item_path]
        start = time.perf_counter()
        preload()
        load_s = time.perf_counter() - start
        [parsed] = parse_files(paths)
        raw = raw_rows(parsed.orders)
        del parsed
        results = {
            backend: bench_backend(backend, paths, directory, args.pg, args.repeat, raw)
            for backend in args.backends.split(",")
        }  # fmt: skip
    summary = {
        "benchmark": "import taobao pair end to end vs csv.reader + executemany",
        "orders": args.orders,
        "lines": lines,
        "encoding": "gbk",
        "distinct_addresses": len({row[7] for row in raw[0]}),
        "classifier_load_seconds": round(load_s, 3),
        "budget": {"ratio_to_bare_script": BUDGET_RATIO, "peak_rss_mb": BUDGET_RSS_MB},
        "backends": results,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "empty_loop_1m_ms": round(loop_ms(), 1),  # ~10-12 ms on a quiet modern core
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
