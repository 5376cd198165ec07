"""Plain values the packing service hands to the CLI and the Qt windows."""

from __future__ import annotations

from dataclasses import dataclass, field

from packstation.domain.orders import InterceptReason
from packstation.domain.verdicts import Verdict


@dataclass(frozen=True, slots=True)
class LineProgress:
    sku: str
    title: str
    required: int
    packed: int


@dataclass(frozen=True, slots=True)
class Box:
    """The order open at a bench and how far its packing got."""

    session_id: int
    order_id: int
    order_no: str
    platform: str
    recipient: str
    address: str
    province: str
    city: str
    district: str
    priority: str | None
    address_ambiguous: bool
    carrier: str
    waybill_no: str
    lines: tuple[LineProgress, ...]

    @property
    def units_required(self) -> int:
        return sum(line.required for line in self.lines)

    @property
    def units_packed(self) -> int:
        return sum(line.packed for line in self.lines)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one scan did. `box` is the box open after the scan (None once it closed)."""

    verdict: Verdict
    code: str
    order_no: str | None = None
    sku: str | None = None
    units: int = 0
    box: Box | None = None
    print_job_id: int | None = None
    other_bench: str | None = None
    intercept_reason: InterceptReason | None = None  # a code: translate() words it
    candidates: tuple[str, ...] = field(default=())  # SKUs an ambiguous code stands for
