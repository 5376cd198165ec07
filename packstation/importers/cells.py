"""Cell cleaning shared by all formats: hostile text made safe, codes unwrapped, quantities checked.

Policy (documented for storage and export):
- Tab, CR, LF and other line breaks inside a cell become one space; every other
  character of Unicode category C is removed: controls, format characters (zero-width,
  bidi overrides: they hide or reorder text on screen), private-use and unassigned code
  points (nothing can print them).
- Formula-looking text such as `=HYPERLINK(...)` is kept verbatim as text; only the
  Excel text wrapper `="…"` is unwrapped. Exporters escape formulas on the way out.
- Identifiers (order numbers, SKUs, phones, waybill numbers, barcodes) longer than
  `MAX_CODE_LEN` reject the row; free text longer than `MAX_TEXT_LEN` is cut to that
  length (a 10 kB address is stored as its first 2,000 characters, not refused).
- A control character (NUL, other C0/C1 controls, DEL) inside an order number, waybill
  number, SKU or barcode rejects the row (`identifier` keeps it for `code_problem`):
  removing it would turn `6966666666\x00676` into another code. At the edges such a
  cell is trimmed as usual; zero-width and bidi characters are still removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Generic, TypeVar

from packstation.importers.records import BarcodeSpec

T = TypeVar("T")

MAX_CODE_LEN = 64
MAX_TEXT_LEN = 2000
MAX_QUANTITY = 100_000

_TO_SPACE = re.compile(r"[\t\r\n\x0b\x0c\u2028\u2029]+")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_INT = re.compile(r"^\+?\d+(?:\.0+)?$")


def _visible(raw: str) -> str:
    """Line breaks to spaces, then every category-C character out, trimmed."""
    spaced = _TO_SPACE.sub(" ", raw)
    return "".join(ch for ch in spaced if unicodedata.category(ch)[0] != "C").strip()


def text(raw: str) -> str:
    """Free text: control characters out, `="…"` unwrapped, trimmed, capped."""
    if not raw:
        return ""
    if not raw.isprintable():  # fast path: most cells are printable and need nothing
        raw = _visible(raw)
    elif raw[0] == " " or raw[-1] == " ":
        raw = raw.strip()
    if raw[:2] == '="' and raw[-1:] == '"' and len(raw) >= 3:
        raw = raw[2:-1].strip()
    if len(raw) > MAX_TEXT_LEN:
        raw = raw[:MAX_TEXT_LEN]
    return raw


def code(raw: str) -> str:
    """An identifier cell: like `text`, and the `'` / tab prefixes Excel users add are dropped."""
    if not raw:
        return ""
    if not raw.isprintable():
        raw = _visible(raw)
    elif raw[0] == " " or raw[-1] == " ":
        raw = raw.strip()
    first = raw[:1]
    if first == "=":
        if raw[:2] == '="' and raw[-1] == '"' and len(raw) >= 3:
            raw = raw[2:-1].strip()
    elif first == "'":
        raw = raw[1:].strip()
    return raw


def identifier(raw: str) -> str:
    """An order number, waybill number, SKU or barcode: `code`, except that control
    characters inside it are kept, so that `code_problem` rejects the row."""
    if not raw or raw.isprintable():
        return code(raw)
    kept = "".join(ch for ch in raw.strip() if _not_hidden(ch))
    return code(kept) if kept.isprintable() else _unwrapped(kept)


def _not_hidden(char: str) -> bool:
    """Anything but format, private-use and unassigned characters (controls stay)."""
    category = unicodedata.category(char)
    return category[0] != "C" or category == "Cc"


def _unwrapped(value: str) -> str:
    """`code`'s Excel prefixes dropped, without its cleaning."""
    if value[:2] == '="' and value[-1:] == '"' and len(value) >= 3:
        return value[2:-1].strip()
    if value[:1] == "'":
        return value[1:].strip()
    return value


def is_scientific(value: str) -> bool:
    """True for Excel's `3.41235E+18`: the digits past the 15th are already lost."""
    return ("E" in value or "e" in value) and _SCIENTIFIC.match(value) is not None


def code_problem(value: str) -> str | None:
    """Why an identifier cannot be used as is, or None."""
    if not value.isprintable():
        for position, char in enumerate(value, start=1):
            if unicodedata.category(char) == "Cc":
                return (
                    f"含控制字符 U+{ord(char):04X}（第 {position} 个字符），"
                    "去掉它会变成另一个编号 / "
                    f"contains control character U+{ord(char):04X} at position {position}; "
                    "removing it would make another code"
                )
    if len(value) > MAX_CODE_LEN:
        return (
            f"太长（{len(value)} 字符，最多 {MAX_CODE_LEN}） / "
            f"too long ({len(value)} chars, max {MAX_CODE_LEN})"
        )
    if is_scientific(value):
        return (
            f"“{value}”是 Excel 科学计数法，后几位数字已丢失；"
            "请从后台重新导出，不要用 Excel 另存 / "
            f"'{value}' is Excel scientific notation and its last digits are lost; export the "
            "file again instead of re-saving it in Excel"
        )
    return None


def checked_code(raw: str) -> tuple[str, str | None]:
    """(identifier, why it is unusable or None); memoise this for repeating columns."""
    value = identifier(raw)
    return value, (code_problem(value) if value else None)


def quantity(raw: str) -> int | None:
    """A positive whole number of units (`2`, `2.0`), else None."""
    value = code(raw)
    if value.isascii() and value.isdigit():  # fast path for the usual "2"
        number = int(value)
        return number if 0 < number <= MAX_QUANTITY else None
    if not _INT.match(value):
        return None
    number = int(value.split(".", 1)[0].lstrip("+"))
    if number <= 0 or number > MAX_QUANTITY:
        return None
    return number


def barcodes(raw: str) -> tuple[tuple[BarcodeSpec, ...], str | None]:
    """`6901234567892|BOX-6901234567892*6` → specs; second item is why it is bad, or None."""
    value = identifier(raw)
    if not value:
        return (), None
    specs: list[BarcodeSpec] = []
    seen: set[str] = set()
    for part in value.split("|"):
        item = part.strip()
        shown = item[:40]
        if not item:
            continue
        units = 1
        if "*" in item:
            item, _, count = item.rpartition("*")
            item = item.strip()
            if not count.strip().isdigit() or int(count) < 1 or int(count) > MAX_QUANTITY:
                return (), (
                    f"条码“{shown}”的 *N 不是正整数 / "
                    f"barcode '{shown}': *N is not a positive whole number"
                )
            units = int(count)
        if not item or any(c.isspace() for c in item):
            return (), f"条码“{shown}”为空或含空格 / barcode '{shown}' is empty or has spaces"
        if not item.isprintable() and (why := code_problem(item)):
            return (), f"条码“{shown!r}”{why}"
        if len(item) > MAX_CODE_LEN:
            return (), (
                f"条码太长（最多 {MAX_CODE_LEN} 字符） / barcode too long (max {MAX_CODE_LEN})"
            )
        if item in seen:
            continue
        seen.add(item)
        specs.append(BarcodeSpec(item, units))
    return tuple(specs), None


def remarks(buyer_note: str, seller_note: str) -> str:
    """Buyer message and seller memo as one labelled remark for the packer."""
    parts = []
    if buyer_note:
        parts.append(f"买家留言：{buyer_note}")
    if seller_note:
        parts.append(f"卖家备注：{seller_note}")
    return "；".join(parts)[:MAX_TEXT_LEN]


class Memo(dict[str, T], Generic[T]):
    """`memo[raw]` is `fn(raw)`, computed once per distinct cell text.

    SKU, title, quantity and status columns repeat the same few values over hundreds of
    thousands of rows; a dict hit costs far less than cleaning the cell again.
    """

    def __init__(self, fn: Callable[[str], T]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, raw: str) -> T:
        value = self[raw] = self.fn(raw)
        return value
