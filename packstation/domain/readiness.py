"""What barcode readiness reports, as plain values: the products in waiting orders that a
packer cannot scan, and why (`services.readiness` finds them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GTIN_LENGTHS = frozenset({8, 12, 13})  # EAN-8, UPC-A, EAN-13


class Problem(StrEnum):
    NO_BARCODE = "no_barcode"
    AMBIGUOUS_CODE = "ambiguous_code"
    INVALID_CHECK_DIGIT = "invalid_check_digit"


@dataclass(frozen=True, slots=True)
class BlockedSku:
    """One product that cannot be scanned, and the waiting work it holds up."""

    sku: str
    title: str
    problems: tuple[Problem, ...]
    codes: tuple[str, ...]  # every code registered for it
    shared_codes: tuple[str, ...]  # its codes that other products carry too
    shared_with: tuple[str, ...]  # SKUs of those other products
    invalid_codes: tuple[str, ...]
    waiting_units: int
    waiting_orders: int


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    products_checked: int
    blocked: tuple[BlockedSku, ...]  # most waiting units first

    @property
    def units_blocked(self) -> int:
        return sum(item.waiting_units for item in self.blocked)


def looks_like_gtin(code: str) -> bool:
    return code.isdigit() and len(code) in GTIN_LENGTHS
