"""A bench process for the concurrency tests.

    python race_child.py URL BENCH

Prints `READY` once connected, then for every order number read from stdin scans it on a
fresh station of BENCH (a bench that has nothing open) and prints
`<order_no> <verdict> <other_bench or ->`. The parent writes the same order number to two
such processes at once: both race to open it.
"""

from __future__ import annotations

import sys

from sqlalchemy import text

from packstation.services.packing import PackingStation, StationSettings
from packstation.storage.database import Database


def main(argv: list[str]) -> int:
    url, bench = argv[1], argv[2]
    db = Database.from_url(url)
    with db.transaction() as conn:  # connect before the race, not during it
        conn.execute(text("SELECT 1"))
    print("READY", flush=True)
    for line in sys.stdin:
        order_no = line.strip()
        if not order_no:
            break
        result = PackingStation(db, StationSettings(bench=bench)).scan(order_no, live=False)
        print(f"{order_no} {result.verdict} {result.other_bench or '-'}", flush=True)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
