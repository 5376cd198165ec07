"""Order and product file importers: each turns a file into plain records, never touching storage.

    from packstation.importers import parse_files
    parsed = parse_files([Path("orders.csv")], format="auto", progress=lambda d, t: ...)

One ParsedFile comes back per logical file (a Taobao order report + item report pair
counts as one). Files that cannot be read at all raise `packstation.errors.UserError`;
bad rows inside a readable file come back as `RowProblem`s.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path

from packstation.importers.detect import FORMATS, parse_tables
from packstation.importers.reading import open_table
from packstation.importers.records import ParsedFile

__all__ = ["FORMATS", "parse_files"]


def parse_files(
    paths: Sequence[Path],
    format: str = "auto",  # the CLI option is called --format
    progress: Callable[[int, int], None] | None = None,
) -> list[ParsedFile]:
    """Parse order/product files; `format` is "auto" or one of FORMATS.

    `progress(done, total)` is called every 1,000 rows or so and once at the end with
    done == total; `total` is estimated from line counts before parsing starts.
    """
    # The cyclic GC keeps rescanning the hundreds of thousands of (acyclic) records being
    # built: pausing it saves about a quarter of the time on a 100k-order import.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        tables = [open_table(Path(p)) for p in paths]
        return parse_tables(tables, format, progress)
    finally:
        if was_enabled:
            gc.enable()
