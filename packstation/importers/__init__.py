"""Order and product file importers: each turns a file into plain records, never touching storage.

    from packstation.importers import parse_files
    parsed = parse_files([Path("orders.csv")], format="auto", progress=lambda d, t: ...)

One ParsedFile comes back per logical file (a Taobao order report + item report pair
counts as one). Files that cannot be read at all raise `packstation.errors.UserError`
(Chinese, then English); bad rows inside a readable file come back as `RowProblem`s
(file, spreadsheet row, column as the file spells it, reason, stable code). An order
with any bad row is left out whole; unpaid platform orders are left out as `skipped`.

Formats ("auto" detects them from the headers):
- "csv": the generic order file of DESIGN.md (generic.py)
- "products": the product catalogue sku,title,barcodes (generic.py)
- "taobao": 订单报表 + 宝贝报表 pair, old wide and newer column sets (taobao.py)
- "jd": 京东 order export (jd.py); "pdd": 拼多多 order export (pdd.py)
Files: CSV in UTF-8, UTF-8 with BOM, GBK, GB18030 or UTF-16 (Excel "Unicode text"),
comma/tab/semicolon separated, or an XLSX or XLS workbook (first visible sheet, python-calamine).

Text policy (cells.py): control, zero-width and bidi characters removed from text,
`="…"`, `'` and tab prefixes unwrapped from identifiers, formulas kept as plain text
(export.py escapes them), identifiers over 64 characters or with a control character
inside rejected, free text cut at 2,000. Order numbers in Excel scientific notation
refuse the whole file; so does text that went through the wrong encoding (mojibake.py).
A file's first 100 problems are listed and the rest counted (records.Problems).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from packstation.importers.detect import FORMATS, ParseJob, plan_tables
from packstation.importers.export import EXPORT_FORMATS, ExportResult, ShippedRow, write_shipped
from packstation.importers.reading import open_table
from packstation.importers.records import ParsedFile

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "ExportResult",
    "ParseJob",
    "ShippedRow",
    "gc_paused",
    "parse_files",
    "plan_files",
    "write_shipped",
]


def parse_files(
    paths: Sequence[Path],
    format: str = "auto",  # the CLI option is called --format
    progress: Callable[[int, int], None] | None = None,
) -> list[ParsedFile]:
    """Parse order/product files; `format` is "auto" or one of FORMATS.

    `progress(done, total)` is called every 1,000 rows or so and once at the end with
    done == total; `total` is estimated from line counts before parsing starts.
    """
    with gc_paused():
        return [job.parse() for job in plan_files(paths, format, progress)]


def plan_files(
    paths: Sequence[Path],
    format: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> list[ParseJob]:
    """Read, decode and recognise every file now; parse each when its job is run.

    For an importer that stores each logical file in its own transaction (see ParseJob).
    """
    tables = [open_table(Path(p)) for p in paths]
    return plan_tables(tables, format, progress)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic GC would keep rescanning the hundreds of thousands of (acyclic) records
    an import builds: pausing it saves about a quarter of a 100k-order import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
