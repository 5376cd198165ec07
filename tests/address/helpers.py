"""Shared helpers for the address tests: where the case tables live, and how to read them."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SHARED_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def sample_addresses_csv() -> Path:
    """The repo's copy of shared/samples/addresses.csv, else the shared original."""
    local = DATA / "addresses.csv"
    return local if local.exists() else SHARED_SAMPLES / "addresses.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def outcome(result: object) -> str:
    """One word per classification, as the tables write it: a city key, none or ambiguous."""
    if getattr(result, "ambiguous", False):
        return "ambiguous"
    return getattr(result, "priority", None) or "none"
