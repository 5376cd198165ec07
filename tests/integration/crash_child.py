"""A bench process for the crash tests, killed by its parent at some point.

    python crash_child.py URL BENCH ORDER_NO CODE COUNT

Resumes the bench's open box (or opens ORDER_NO), then scans CODE up to COUNT times as
scripted scans. After each `scan()` has returned, and only then, it prints one line,
`ACK <code> <verdict>`, and flushes it: a line on stdout is an acknowledgement.
"""

from __future__ import annotations

import sys

from packstation.services.packing import PackingStation, StationSettings
from packstation.storage.database import Database


def main(argv: list[str]) -> int:
    url, bench, order_no, code, count = argv[1], argv[2], argv[3], argv[4], int(argv[5])
    db = Database.from_url(url)
    station = PackingStation(db, StationSettings(bench=bench, packer="crash-test"))
    if station.resume() is None:
        opened = station.scan(order_no, live=False)
        print(f"ACK {order_no} {opened.verdict}", flush=True)
    else:
        print(f"RESUMED {order_no}", flush=True)
    for _ in range(count):
        result = station.scan(code, live=False)
        print(f"ACK {code} {result.verdict}", flush=True)
    print("DONE", flush=True)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
