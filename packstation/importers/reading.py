"""Turn a CSV, XLSX or XLS file into header + text rows, whatever the encoding or quirks.

Every format parser reads through here so that encoding detection, header normalisation
and "numbers must never become floats" are decided once. Cells come out as `str`;
workbook numbers are rendered as text without ever trusting a float beyond 15
significant digits. Workbooks (XLSX, and the older XLS that Taobao and JD still export)
are read by python-calamine.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from packstation.errors import UserError
from packstation.importers import mojibake

# Rows holding fewer than this many non-empty cells are not taken for the header (title
# lines such as "订单列表" above the real header in some workbook exports).
_MIN_HEADER_CELLS = 2
_HEADER_SEARCH_ROWS = 10
# Excel keeps 15 significant digits; any float at or above this may already be damaged.
_FLOAT_EXACT_LIMIT = 10**15

# The default 128 kB limit would stop a whole file on one hostile cell; longer cells
# are read, then capped or rejected by cells.py with a row problem.
csv.field_size_limit(10 * 1024 * 1024)


@dataclass(slots=True)
class Table:
    """One sheet or CSV file: normalised headers and an iterator of (row number, cells).

    Row numbers are the ones a spreadsheet shows (header on its row, first data row
    after it), so a user can find a reported row in Excel or WPS. Blank rows are skipped.
    """

    name: str
    encoding: str
    raw_headers: list[str]
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    estimated_rows: int
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {}
        for i, header in enumerate(self.headers):
            self.index.setdefault(header, i)  # the first of two same-named columns wins

    def find(self, *names: str) -> int | None:
        """Index of the first header among `names` (any spelling), else None."""
        for name in names:
            found = self.index.get(normalise_header(name))
            if found is not None:
                return found
        return None


_HEADER_DROP = re.compile(r"[\s\u200b-\u200f\ufeff*＊]+")


def normalise_header(raw: str) -> str:
    """Fold header spelling variants: spaces anywhere, full-width brackets, case, BOM, `*`."""
    text = unicodedata.normalize("NFKC", raw)
    text = _HEADER_DROP.sub("", text).lower()
    text = text.replace("【", "[").replace("】", "]").replace("〔", "(").replace("〕", ")")
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text


def open_table(path: Path) -> Table:
    """Open a CSV, XLSX or XLS file; raise UserError if it cannot be read at all."""
    if not path.exists():
        raise UserError(f"找不到文件：{path}", f"File not found: {path}")
    if not path.is_file():
        raise UserError(f"不是文件：{path}", f"Not a file: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件 {path}：{exc}", f"Cannot read {path}: {exc}") from exc
    if data[:4] == b"PK\x03\x04":
        return _open_workbook(path, data, "xlsx")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: an Excel 97-2003 .xls
        return _open_workbook(path, data, "xls")
    decoded = decode(data, str(path))
    mojibake.check(path.name, data, decoded.start, decoded.encoding)
    first_line = decoded.start.split("\n", 1)[0].lstrip("\ufeff")
    return csv_table(str(path), data, decoded.encoding, decoded.lines + 1, first_line)


# Decoding is checked a megabyte at a time: the whole text at once cost more memory than
# the file (two or four bytes a character). The start of the text is kept, to check.
_CHUNK = 1 << 20
_KEPT_CHUNKS = 4


@dataclass(frozen=True, slots=True)
class Decoded:
    encoding: str  # as Python's codecs name it; "utf-8-sig" for UTF-8 with a BOM
    start: str  # the text of the file's first few megabytes
    lines: int


def decode(data: bytes, name: str) -> Decoded:
    """Decode by strict trial: BOMs, then UTF-8, then GBK, then GB18030.

    Strict trial decoding is enough here: Chinese text in GBK is almost never valid
    UTF-8 and the reverse fails on the first multi-byte character, so no statistical
    detector (charset-normalizer) is needed for these four encodings.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    where = 0  # how far the most successful reading got: where the damage probably is
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            return _checked(data, encoding)
        except UnicodeDecodeError as exc:
            where = max(where, exc.start)
    if mojibake.looks_like_big5(data):
        raise mojibake.unsupported_big5(name)
    raise UserError(
        f"无法识别 {name} 的文字编码（第 {where} 字节起既不是 UTF-8 也不是 GBK/GB18030）。"
        "请从后台重新导出，或用 Excel/WPS 另存为“CSV UTF-8”后再导入。",
        f"Cannot tell the text encoding of {name}: from byte {where} it is neither UTF-8 nor "
        "GBK/GB18030. Export it again from the shop back-end, or save it as 'CSV UTF-8' "
        "in Excel/WPS, then import it.",
    )


def _checked(data: bytes, encoding: str) -> Decoded:
    """`data` decoded strictly a chunk at a time; UnicodeDecodeError (its `start` in
    `data`) if it is not `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    kept: list[str] = []
    lines = 0
    for offset in range(0, max(len(data), 1), _CHUNK):
        try:
            last = offset + _CHUNK >= len(data)
            text = decoder.decode(view[offset : offset + _CHUNK], final=last)
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(
                exc.encoding, data, offset + exc.start, offset + exc.end, exc.reason
            ) from exc
        lines += text.count("\n")
        if len(kept) < _KEPT_CHUNKS:
            kept.append(text)
    return Decoded(encoding, "".join(kept), lines)


def _strict(data: bytes, encoding: str, name: str) -> Decoded:
    try:
        return _checked(data, encoding)
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{name} 声明为 {encoding} 编码，但第 {exc.start} 字节处内容损坏，请重新导出。",
            f"{name} says it is {encoding}, but byte {exc.start} is not valid {encoding}; "
            "export it again.",
        ) from exc


def _sniff_delimiter(first_line: str) -> str:
    """Comma unless the header line is clearly tab- or semicolon-separated."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def csv_table(name: str, data: bytes, encoding: str, estimated: int, first_line: str) -> Table:
    """A table over CSV bytes known to decode as `encoding`, decoded as they are read:
    the whole text at once (four bytes a character once one is outside Latin-1) would
    cost several times the file's size."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    if stream.read(1) not in ("\ufeff", ""):  # a BOM the codec left in place
        stream.seek(0)
    reader = csv.reader(stream, delimiter=_sniff_delimiter(first_line))
    return _with_header(name, encoding, _csv_rows(name, reader), estimated)


def _csv_rows(name: str, reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """CSV rows numbered as a spreadsheet shows them, blank ones left out, a reader
    failure turned into a UserError naming the row: this loop runs once per CSV row."""
    number = 0
    try:
        for row in reader:
            number += 1
            first = row[0] if row else ""
            # a filled first cell is the quick answer; otherwise look at every cell
            if (first and not first.isspace()) or any(c and not c.isspace() for c in row):
                yield number, row
    except csv.Error as exc:
        raise _damaged(name, number + 1, exc) from exc


def _damaged(name: str, row: int, exc: Exception) -> UserError:
    return UserError(
        f"{name} 第 {row} 行附近无法读取（{exc}），文件可能已损坏，请重新导出。",
        f"{name} cannot be read near row {row} ({exc}); the file may be damaged, export it again.",
    )


def _nonblank(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for number, row in rows:
        if row and row[0] and not row[0].isspace():  # fast path: a filled first cell
            yield number, row
            continue
        for cell in row:
            if cell and not cell.isspace():
                yield number, row
                break


def _guarded_numbered(
    name: str, rows: Iterator[tuple[int, list[str]]], errors: type[Exception]
) -> Iterator[tuple[int, list[str]]]:
    """Turn a reader failure halfway through a sheet into a UserError naming the row."""
    number = 0
    try:
        for number, row in rows:
            yield number, row
    except errors as exc:
        raise _damaged(name, number + 1, exc) from exc


def _with_header(
    name: str, encoding: str, rows: Iterator[tuple[int, list[str]]], estimated: int
) -> Table:
    skipped: list[tuple[int, list[str]]] = []
    for number, row in rows:
        filled = sum(1 for c in row if c.strip())
        if filled >= _MIN_HEADER_CELLS or len(skipped) >= _HEADER_SEARCH_ROWS:
            headers = [normalise_header(c) for c in row]
            return Table(name, encoding, list(row), headers, number, rows, estimated)
        skipped.append((number, row))
    if skipped:  # a one-column file: take its first non-blank row as the header
        number, row = skipped[0]
        rest = iter(skipped[1:])
        headers = [normalise_header(c) for c in row]
        return Table(name, encoding, list(row), headers, number, rest, estimated)
    raise UserError(f"{name} 是空文件，没有表头。", f"{name} is empty: no header row.")


def _open_workbook(path: Path, data: bytes, kind: str) -> Table:
    """The first visible worksheet of an XLSX or XLS workbook, read by python-calamine."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = workbook.sheets_metadata
        visible = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
        sheet = workbook.get_sheet_by_name((visible or workbook.sheet_names)[0])
        values = sheet.iter_rows()
    except Exception as exc:  # CalamineError, a missing part, an unreadable stream …
        raise _damaged_workbook(path, kind, exc) from exc
    except BaseException as exc:  # a panic inside the Rust reader, on a hostile file
        if type(exc).__name__ != "PanicException":
            raise
        raise _damaged_workbook(path, kind, exc) from exc
    first = sheet.start[0] + 1 if sheet.start else 1  # the sheet row of the first value row

    def text_rows() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(values, start=first):
            yield number, [cell_text(v) for v in row]

    numbered = _nonblank(_guarded_numbered(str(path), text_rows(), Exception))
    return _with_header(str(path), kind, numbered, max(sheet.height, 1))


def _damaged_workbook(path: Path, kind: str, exc: BaseException) -> UserError:
    kind = kind.upper()
    return UserError(
        f"{path.name} 不是可读取的 {kind} 工作簿（{exc}），文件可能已损坏，请从后台重新导出。",
        f"{path.name} is not a readable {kind} workbook ({exc}); the file may be damaged, "
        "export it again from the shop back-end.",
    )


def cell_text(value: object) -> str:
    """Render a workbook cell as the text the user typed, never via a lossy float.

    Floats of 15+ digits come out in Excel's scientific form (`3.41234567890123E+18`) so
    an order-number column refuses them with the same message as a re-saved CSV.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):  # XLS integer cells
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _FLOAT_EXACT_LIMIT:
            return str(int(value))
        if abs(value) >= _FLOAT_EXACT_LIMIT:
            return f"{value:.14E}"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
