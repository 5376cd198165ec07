"""The staffing estimate: how long the backlog takes at the live pace, and how many benches
it takes to clear it by the cutoff. Pure arithmetic on plain values, with the clock passed in.

The pace is what the benches really did in the last hour: orders completed, divided by the
benches that completed at least one. Benches are assumed to pack priority orders first (the
bench shows them marked), so the priority backlog clears at the whole team's pace. Bench
counts are exact (fractions, rounded up): 6.0 benches is 6, 6.01 is 7.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction

PACE_WINDOW = timedelta(hours=1)
# A cutoff up to this long ago has passed; an earlier clock time means the next day's.
CUTOFF_PAST_LIMIT = timedelta(hours=12)


class StaffingWarning(StrEnum):
    """Why the supervisor should act; the UI owns the words."""

    PRIORITY_MISSES_CUTOFF = "priority_misses_cutoff"
    BACKLOG_MISSES_CUTOFF = "backlog_misses_cutoff"
    NO_PACE = "no_pace"  # work is waiting but no bench completed an order in the last hour
    CUTOFF_PASSED = "cutoff_passed"


@dataclass(frozen=True, slots=True)
class Backlog:
    """Orders waiting to be packed: all of them, and the priority ones per city key."""

    waiting: int
    priority_by_city: Mapping[str, int] = field(default_factory=dict)

    @property
    def priority(self) -> int:
        return sum(self.priority_by_city.values())


@dataclass(frozen=True, slots=True)
class Pace:
    """What the benches did in the pace window (the last hour)."""

    orders_packed: int
    active_benches: int

    @property
    def per_bench_per_hour(self) -> Fraction:
        if self.active_benches == 0:
            return Fraction(0)
        return Fraction(self.orders_packed, self.active_benches) * _per_hour(PACE_WINDOW)

    @property
    def team_per_hour(self) -> Fraction:
        return Fraction(self.orders_packed) * _per_hour(PACE_WINDOW)


@dataclass(frozen=True, slots=True)
class Clearance:
    """One backlog at the live pace: when it clears and how many benches meet the cutoff."""

    orders: int
    clears_at: datetime | None  # None: no pace measured and orders waiting
    benches_needed: int | None  # None: no pace measured, or the cutoff has passed
    meets_cutoff: bool


@dataclass(frozen=True, slots=True)
class StaffingEstimate:
    now: datetime
    cutoff: datetime
    backlog: Backlog
    pace: Pace
    all_orders: Clearance
    priority_orders: Clearance
    warnings: tuple[StaffingWarning, ...]


def cutoff_at(now: datetime, cutoff: time) -> datetime:
    """The cutoff moment a clock time means at `now`, in `now`'s time zone: today's, unless
    that was more than CUTOFF_PAST_LIMIT ago (a night shift's 02:00 is tomorrow's)."""
    candidate = now.replace(hour=cutoff.hour, minute=cutoff.minute, second=0, microsecond=0)
    if now - candidate > CUTOFF_PAST_LIMIT:
        candidate += timedelta(days=1)
    return candidate


def estimate(now: datetime, cutoff: datetime, backlog: Backlog, pace: Pace) -> StaffingEstimate:
    """The estimate for both backlogs, and the warnings a supervisor must see."""
    everything = _clearance(backlog.waiting, now, cutoff, pace)
    priority = _clearance(backlog.priority, now, cutoff, pace)
    warnings: list[StaffingWarning] = []
    if cutoff <= now and backlog.waiting:
        warnings.append(StaffingWarning.CUTOFF_PASSED)
    if backlog.waiting and pace.orders_packed == 0:
        warnings.append(StaffingWarning.NO_PACE)
    if not priority.meets_cutoff:
        warnings.append(StaffingWarning.PRIORITY_MISSES_CUTOFF)
    if not everything.meets_cutoff:
        warnings.append(StaffingWarning.BACKLOG_MISSES_CUTOFF)
    return StaffingEstimate(now, cutoff, backlog, pace, everything, priority, tuple(warnings))


def _clearance(orders: int, now: datetime, cutoff: datetime, pace: Pace) -> Clearance:
    if orders == 0:
        return Clearance(0, now, 0, True)
    team = pace.team_per_hour
    clears_at = None if team == 0 else now + _hours(Fraction(orders) / team)
    hours_left = Fraction(int((cutoff - now).total_seconds()), 3600)
    per_bench = pace.per_bench_per_hour
    needed = None
    if per_bench > 0 and hours_left > 0:
        needed = math.ceil(Fraction(orders) / (per_bench * hours_left))
    meets = clears_at is not None and clears_at <= cutoff
    return Clearance(orders, clears_at, needed, meets)


def _per_hour(window: timedelta) -> Fraction:
    return Fraction(3600, int(window.total_seconds()))


def _hours(hours: Fraction) -> timedelta:
    """A duration rounded up to the whole second (a clear time is never early)."""
    return timedelta(seconds=math.ceil(hours * 3600))
