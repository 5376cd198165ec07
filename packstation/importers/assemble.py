"""Group line rows into orders, the same way for every format.

An order with any bad row is rejected whole: importing the good half of an order
would let a packer ship an incomplete parcel. Each bad row is reported; the other rows
of a rejected order are not imported and need no report of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packstation.importers.records import (
    MAX_LISTED,
    BarcodeSpec,
    ImportedLine,
    ImportedOrder,
    OrderStatus,
    Problems,
    RowProblem,
)

# Order-level fields: ImportedOrder's fields between order_no and lines, in its order.
HEAD_FIELDS = (
    "platform",
    "status",
    "recipient",
    "phone",
    "address",
    "province",
    "city",
    "district",
    "carrier",
    "waybill_no",
    "remarks",
    "platform_order_no",
)
Head = tuple[str, OrderStatus, str, str, str, str, str, str, str, str, str, str]



@dataclass(slots=True)
class _Pending:
    row: int
    head: Head
    lines: dict[str, list[object]] = field(default_factory=dict)  # sku -> [title, qty, codes]
    bad: bool = False


class OrderAssembler:
    """Collects rows of one file (or file pair) and yields finished orders."""

    def __init__(self, file: str, head_labels: dict[str, str] | None = None) -> None:
        self.file = file
        self.head_labels = head_labels or {}
        self.problems = Problems()
        self._orders: dict[str, _Pending] = {}

    def problem(
        self, row: int, column: str, reason: str, code: str = "", file: str | None = None
    ) -> None:
        self.problems.append(RowProblem(file or self.file, row, column, reason, code))

    def reject(
        self, order_no: str, row: int, column: str, reason: str, code: str, file: str | None = None
    ) -> None:
        """Report a bad row and drop its whole order (if the order number is known)."""
        if order_no:
            reason = f"订单 {order_no} 整单未导入：{reason}"
            pending = self._orders.get(order_no)
            if pending is not None:
                pending.bad = True
            elif self.problems.total < MAX_LISTED:  # past it, the file is refused anyway
                self._orders[order_no] = _Pending(row, _EMPTY_HEAD, bad=True)
        self.problem(row, column, reason, code, file)

    def head(self, order_no: str, row: int, head: Head) -> bool:
        """Register order-level fields; False (and a problem) if they contradict earlier rows."""
        pending = self._orders.get(order_no)
        if pending is None:
            self._orders[order_no] = _Pending(row, head)
            return True
        if pending.head is _EMPTY_HEAD:  # rejected before its order row was seen
            pending.head = head
            return not pending.bad
        if pending.bad:
            return False
        if pending.head == head:
            return True
        for name, old, new in zip(HEAD_FIELDS, pending.head, head, strict=True):
            if old != new:
                label = self.head_labels.get(name, name)
                self.reject(
                    order_no,
                    row,
                    label,
                    f"与第 {pending.row} 行的{label}不一致（“{_short(old)}” ≠ “{_short(new)}”） / "
                    f"{label} differs from row {pending.row}",
                    "inconsistent_order",
                )
                break
        return False

    def line(
        self, order_no: str, sku: str, title: str, qty: int, codes: tuple[BarcodeSpec, ...]
    ) -> None:
        """Add a line; the same SKU twice in one order is one line with the quantities summed."""
        lines = self._orders[order_no].lines
        known = lines.get(sku)
        if known is None:
            lines[sku] = [title, qty, codes]
            return
        known[1] = int(known[1]) + qty  # type: ignore[call-overload]
        old_codes: tuple[BarcodeSpec, ...] = known[2]  # type: ignore[assignment]
        if codes:
            known[2] = old_codes + tuple(c for c in codes if c not in old_codes)
        if not known[0]:
            known[0] = title

    def plain_lines(self, order_no: str, lines: list[tuple[str, str, int]]) -> None:
        """Add (sku, title, qty) lines without barcodes in one call (platform exports)."""
        known_lines = self._orders[order_no].lines
        for sku, title, qty in lines:
            known = known_lines.get(sku)
            if known is None:
                known_lines[sku] = [title, qty, ()]
            else:
                known[1] = int(known[1]) + qty  # type: ignore[call-overload]

    def known(self, order_no: str) -> bool:
        return order_no in self._orders

    def orders(self) -> list[ImportedOrder]:
        """Every good order, in the order first seen; the rows are let go as they are
        built (100k orders' rows and orders at once cost a hundred megabytes more)."""
        pending_orders, self._orders = self._orders, {}
        built = []
        while pending_orders:
            order_no, pending = pending_orders.popitem()  # the last first
            if not pending.bad and pending.head is not _EMPTY_HEAD:
                built.append(_built(order_no, pending))
        built.reverse()
        return built


# Orders and lines are made by tuple.__new__ straight from their values: the NamedTuples'
# own __new__ (a Python function, with keywords for ImportedOrder) took twice as long,
# 100k times an import. A head holds every field between order_no and lines.
_tuple_new = tuple.__new__


def _built(order_no: str, pending: _Pending) -> ImportedOrder:
    lines = tuple(
        [
            _tuple_new(ImportedLine, (sku, title, qty, codes))
            for sku, (title, qty, codes) in pending.lines.items()
        ]
    )
    return _tuple_new(ImportedOrder, (order_no, *pending.head, lines))


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


_EMPTY_HEAD: Head = ("", OrderStatus.PAID, "", "", "", "", "", "", "", "", "", "")
