"""The staffing arithmetic against a hand-worked example, with fixed clocks.

Hand-worked (2026-11-11, 14:00, cutoff 17:00, so 3 h left):
  4 benches completed 240 orders in the last hour: 60 orders/bench/h, 240 orders/h together.
  1,200 orders wait: 1200 / 240 = 5 h -> clears 19:00, misses 17:00;
      benches needed: 1200 / (60 x 3) = 6.67 -> 7.
  300 of them priority (北京 120, 上海 100, 杭州 80): 300 / 240 = 1.25 h -> 15:15, in time;
      benches needed: 300 / 180 = 1.67 -> 2.
Second case, 800 priority: 800 / 240 = 3.33 h -> 17:20 (3 h 20 min), misses;
      benches needed: 800 / 180 = 4.44 -> 5.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from fractions import Fraction

from packstation.domain.staffing import (
    Backlog,
    Pace,
    StaffingWarning,
    cutoff_at,
    estimate,
)

SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 14, 0, tzinfo=SHANGHAI)
CUTOFF = datetime(2026, 11, 11, 17, 0, tzinfo=SHANGHAI)


def test_hand_worked_example_priority_in_time_backlog_late() -> None:
    backlog = Backlog(1200, {"beijing": 120, "shanghai": 100, "hangzhou": 80})
    result = estimate(NOW, CUTOFF, backlog, Pace(orders_packed=240, active_benches=4))

    assert result.pace.per_bench_per_hour == 60
    assert result.pace.team_per_hour == 240
    assert result.backlog.priority == 300
    assert result.all_orders.clears_at == datetime(2026, 11, 11, 19, 0, tzinfo=SHANGHAI)
    assert result.all_orders.benches_needed == 7
    assert not result.all_orders.meets_cutoff
    assert result.priority_orders.clears_at == datetime(2026, 11, 11, 15, 15, tzinfo=SHANGHAI)
    assert result.priority_orders.benches_needed == 2
    assert result.priority_orders.meets_cutoff
    assert result.warnings == (StaffingWarning.BACKLOG_MISSES_CUTOFF,)


def test_priority_backlog_that_misses_the_cutoff_is_warned() -> None:
    backlog = Backlog(1200, {"beijing": 800})
    result = estimate(NOW, CUTOFF, backlog, Pace(240, 4))

    assert result.priority_orders.clears_at == datetime(2026, 11, 11, 17, 20, tzinfo=SHANGHAI)
    assert result.priority_orders.benches_needed == 5
    assert StaffingWarning.PRIORITY_MISSES_CUTOFF in result.warnings


def test_exact_bench_counts_are_not_rounded_up() -> None:
    # 720 orders / (60 per bench-hour x 3 h) = 4.0 benches exactly.
    result = estimate(NOW, CUTOFF, Backlog(720), Pace(240, 4))
    assert result.all_orders.benches_needed == 4
    assert result.all_orders.clears_at == CUTOFF
    assert result.all_orders.meets_cutoff
    assert result.warnings == ()


def test_no_pace_gives_no_clear_time_and_a_warning() -> None:
    result = estimate(NOW, CUTOFF, Backlog(10, {"shenzhen": 3}), Pace(0, 0))
    assert result.pace.per_bench_per_hour == Fraction(0)
    assert result.all_orders.clears_at is None
    assert result.all_orders.benches_needed is None
    assert result.warnings[0] is StaffingWarning.NO_PACE
    assert StaffingWarning.PRIORITY_MISSES_CUTOFF in result.warnings


def test_empty_backlog_is_clear_now_and_needs_no_bench() -> None:
    result = estimate(NOW, CUTOFF, Backlog(0), Pace(0, 0))
    assert result.all_orders.clears_at == NOW
    assert result.all_orders.benches_needed == 0
    assert result.priority_orders.meets_cutoff
    assert result.warnings == ()


def test_passed_cutoff_warns_and_asks_for_no_bench_count() -> None:
    now = datetime(2026, 11, 11, 17, 30, tzinfo=SHANGHAI)
    result = estimate(now, CUTOFF, Backlog(100, {"beijing": 10}), Pace(240, 4))
    assert result.all_orders.benches_needed is None
    assert result.warnings[0] is StaffingWarning.CUTOFF_PASSED
    assert StaffingWarning.PRIORITY_MISSES_CUTOFF in result.warnings


def test_cutoff_clock_time_means_today_unless_long_past() -> None:
    assert cutoff_at(NOW, time(17, 0)) == CUTOFF
    # Just passed: today's, so the estimate says it has passed.
    assert cutoff_at(NOW, time(13, 30)) == datetime(2026, 11, 11, 13, 30, tzinfo=SHANGHAI)
    # A night shift at 22:00 with a 02:00 cutoff means tomorrow's.
    night = datetime(2026, 11, 11, 22, 0, tzinfo=UTC)
    assert cutoff_at(night, time(2, 0)) == datetime(2026, 11, 12, 2, 0, tzinfo=UTC)
