"""The staffing estimate from a real database, with a fixed clock, on both backends.

Hand-worked: at 14:00 (cutoff 17:00, 3 h left) bench A completed 4 orders and bench B 2
in the last hour (a seventh, two hours ago, does not count): 6 orders/h, 3 per bench-hour.
12 orders wait, 5 of them priority (北京 3, 上海 2):
  all:      12 / 6 = 2 h -> 16:00, in time;   benches: 12 / (3 x 3) = 1.33 -> 2
  priority:  5 / 6 h = 50 min -> 14:50;        benches:  5 / 9 = 0.56 -> 1
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import update

from packstation.services.staffing import staffing_estimate
from packstation.storage.database import Database
from packstation.storage.tables import Order
from tests.factories import MUG, load, order
from tests.integration.helpers import scan_all, station

MUG_CODE = "6930000000028"
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 14, 0, tzinfo=CST)
BEIJING = "北京市 朝阳区 建国路 88号"
SHANGHAI = "上海市 浦东新区 世纪大道 100号"
CHENGDU = "四川省 成都市 武侯区 人民南路 1号"


def test_live_figures_match_the_hand_worked_example(db: Database) -> None:
    waiting = [order(f"W{i}", MUG, address=a) for i, a in enumerate(
        [BEIJING] * 3 + [SHANGHAI] * 2 + [CHENGDU] * 7)]
    done = [order(f"D{i}", MUG, address=CHENGDU) for i in range(7)]
    load(db, *waiting, *done)
    benches = {"A": ["D0", "D1", "D2", "D3"], "B": ["D4", "D5"], "C": ["D6"]}
    for bench, order_nos in benches.items():
        packing = station(db, bench, print_on_completion=False)
        for order_no in order_nos:
            scan_all(packing, order_no, MUG_CODE)
    with db.transaction() as conn:  # the packing times the clock says, stored as the app does
        for minutes, order_no in enumerate(["D0", "D1", "D2", "D3", "D4", "D5"]):
            packed_at = (NOW - timedelta(minutes=5 + 9 * minutes)).astimezone(UTC)
            conn.execute(update(Order).where(Order.order_no == order_no)
                         .values(packed_at=packed_at))
        conn.execute(update(Order).where(Order.order_no == "D6")
                     .values(packed_at=(NOW - timedelta(hours=2)).astimezone(UTC)))

    result = staffing_estimate(db, time(17, 0), clock=lambda: NOW)

    assert result.cutoff == datetime(2026, 11, 11, 17, 0, tzinfo=CST)
    assert result.backlog.waiting == 12
    assert dict(result.backlog.priority_by_city) == {"beijing": 3, "shanghai": 2}
    assert (result.pace.orders_packed, result.pace.active_benches) == (6, 2)
    assert result.pace.per_bench_per_hour == 3
    assert result.all_orders.clears_at == datetime(2026, 11, 11, 16, 0, tzinfo=CST)
    assert result.all_orders.benches_needed == 2
    assert result.priority_orders.clears_at == datetime(2026, 11, 11, 14, 50, tzinfo=CST)
    assert result.priority_orders.benches_needed == 1
    assert result.warnings == ()
