"""Column picking and whole-file errors shared by the format parsers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter

from packstation.errors import UserError
from packstation.importers.reading import Table

Row = list[str]
# Parsers report progress once per this many rows: often enough for a smooth bar, rarely
# enough that the callback (a terminal bar or a Qt signal) costs nothing measurable.
TICK_ROWS = 1000


Column = str | tuple[str, ...]


def pick(table: Table, columns: Sequence[Column]) -> Callable[[Row], tuple[str, ...]]:
    """A fast row → tuple of the wanted cells ("" for a column the file lacks or a short row).

    A column may be given as a tuple of alternative names (older / newer exports). The
    row list is padded in place: rows come fresh from the reader and are not reused.
    """
    indices: list[int] = []
    for column in columns:
        names = column if isinstance(column, tuple) else (column,)
        found = table.find(*names)
        indices.append(-1 if found is None else found)  # -1: the "" appended below
    width = max(indices, default=-1) + 1
    getter = itemgetter(*indices) if len(indices) > 1 else None

    if getter is not None and -1 not in indices:  # every column present: the usual case

        def get_all(row: Row) -> tuple[str, ...]:
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            return getter(row)  # type: ignore[no-any-return]

        return get_all

    def get(row: Row) -> tuple[str, ...]:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        row.append("")
        if getter is None:
            return (row[indices[0]],) if indices else ()
        return getter(row)  # type: ignore[no-any-return]

    return get


def missing_columns_error(table: Table, missing: Sequence[str]) -> UserError:
    names = "、".join(missing)
    seen = ", ".join(h for h in table.raw_headers[:40] if h.strip())
    return UserError(
        f"{table.name} 缺少必需的列：{names}。文件中的列有：{seen}",
        f"{table.name} lacks required columns: {', '.join(missing)}. Columns found: {seen}",
    )


def scientific_error(table: Table, row: int, column: str, value: str) -> UserError:
    return UserError(
        f"{table.name} 第 {row} 行“{column}”为“{value}”：订单号被 Excel 改成了科学计数法，"
        "最后几位数字已经丢失，无法找回。请从店铺后台重新导出原始文件直接导入，"
        "不要用 Excel 打开后再保存。",
        f"{table.name} row {row}, column '{column}' is '{value}': Excel turned the order "
        "numbers into scientific notation and their last digits are lost for good. Export "
        "the file again from the shop back-end and import it directly, without opening and "
        "saving it in Excel.",
    )
