"""Address classification speed: PackStation's classifier vs cpca's `transform`.

Run from the repo root (cpca comes with `pip install -e .[bench]`):

    python benchmarks/bench_address.py            # 100k addresses, prints one JSON summary
    python benchmarks/bench_address.py --n 20000 --single 2000
    python benchmarks/bench_address.py --evaluate   # the accuracy table of the docs

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

import contextlib

from packstation.address import cache_clear, classify, classify_many, needs_confirmation
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


DATA = Path(__file__).resolve().parents[1] / "tests" / "address" / "data"
PRIORITY_CITIES = {"北京市": "beijing", "上海市": "shanghai", "广州市": "guangzhou",
                   "深圳市": "shenzhen", "杭州市": "hangzhou"}


def _eval_rows(name: str) -> list[tuple[str, str, str, str, str]]:
    """(address, province, city, district, expected) of one evaluation set."""
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        address = r["address"]
        if r.get("escaped") == "y":
            address = address.encode("ascii", "backslashreplace").decode("unicode_escape")
        out.append((address, r.get("province", ""), r.get("city", ""), r.get("district", ""),
                    r.get("expected") or r["expected_priority"]))
    return out


def _score(expected: list[str], got: list[str], flagged: list[bool]) -> dict[str, int]:
    """Right answers, parcels a person must confirm, and the two costly mistakes: a false
    priority, and a silent "not priority" on a parcel that is (or may be) priority."""
    return {
        "rows": len(expected),
        "right": sum(e == g for e, g in zip(expected, got, strict=True)),
        "flagged_for_a_person": sum(flagged),
        "false_priority": sum(g not in ("none", "ambiguous") and g != e
                              for e, g in zip(expected, got, strict=True)),
        "silent_not_priority": sum(g == "none" and e != "none"
                                   for e, g in zip(expected, got, strict=True)),
    }


def _cpca_outcomes(rows: list[tuple[str, str, str, str, str]]) -> list[str]:
    import cpca

    texts = [" ".join(x for x in (p, c, d, a) if x) for a, p, c, d, _e in rows]
    frame = cpca.transform(texts)
    out = []
    for prov, city in zip(frame["省"], frame["市"], strict=True):
        prov = prov if isinstance(prov, str) else ""
        city = city if isinstance(city, str) else ""
        if prov in ("北京市", "上海市") and city in ("", "市辖区"):
            city = prov  # a municipality: the province is the city
        out.append(PRIORITY_CITIES.get(city, "none"))
    return out


def evaluate() -> dict[str, object]:
    """Ours and cpca on the sample, table and messy sets (DESIGN: the docs' table)."""
    report: dict[str, object] = {}
    for name in ("addresses.csv", "cases.csv", "messy.csv", "messy_heldout.csv"):
        rows = _eval_rows(name)
        expected = [r[4] for r in rows]
        results = [classify(a, p, c, d) for a, p, c, d, _e in rows]
        got = [("ambiguous" if r.ambiguous else r.priority or "none") for r in results]
        entry: dict[str, object] = {"packstation": _score(
            expected, got, [needs_confirmation(r) for r in results])}
        with contextlib.suppress(ImportError):
            entry["cpca"] = _score(expected, _cpca_outcomes(rows), [False] * len(rows))
        report[name] = entry
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="addresses for the batch runs")
    ap.add_argument("--single", type=int, default=5_000, help="calls for the latency run")
    ap.add_argument("--rounds", type=int, default=3, help="batch rounds (best one counts)")
    ap.add_argument("--evaluate", action="store_true",
                    help="print the accuracy table (ours and cpca) instead of timing")
    args = ap.parse_args()
    if args.evaluate:
        print(json.dumps(evaluate(), ensure_ascii=False, indent=2))
        return
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
