"""A shift's worth of data for dashboard tests and screenshots: a normal one and a
troubled one (a printer down, priority parcels ageing, intercepts).

Rows are written directly (times in the past cannot come from the scan service, which
stamps `now`); the scan tallies come from the real trigger, and every figure is computed
from what was written, so tests compare the dashboard with the truth.

    python tests/ui/dashboard_shift.py docs/screenshots   # the eight screenshots
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from packstation.services.audit import record_audit
from packstation.storage.database import Database
from packstation.storage.tables import Bench, Order, PackSession, PrintJob, ScanEvent

BENCHES = ("B01", "B02", "B03", "B04", "B05", "B06")
PACKERS = ("王芳", "李强", "张敏", "刘洋", "陈静", "杨磊")
CITIES = (
    ("北京市", "北京市", "beijing"),
    ("上海市", "上海市", "shanghai"),
    ("广东省", "深圳市", "shenzhen"),
    ("浙江省", "杭州市", "hangzhou"),
    ("广东省", "广州市", "guangzhou"),
    ("江苏省", "苏州市", None),
    ("四川省", "成都市", None),
)


@dataclass
class Truth:
    """What was written, for comparing with the dashboard."""

    packed_today: int = 0
    units_today: int = 0
    wrong_today: int = 0
    intercepts_today: int = 0
    per_bench: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)


def build_shift(db: Database, now: datetime, *, troubled: bool, hours: int = 9) -> Truth:
    rng = random.Random(11 if troubled else 5)
    truth = Truth()
    # The shift stays inside today (local time), so "today" figures count all of it.
    hours = min(hours, now.astimezone().hour + 1)
    start = now - timedelta(
        hours=hours - 1, minutes=now.minute, seconds=now.second, microseconds=now.microsecond
    )
    with db.transaction() as conn:
        for i, bench in enumerate(BENCHES):
            spec = f"tcp:10.0.0.{11 + i}:9100"
            conn.execute(insert(Bench).values(name=bench, printer_spec=spec, created_at=now))
        order_id = 0
        rows: dict[type, list[dict[str, object]]] = {
            Order: [],
            ScanEvent: [],
            PrintJob: [],
            PackSession: [],
        }

        def new_order(status: str, city: int, imported: datetime, **extra: object) -> int:
            nonlocal order_id
            order_id += 1
            province, name, key = CITIES[city]
            rows[Order].append(
                {
                    **dict(
                        id=order_id,
                        order_no=f"T{order_id:06d}",
                        platform="taobao",
                        platform_order_no=f"{order_id:012d}",
                        status=status,
                        recipient="客户",
                        phone="13800000000",
                        address=f"{province}{name}某路 {order_id} 号",
                        province=province,
                        city=name,
                        district="",
                        priority=key,
                        carrier="YTO",
                        waybill_no="",
                        imported_at=imported,
                        updated_at=imported,
                        packed_at=None,
                        intercept_reason=None,
                    ),
                    **extra,
                }
            )
            return order_id

        for h in range(hours):
            hour = start + timedelta(hours=h)
            for b, bench in enumerate(BENCHES):
                down = troubled and bench == "B03" and h >= hours - 2
                n = 0 if down else rng.randint(28, 46) - (8 if troubled else 0)
                packer = PACKERS[b]
                for k in range(n):
                    at = hour + timedelta(seconds=int(k * 3300 / max(n, 1)))
                    if at > now:
                        break
                    imported = start - timedelta(hours=2)
                    oid = new_order("packed", rng.randrange(len(CITIES)), imported, packed_at=at)
                    units = rng.choice((1, 1, 2, 3))
                    events = [("order_opened", 0)] + [("ok", 1)] * (units - 1)
                    if rng.random() < (0.06 if troubled else 0.015):
                        events.append(("wrong_item", 0))
                        truth.wrong_today += 1
                    events.append(("order_complete", 1))
                    for verdict, u in events:
                        rows[ScanEvent].append(
                            dict(
                                order_id=oid,
                                bench=bench,
                                packer=packer,
                                at=at,
                                raw_code="x",
                                code="x",
                                verdict=verdict,
                                units=u,
                            )
                        )
                    rows[PrintJob].append(
                        dict(
                            idempotency_key=f"s:{oid}",
                            order_id=oid,
                            bench=bench,
                            printer_spec="",
                            reason="completion",
                            state="printed",
                            attempts=1,
                            created_at=at,
                            updated_at=at,
                            printed_at=at,
                        )
                    )
                    truth.packed_today += 1
                    truth.units_today += units
                    truth.per_bench[bench] = truth.per_bench.get(bench, 0) + 1
        # the backlog: packable orders, priority ones ageing in a troubled shift
        age = timedelta(hours=6 if troubled else 1)
        for i in range(140 if troubled else 45):
            city = i % len(CITIES)
            new_order("paid", city, now - age + timedelta(minutes=i % 50))
            key = CITIES[city][2]
            if key:
                truth.waiting[key] = truth.waiting.get(key, 0) + 1
        for b, bench in enumerate(BENCHES[:4]):
            oid = new_order("paid", b, now - timedelta(minutes=30))
            key = CITIES[b][2]
            truth.waiting[key] = truth.waiting.get(key, 0) + 1  # an open box is still waiting
            rows[PackSession].append(
                dict(
                    order_id=oid,
                    bench=bench,
                    packer=PACKERS[b],
                    state="open",
                    order_version=1,
                    opened_at=now - timedelta(minutes=3 + b * (14 if troubled else 2)),
                )
            )
        for i in range(4):
            oid = new_order("paid", 5, now)
            rows[PrintJob].append(
                dict(
                    idempotency_key=f"q:{i}",
                    order_id=oid,
                    bench=BENCHES[i],
                    printer_spec="",
                    reason="completion",
                    state="pending",
                    attempts=0,
                    created_at=now,
                    updated_at=now,
                )
            )
        record_audit(conn, "赵主管", "print_reprint", "T000012", {"bench": "B02"})
        if troubled:
            for i in range(6):  # B03's printer is down: its jobs fail and wait to retry
                oid = new_order("packed", 6, now - timedelta(hours=3), packed_at=now)
                at = now - timedelta(minutes=40 - i * 6)
                rows[PrintJob].append(
                    dict(
                        idempotency_key=f"f:{i}",
                        order_id=oid,
                        bench="B03",
                        printer_spec="",
                        reason="completion",
                        state="failed",
                        attempts=3 + i,
                        error_code="offline",
                        created_at=at,
                        updated_at=at,
                    )
                )
            for i in range(2):  # labels sent, printer silent: a person must check
                oid = new_order("packed", 5, now - timedelta(hours=3), packed_at=now)
                at = now - timedelta(minutes=25 + i * 9)
                rows[PrintJob].append(
                    dict(
                        idempotency_key=f"h:{i}",
                        order_id=oid,
                        bench="B01",
                        printer_spec="",
                        reason="completion",
                        state="held",
                        attempts=1,
                        error_code="outcome_unknown",
                        created_at=at,
                        updated_at=at,
                    )
                )
            truth.packed_today += 8
            for i in range(5):  # parcels stopped at benches: refunded after import
                oid = new_order("refunded", i, start)
                at = max(now - timedelta(minutes=7 + i * 23), start)
                rows[ScanEvent].append(
                    dict(
                        order_id=oid,
                        bench=BENCHES[i],
                        packer=PACKERS[i],
                        at=at,
                        raw_code=f"T{oid:06d}",
                        code=f"T{oid:06d}",
                        verdict="intercepted",
                        units=0,
                    )
                )
                truth.intercepts_today += 1
            for _ in range(3):
                new_order("paid", 6, start, intercept_reason="address_changed")
            new_order("cancelled", 6, start)
            record_audit(
                conn,
                "赵主管",
                "force_complete",
                "T000031",
                {"bench": "B04", "reason": "缺货，客户同意少发"},
            )
        job_defaults = {"printed_at": None, "error_code": None}
        rows[PrintJob] = [{**job_defaults, **job} for job in rows[PrintJob]]
        for table in (Order, PackSession, ScanEvent, PrintJob):
            conn.execute(insert(table), rows[table])
    return truth


def screenshots(out: Path) -> None:
    """The eight screenshots, each through `packstation dashboard --screenshot`."""
    from packstation.bootstrap import open_database

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, troubled in (("normal", False), ("troubled", True)):
            url = f"sqlite:///{tmp}/{name}.db"
            db = open_database(url)
            build_shift(db, datetime.now(UTC), troubled=troubled)
            db.dispose()
            for lang in ("zh", "en"):
                for size in ("1920x1080", "1366x768"):
                    png = out / f"dashboard_{name}_{lang}_{size}.png"
                    subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "packstation",
                            "dashboard",
                            "--db",
                            url,
                            "--lang",
                            lang,
                            "--size",
                            size,
                            "--screenshot",
                            str(png),
                        ],
                        check=True,
                    )
                    print(png)


if __name__ == "__main__":
    screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
