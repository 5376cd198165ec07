"""Every answer the bench can give to one scan (DESIGN.md, "Domain").

A verdict is a code; its words for the packer are in the catalogue (`verdict.<value>`)."""

from __future__ import annotations

from packstation.i18n.codes import MessageCode


class Verdict(MessageCode, namespace="verdict"):
    OK = "ok"
    ORDER_OPENED = "order_opened"
    WRONG_ITEM = "wrong_item"
    OVER_QUANTITY = "over_quantity"
    UNKNOWN_CODE = "unknown_code"
    AMBIGUOUS_CODE = "ambiguous_code"
    ORDER_COMPLETE = "order_complete"
    INTERCEPTED = "intercepted"
    ALREADY_PACKED = "already_packed"
    NOT_FOUND = "not_found"
    IN_PROGRESS_ELSEWHERE = "in_progress_elsewhere"
    DUPLICATE_READ = "duplicate_read"

    @property
    def accepted(self) -> bool:
        """True when the scan put units into the box (only these count)."""
        return self in _COUNTING

    @property
    def refused(self) -> bool:
        """True when the packer must act: take the item out, fetch help, or rescan."""
        return self not in _POSITIVE


_COUNTING = frozenset({Verdict.OK, Verdict.ORDER_COMPLETE})
_POSITIVE = frozenset(
    {Verdict.OK, Verdict.ORDER_COMPLETE, Verdict.ORDER_OPENED, Verdict.DUPLICATE_READ}
)
