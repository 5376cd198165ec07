"""Synthetic warehouse data for the scan benchmark, bulk-loaded the fastest correct way.

The schema always comes from the app's own migrations (`schema.upgrade`); only the rows
are written behind SQLAlchemy's back, because the importer's per-row path would take an
hour for 1M orders. Secondary indexes (and, on PostgreSQL, foreign keys) are dropped
before the load and recreated from their own definitions afterwards, in the same
transaction, so the result is exactly the migrated schema.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from packstation.storage.engine import make_engine
from packstation.storage.schema import upgrade

PRODUCTS = 10_000
CHUNK = 50_000  # orders generated per batch: bounded memory, big enough to be fast
SEED = 20261122
LOADED = ("products", "barcodes", "orders", "order_lines")
# Rows the benchmark itself writes; emptied before each run so reruns start alike.
RUN_TABLES = ("print_jobs", "scan_events", "scan_tallies", "pack_sessions", "audit")

ORDER_COLS = (
    "id", "order_no", "platform", "platform_order_no", "status", "recipient", "phone",
    "address", "province", "city", "district", "priority", "address_ambiguous", "carrier",
    "waybill_no", "remarks", "version", "fingerprint", "intercept_reason", "imported_at",
    "updated_at",
)
LINE_COLS = ("id", "order_id", "sku", "title", "quantity")
PRODUCT_COLS = ("id", "sku", "title")
BARCODE_COLS = ("id", "code", "code_folded", "product_id", "units")

_PLACES = (
    ("浙江省", "杭州市", "西湖区"), ("广东省", "深圳市", "南山区"),
    ("江苏省", "苏州市", "吴中区"), ("上海市", "上海市", "浦东新区"),
    ("北京市", "北京市", "朝阳区"), ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"), ("山东省", "青岛市", "黄岛区"),
)
_PLATFORMS = ("taobao", "jd", "pdd", "douyin")
_CARRIERS = (("YTO", "YT"), ("ZTO", "ZT"), ("STO", "ST"), ("SF", "SF"))
_SURNAMES = "王李张刘陈杨黄赵吴周"


def ean13(body12: str) -> str:
    """A valid EAN-13: the 12 digits plus their GS1 mod-10 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def sku_of(index: int) -> str:
    return f"SKU-{index:05d}"


def product_ean(index: int) -> str:
    return ean13(f"690{index:09d}")  # 690-699: GS1 China prefixes


def order_no_of(order_id: int) -> str:
    return f"PS{order_id:09d}"


def status_of(order_id: int) -> str:
    """Most orders are waiting to be packed; some shipped long ago, a few cancelled."""
    if order_id % 10 == 0:
        return "shipped"
    if order_id % 97 == 0:
        return "cancelled"
    return "paid"


@dataclass(frozen=True, slots=True)
class Counts:
    orders: int
    lines: int
    products: int
    barcodes: int


def _products() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Products with an EAN-13 each, plus the SKU text as a 1-unit code (as the importer does)."""
    products = [(i + 1, sku_of(i), f"商品{i:05d} 标准装") for i in range(PRODUCTS)]
    barcodes: list[tuple[object, ...]] = []
    for i in range(PRODUCTS):
        for code in sorted((product_ean(i), sku_of(i))):  # the importer sorts codes
            barcodes.append((len(barcodes) + 1, code, code.upper(), i + 1, 1))
    return products, barcodes


def _order_batches(
    orders: int, stamp: str,
) -> Iterator[tuple[list[tuple[object, ...]], list[tuple[object, ...]]]]:
    """Orders with 1-5 distinct lines (mean 3), deterministic for a given size."""
    rng = random.Random(SEED)
    line_id = 0
    for start in range(1, orders + 1, CHUNK):
        order_rows: list[tuple[object, ...]] = []
        line_rows: list[tuple[object, ...]] = []
        for oid in range(start, min(start + CHUNK, orders + 1)):
            province, city, district = _PLACES[oid % len(_PLACES)]
            carrier, prefix = _CARRIERS[oid % len(_CARRIERS)]
            order_rows.append((
                oid, order_no_of(oid), _PLATFORMS[oid % 4], f"{3_000_000_000_000_000 + oid * 7}",
                status_of(oid), f"{_SURNAMES[oid % 10]}先生", f"138{oid % 100_000_000:08d}",
                f"{province}{city}{district}文三路{oid % 997}号{oid % 31}幢{oid % 601}室",
                province, city, district, None, False, carrier, f"{prefix}{oid:013d}", "", 1,
                f"{oid:064x}", None, stamp, stamp,
            ))
            for product in rng.sample(range(PRODUCTS), rng.randint(1, 5)):
                line_id += 1
                quantity = 1 if rng.random() < 0.8 else rng.choice((2, 2, 2, 3))
                line_rows.append((line_id, oid, sku_of(product), f"商品{product:05d} 标准装",
                                  quantity))
        yield order_rows, line_rows


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- SQLite --------------------------------------------------------------------------

def sqlite_counts(path: Path) -> Counts | None:
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        return Counts(*(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in ("orders", "order_lines", "products", "barcodes")))
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def ensure_sqlite(path: Path, orders: int) -> tuple[Counts, float | None]:
    """The cached database file for `orders`, generated when missing. (counts, load seconds)."""
    counts = sqlite_counts(path)
    if counts is not None and counts.orders == orders:
        return counts, None
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(partial, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # load only: the file is renamed when complete
    conn.execute("PRAGMA cache_size=-2000000")  # 2 GB: index builds stay in memory
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("BEGIN")
    indexes = [row[0] for row in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
        f"tbl_name IN ({','.join('?' * len(LOADED))})", LOADED)]
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
        f"tbl_name IN ({','.join('?' * len(LOADED))})", LOADED).fetchall():
        conn.execute(f'DROP INDEX "{name}"')
    products, barcodes = _products()
    _sqlite_insert(conn, "products", PRODUCT_COLS, products)
    _sqlite_insert(conn, "barcodes", BARCODE_COLS, barcodes)
    stamp = "2026-11-01 08:00:00.000000"  # SQLAlchemy's SQLite DATETIME text form
    for order_rows, line_rows in _order_batches(orders, stamp):
        _sqlite_insert(conn, "orders", ORDER_COLS, order_rows)
        _sqlite_insert(conn, "order_lines", LINE_COLS, line_rows)
        _log(f"sqlite: {order_rows[-1][0]:,} orders")
    for statement in indexes:
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.replace(path)
    counts = sqlite_counts(path)
    assert counts is not None and counts.orders == orders
    return counts, time.perf_counter() - started


def _sqlite_insert(conn: sqlite3.Connection, table: str, cols: tuple[str, ...],
                   rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)


def reset_sqlite(path: Path) -> None:
    """Undo a previous run: its scans, sessions, print jobs, and the orders it packed."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE orders SET status = 'paid', packed_at = NULL "
                 "WHERE id IN (SELECT order_id FROM pack_sessions)")
    for table in RUN_TABLES:
        conn.execute(f"DELETE FROM {table}")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# -- PostgreSQL ----------------------------------------------------------------------

def pg_counts(conn: psycopg.Connection, schema: str) -> Counts | None:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = %s AND table_name = ANY(%s)", (schema, list(LOADED))
    ).fetchone()
    if not exists or exists[0] != len(LOADED):
        return None
    values = [conn.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(t))).fetchone()[0]  # type: ignore[index]
        for t in ("orders", "order_lines", "products", "barcodes")]
    return Counts(*values)


def pg_url(url: str, schema: str) -> str:
    """The app's URL with the benchmark schema first on the search path."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def ensure_pg(url: str, schema: str, orders: int) -> tuple[Counts, float | None]:
    """The benchmark schema for `orders`, (re)generated unless its counts already match."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        counts = pg_counts(conn, schema)
        if counts is not None and counts.orders == orders:
            return counts, None
        started = time.perf_counter()
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    engine = make_engine(pg_url(url, schema))
    upgrade(engine)
    engine.dispose()
    with psycopg.connect(conninfo, options=f"-csearch_path={schema}") as conn:
        conn.execute("SET synchronous_commit = off")  # load only; one commit at the end
        conn.execute("SET maintenance_work_mem = '1GB'")
        indexes = conn.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = %s AND t.relname = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            (schema, list(LOADED))).fetchall()
        foreign = conn.execute(
            "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE c.contype = 'f' AND n.nspname = %s AND t.relname = ANY(%s)",
            (schema, list(LOADED))).fetchall()
        for table, name, _definition in foreign:
            conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)))
        for name, _definition in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        products, barcodes = _products()
        _pg_copy(conn, "products", PRODUCT_COLS, products)
        _pg_copy(conn, "barcodes", BARCODE_COLS, barcodes)
        for order_rows, line_rows in _order_batches(orders, "2026-11-01 08:00:00+00"):
            _pg_copy(conn, "orders", ORDER_COLS, order_rows)
            _pg_copy(conn, "order_lines", LINE_COLS, line_rows)
            _log(f"postgresql: {order_rows[-1][0]:,} orders")
        for _name, definition in indexes:
            conn.execute(definition)  # type: ignore[arg-type]
        for table, name, definition in foreign:
            conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                sql.Identifier(table), sql.Identifier(name)) + sql.SQL(definition))
        for table in LOADED:  # ids were given explicitly: move the sequences past them
            conn.execute(sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, 'id'), (SELECT max(id) FROM {i}))"
            ).format(t=sql.Literal(f"{schema}.{table}"), i=sql.Identifier(table)))
        conn.commit()
    with psycopg.connect(conninfo, autocommit=True, options=f"-csearch_path={schema}") as conn:
        conn.execute("VACUUM ANALYZE")  # what autovacuum would do within minutes anyway
        counts = pg_counts(conn, schema)
    assert counts is not None and counts.orders == orders
    return counts, time.perf_counter() - started


def _pg_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)  # generated text never holds tabs, newlines or backslashes


def _pg_copy(conn: psycopg.Connection, table: str, cols: tuple[str, ...],
             rows: list[tuple[object, ...]]) -> None:
    text = "".join("\t".join(map(_pg_value, row)) + "\n" for row in rows)
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(",").join(map(sql.Identifier, cols)))) as copy:
        copy.write(text.encode())


def reset_pg(url: str, schema: str) -> None:
    """Undo a previous run: its scans, sessions, print jobs, and the orders it packed."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, options=f"-csearch_path={schema}") as conn:
        conn.execute("UPDATE orders SET status = 'paid', packed_at = NULL "
                     "WHERE id IN (SELECT order_id FROM pack_sessions)")
        conn.execute(sql.SQL("TRUNCATE {}").format(
            sql.SQL(",").join(map(sql.Identifier, RUN_TABLES))))
        conn.commit()
