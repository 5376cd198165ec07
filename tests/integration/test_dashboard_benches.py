"""Several bench processes pack into one database while the dashboard reads: its figures
equal what the benches did (PostgreSQL, the multi-bench set-up, and SQLite too)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from packstation.services.dashboard import read_dashboard
from packstation.storage.database import Database
from tests.factories import load, order

TEE_CODE, SOCKS_CODE, UNKNOWN = "6901234567892", "6920000000012", "6930000000028"
BENCHES = ("B1", "B2", "B3")
ORDERS_PER_BENCH = 5


def _bench_process(url: str, bench: str, orders: list[str]) -> subprocess.Popen[str]:
    """`packstation pack` once per order, in one bench process each after the other."""
    script = (
        "import json, sys\n"
        "from packstation.cli import main\n"
        f"url, bench, orders = {url!r}, {bench!r}, {orders!r}\n"
        "for order_no in orders:\n"
        f"    code = main(['--db', url, 'pack', order_no, '--bench', bench, '--packer', "
        f"'p-' + bench, '--scan', {TEE_CODE!r}, '--scan', {UNKNOWN!r}, '--scan', "
        f"{SOCKS_CODE!r}, '--scan', {SOCKS_CODE!r}, '--json'])\n"
        "    assert code == 0, code\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_the_dashboard_equals_what_several_bench_processes_did(db: Database, db_url: str) -> None:
    plan = {
        bench: [f"T{b}{i:02d}" for i in range(ORDERS_PER_BENCH)] for b, bench in enumerate(BENCHES)
    }
    load(db, *(order(no) for orders in plan.values() for no in orders))
    processes = [_bench_process(db_url, bench, orders) for bench, orders in plan.items()]
    seen: list[int] = []
    while any(p.poll() is None for p in processes):
        seen.append(read_dashboard(db).orders_today)  # reads while the benches write
        time.sleep(0.05)
    packed: list[dict[str, object]] = []
    for process in processes:
        out, err = process.communicate()
        assert process.returncode == 0, err
        packed += [json.loads(line) for line in out.splitlines()]
    assert [p["state"] for p in packed] == ["completed"] * len(BENCHES) * ORDERS_PER_BENCH
    assert seen == sorted(seen)  # never went backwards while the benches packed
    board = read_dashboard(db)
    assert board.orders_today == len(packed) == 15
    assert board.units_today == 3 * len(packed)
    assert board.wrong_scans_today == len(packed)  # one unknown code per order
    assert board.unit_scans_today == 3 * len(packed)
    assert {b: sum(v) for b, v in board.per_bench().items()} == dict.fromkeys(BENCHES, 5)
    assert {p: sum(v) for p, v in board.per_packer().items()} == {f"p-{b}": 5 for b in BENCHES}
    assert board.open_boxes == ()
    assert sum(p.queued for p in board.printers) == len(packed)  # one label each, queued
