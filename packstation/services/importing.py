"""Persisting parsed order and product files: idempotent, change-detecting, all or nothing.

Straight through, file after file: read and recognise every file, then for each one
(a Taobao pair counts as one) parse it, then store it in its own transaction. A file
with any rejected row changes nothing. Re-importing the same file creates nothing. An
order whose status, address or lines changed is updated, and if a bench had started it
(or packed it) it is intercepted so the parcel is stopped (services.order_store).

One `progress(done, total, skipped)` callback follows the whole import, and a
CancelToken stops it at the next step: the file under way is rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, Table, select, text, update

from packstation.domain.codes import case_folded
from packstation.errors import UserError
from packstation.importers import gc_paused, plan_files
from packstation.importers.records import (
    BarcodeSpec,
    ImportedOrder,
    ImportedProduct,
    ParsedFile,
)
from packstation.services.bulk import bulk_insert, matching, reserve_ids
from packstation.services.import_progress import (
    CancelToken,
    ImportCancelledError,
    ImportProgress,
    Progress,
)
from packstation.services.order_store import (
    ChangesRefusedError,
    Classifier,
    Destination,
    ImportSummary,
    OrderChange,
    fingerprint,
    store_orders,
)
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Product

__all__ = [
    "CancelToken",
    "ChangesRefusedError",
    "Classifier",
    "Destination",
    "ImportCancelledError",
    "ImportSummary",
    "OrderChange",
    "fingerprint",
    "import_files",
    "import_parsed",
]

PRODUCTS: Table = Product.__table__  # type: ignore[assignment]
BARCODES: Table = Barcode.__table__  # type: ignore[assignment]


def import_files(
    db: Database,
    paths: Sequence[Path],
    classify: Classifier,
    *,
    format: str = "auto",
    dry_run: bool = False,
    accept_changes: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> ImportSummary:
    """Read, recognise and store files; each file (or Taobao pair) is its own
    all-or-nothing unit, stored in the order given.

    Every file is read and recognised before any is stored: a file that cannot be read
    at all, or is of no known format, stores nothing. One found unusable while it is
    parsed (a missing column, Excel's scientific notation), a re-import refused for its
    changes (ChangesRefusedError, see `accept_changes`) or a cancel (ImportCancelledError) stores
    nothing of itself, and its error names the files before it that were stored.
    """
    with gc_paused():
        bar = ImportProgress(progress, cancel)
        stored: list[str] = []
        try:
            jobs = plan_files(paths, format=format, progress=bar.reading)
            bar.size(sum(job.rows for job in jobs))
            total = ImportSummary(format=",".join(dict.fromkeys(job.format for job in jobs)))
            for job in jobs:
                bar.start_file(job.rows)
                parsed = job.parse()
                bar.add_skipped(len(parsed.skipped))
                summary = _store(db, parsed, classify, dry_run, accept_changes, bar)
                if not summary.rejected and not dry_run:
                    stored += [Path(source).name for source in job.sources]
                total.add(summary)
                bar.file_done()
        except ImportCancelledError as error:
            raise ImportCancelledError(stored) from error
        except UserError as error:
            raise _after(error, stored) from error
        bar.finish()
    return total


def _after(error: UserError, stored: list[str]) -> UserError:
    """`error`, telling which files were stored before it (same type where it matters)."""
    if not stored:
        return error
    zh = f"{error.zh}（此前的文件已导入：{'、'.join(stored)}）"
    en = f"{error.en} (the files before it were imported: {', '.join(stored)})"
    if isinstance(error, ChangesRefusedError):
        error.zh, error.en, error.args = zh, en, (f"{zh} / {en}",)
        return error
    return UserError(zh, en)


def import_parsed(
    db: Database,
    parsed: ParsedFile,
    classify: Classifier,
    *,
    dry_run: bool = False,
    accept_changes: bool = True,
) -> ImportSummary:
    """Store one parsed file in one transaction (rolled back on dry run or any problem)."""
    with gc_paused():
        return _store(db, parsed, classify, dry_run, accept_changes, ImportProgress(None))


def _store(
    db: Database,
    parsed: ParsedFile,
    classify: Classifier,
    dry_run: bool,
    accept_changes: bool,
    bar: ImportProgress,
) -> ImportSummary:
    """One parsed file in one transaction: orders, then the product catalogue."""
    summary = ImportSummary(format=parsed.format, skipped=list(parsed.skipped))
    if parsed.problems:  # an invalid file changes nothing
        summary.rejected = list(parsed.problems)
        summary.rejected_total = getattr(parsed.problems, "total", len(parsed.problems))
        return summary
    bar.check()
    with db.transaction() as conn:
        _one_import_at_a_time(conn)
        store_orders(
            conn,
            parsed.orders,
            classify,
            summary,
            file=", ".join(Path(s).name for s in parsed.sources) or parsed.format,
            accept_changes=accept_changes or dry_run,  # a dry run lists the changes
            stored=bar.storing,
        )
        catalogue = _catalogue(parsed.products, parsed.orders)
        summary.products_created, summary.products_updated = _upsert_products(conn, catalogue)
        bar.check()  # the last moment a cancel can still undo this file
        if dry_run:
            conn.rollback()
    return summary


# "PKIM": with the schema's hash, the key of PostgreSQL's advisory lock for imports.
IMPORT_LOCK = 0x504B_494D
_TAKE_TURNS = text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))")


def _one_import_at_a_time(conn: Connection) -> None:
    """Imports into one database take turns on PostgreSQL too (SQLite's write lock makes
    them): two at once would both find an order new, and the later one would fail on
    its order number. The lock is held until the transaction ends, benches never take
    it, and it is the transaction's first statement: under READ COMMITTED (the default
    here) what follows sees the earlier import's orders."""
    if conn.dialect.name == "postgresql":
        conn.execute(_TAKE_TURNS, {"key": IMPORT_LOCK})


# -- products ----------------------------------------------------------------------


def _catalogue(
    products: Sequence[ImportedProduct], orders: Sequence[ImportedOrder]
) -> dict[str, tuple[str, set[BarcodeSpec]]]:
    """Every SKU with its title and codes; the SKU text itself is always a 1-unit code."""
    catalogue: dict[str, tuple[str, set[BarcodeSpec]]] = {}

    def add(sku: str, title: str, barcodes: Sequence[BarcodeSpec]) -> None:
        entry = catalogue.get(sku)  # (250k lines, 5k SKUs: build nothing for a known one)
        if entry is None:
            catalogue[sku] = (title, {BarcodeSpec(sku, 1), *barcodes})
            return
        if barcodes:
            entry[1].update(barcodes)
        if title and not entry[0]:
            catalogue[sku] = (title, entry[1])

    for product in products:
        add(product.sku, product.title, product.barcodes)
    for order in orders:
        for line in order.lines:
            add(line.sku, line.title, line.barcodes)
    return catalogue


def _upsert_products(
    conn: Connection, catalogue: dict[str, tuple[str, set[BarcodeSpec]]]
) -> tuple[int, int]:
    """Create the new SKUs, give known ones a new title or codes: (created, updated)."""
    ids: dict[str, int] = {}
    titles: dict[str, str] = {}
    for where in matching(conn, Product.sku, list(catalogue)):
        for pid, sku, title in conn.execute(
            select(Product.id, Product.sku, Product.title).where(where)
        ):
            ids[sku], titles[sku] = pid, title
    new = [sku for sku in catalogue if sku not in ids]
    new_ids = reserve_ids(conn, PRODUCTS, len(new))
    rows = [(pid, sku, catalogue[sku][0]) for pid, sku in zip(new_ids, new, strict=True)]
    bulk_insert(conn, PRODUCTS, ("id", "sku", "title"), rows)
    ids.update(zip(new, new_ids, strict=True))
    updated: set[int] = set()
    for sku, (title, _codes) in catalogue.items():
        if title and sku in titles and titles[sku] != title:
            conn.execute(update(Product).where(Product.id == ids[sku]).values(title=title))
            updated.add(ids[sku])
    existing: set[tuple[str, int]] = set()
    for where in matching(conn, Barcode.product_id, list(ids.values())):
        existing.update(conn.execute(select(Barcode.code, Barcode.product_id).where(where)))
    barcode_rows = [
        (spec.code, case_folded(spec.code), ids[sku], spec.units)
        for sku, (_title, codes) in catalogue.items()
        for spec in sorted(codes, key=lambda s: (s.code, s.units))
        if (spec.code, ids[sku]) not in existing
    ]
    columns = ("code", "code_folded", "product_id", "units")
    barcode_rows = _first_per_key(barcode_rows)
    bulk_insert(conn, BARCODES, columns, barcode_rows)
    known = {ids[sku] for sku in titles}
    updated.update(row[2] for row in barcode_rows if row[2] in known)
    return len(new), len(updated)


def _first_per_key(rows: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """One row per (code, product): a file listing a code twice with two pack sizes keeps one."""
    seen: set[tuple[str, int]] = set()
    out = []
    for row in rows:
        key = (row[0], row[2])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
