"""The big table (data/cases.csv): each row says what to expect and why."""

from __future__ import annotations

import pytest

from packstation.address import classify
from tests.address.helpers import DATA, outcome, read_rows

ROWS = read_rows(DATA / "cases.csv")
PRIORITY_KEYS = {"beijing", "shanghai", "guangzhou", "shenzhen", "hangzhou"}


def _address(row: dict[str, str]) -> str:
    if row["escaped"] == "y":
        return row["address"].encode("ascii", "backslashreplace").decode("unicode_escape")
    return row["address"]


def test_the_table_covers_every_city_and_every_kind_of_case() -> None:
    outcomes = [r["expected"] for r in ROWS]
    assert len(ROWS) >= 400
    for key in PRIORITY_KEYS:
        assert outcomes.count(key) >= 40, key
    assert outcomes.count("none") >= 90
    assert outcomes.count("ambiguous") >= 15
    assert all(r["why"].strip() for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[f"{i + 2}:{r['why'][:40]}" for i, r in enumerate(ROWS)])
def test_case(row: dict[str, str]) -> None:
    result = classify(_address(row), row["province"], row["city"], row["district"])
    assert outcome(result) == row["expected"], (row["why"], result)
    if row["expect_city"]:
        assert result.city == row["expect_city"], (row["why"], result)
    if row["expected"] == "ambiguous":  # candidates to choose from, or none: anywhere
        assert result.city is None and len(result.candidates) != 1
