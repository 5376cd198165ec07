"""Address classification speed: PackStation's classifier vs cpca's `transform`.

Run from the repo root (cpca comes with `pip install -e .[bench]`):

    python benchmarks/bench_address.py            # 100k addresses, prints one JSON summary
    python benchmarks/bench_address.py --n 20000 --single 2000

Both classify the same generated addresses (every county-level division in the bundled
dataset) in the same run, alternately, best of `--rounds`, twice: written the ways
platform exports write them (full names from the start; most take the classifier's
pre-parsed shortcut), and written freely (short names, missing levels; the general
matcher). Every address is unique and our cache is cleared first, so caching does not
flatter our figure. Single-call latency is measured per call
with a cold cache (p50/p99). Budget (DESIGN.md): batch at least cpca's speed, one call
well under 1 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from packstation.address import cache_clear, classify, classify_many
from packstation.address.divisions import (
    CITY_SUFFIXES,
    DISTRICT_SUFFIXES,
    PROVINCE_SUFFIXES,
    divisions_dir,
    short_name,
)

STREETS = ("文三路", "北京路", "上海路", "人民大街", "中山路", "解放路", "建设路", "科技园",
           "新华街道", "和平里", "花园小区", "工业园")
# How platform exports write addresses (full names from the start).
EXPORT_FORMS = ("{p} {c} {d} {s} {n}号", "{p}{c}{d}{s}{n}号", "{c}{d}{s}{n}号 ***",
                "{p} {c} {d} {n}***", "{c} {c} {d} {s}{n}号", "{p}{c}{d}{s}{n}弄{m}室")
# How people type them when nothing formats them: short names, missing levels.
FREE_FORMS = ("{ps}{cs}{d}{s}{n}号", "{cs} {ds} {s}{n}号", "{cs}{d}{s}{n}号", "{d} {s}{n}号",
              "{ps} {cs} {s}{n}号", "收货地址：{p}{c}{d}{s}{n}号")


def make_addresses(n: int, seed: int = 7, forms: tuple[str, ...] = EXPORT_FORMS) -> list[str]:
    """`n` unique addresses over every district of the dataset, in the given forms."""
    folder = divisions_dir()
    with (folder / "provinces.csv").open(encoding="utf-8") as fh:
        provinces = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    with (folder / "cities.csv").open(encoding="utf-8") as fh:
        cities = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    with (folder / "areas.csv").open(encoding="utf-8") as fh:
        areas = [(provinces[r["provinceCode"]], cities[r["cityCode"]], r["name"])
                 for r in csv.DictReader(fh)]
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        p, c, d = rnd.choice(areas)
        if "直辖" in c or c in ("市辖区", "县"):
            c = p
        out.append(rnd.choice(forms).format(
            p=p, c=c, d=d, s=rnd.choice(STREETS), n=i + 1, m=i % 601 + 101,
            ps=short_name(p, PROVINCE_SUFFIXES) or p, cs=short_name(c, CITY_SUFFIXES) or c,
            ds=short_name(d, DISTRICT_SUFFIXES) or d))
    return out


def bench_batch(addrs: list[str], rounds: int) -> dict[str, object]:
    """Ours and cpca alternately, best of `rounds` each (the machine may be shared)."""
    try:
        import cpca
    except ImportError:
        cpca = None
    classify("预热 浙江省杭州市")  # load the dataset index outside the timing
    if cpca is not None:
        cpca.transform(addrs[:100])  # its matcher loads lazily too
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        cache_clear()
        t0 = time.perf_counter()
        classify_many(addrs)
        ours.append(time.perf_counter() - t0)
        if cpca is not None:
            t0 = time.perf_counter()
            cpca.transform(addrs)
            theirs.append(time.perf_counter() - t0)
    out: dict[str, object] = {
        "packstation_addr_per_s": round(len(addrs) / min(ours)),
        "packstation_rounds_s": [round(t, 3) for t in ours],
    }
    if theirs:
        out.update(cpca_addr_per_s=round(len(addrs) / min(theirs)),
                   cpca_rounds_s=[round(t, 3) for t in theirs],
                   cpca_version=getattr(cpca, "__version__", "?"),
                   ratio_vs_cpca=round(min(theirs) / min(ours), 2))
    return out


def bench_single(addrs: list[str]) -> dict[str, float]:
    times = []
    for a in addrs:
        cache_clear()
        t0 = time.perf_counter_ns()
        classify(a)
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    return {
        "calls": len(times),
        "p50_us": round(statistics.median(times) / 1000, 1),
        "p99_us": round(times[int(len(times) * 0.99) - 1] / 1000, 1),
        "max_us": round(times[-1] / 1000, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="addresses for the batch runs")
    ap.add_argument("--single", type=int, default=5_000, help="calls for the latency run")
    ap.add_argument("--rounds", type=int, default=3, help="batch rounds (best one counts)")
    args = ap.parse_args()
    addrs = make_addresses(args.n)
    free = make_addresses(args.n, seed=13, forms=FREE_FORMS)
    summary = {
        "addresses": len(addrs),
        "unique": len(set(addrs)),
        "batch_export_forms": bench_batch(addrs, args.rounds),
        "batch_free_forms": bench_batch(free, args.rounds),
        "single_call_cold_cache": bench_single(make_addresses(args.single, seed=11)),
        "single_call_cold_cache_free_forms": bench_single(
            make_addresses(args.single, seed=17, forms=FREE_FORMS)),
        "python": sys.version.split()[0],
        "load_average": list(os.getloadavg()),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
