"""What a carrier handover manifest (交接单) says, as plain values: the parcels handed over,
the ones left off, and the count per destination with the priority cities first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Parcel:
    order_id: int
    order_no: str
    waybill_no: str
    province: str
    city: str
    priority: str | None  # priority rule key ("beijing") or None
    packed_at: datetime | None
    stop_reason: str | None = None  # set on parcels left off


@dataclass(frozen=True, slots=True)
class DestinationCount:
    province: str
    city: str
    priority: str | None
    mark: str | None  # 京 沪 穗 深 杭 for priority cities
    parcels: int


@dataclass(frozen=True, slots=True)
class ManifestDocument:
    """Everything a manifest shows (the PDF, the thermal summary and the view draw this)."""

    manifest_no: str | None  # None: a draft, not closed
    carrier: str
    carrier_name: str
    packed_since: datetime | None
    packed_until: datetime | None
    at: datetime  # when it was closed (or the draft made)
    closed_by: str | None
    parcels: tuple[Parcel, ...]  # handed over, priority first
    left_off: tuple[Parcel, ...]  # stopped after packing: pull these from the pile
    destinations: tuple[DestinationCount, ...]
    marks: Mapping[str, str] = field(default_factory=dict)  # priority key -> mark

    @property
    def closed(self) -> bool:
        return self.manifest_no is not None

    def mark(self, parcel: Parcel) -> str:
        return self.marks.get(parcel.priority or "", "")


def priority_first(marks: Mapping[str, str]) -> dict[str, int]:
    """Rank of each priority key in rule order; other parcels sort after all of them."""
    return {key: i for i, key in enumerate(marks)}


def parcel_sort_key(parcel: Parcel, rank: Mapping[str, int]) -> tuple[object, ...]:
    """Priority cities first (rule order), then by place, then by waybill number."""
    prio = rank.get(parcel.priority or "", len(rank))
    return (prio, parcel.province, parcel.city, parcel.waybill_no, parcel.order_no)


def destination_counts(
    parcels: Iterable[Parcel], marks: Mapping[str, str]
) -> tuple[DestinationCount, ...]:
    """Parcels per city: priority cities first (in rule order, marked), then most parcels."""
    counts: dict[tuple[str, str, str | None], int] = {}
    for p in parcels:
        key = (p.province, p.city, p.priority)
        counts[key] = counts.get(key, 0) + 1
    rank = priority_first(marks)
    rows = [
        DestinationCount(province, city, prio, marks.get(prio or ""), n)
        for (province, city, prio), n in counts.items()
    ]
    rows.sort(key=lambda d: (rank.get(d.priority or "", len(rank)), -d.parcels, d.province, d.city))
    return tuple(rows)
