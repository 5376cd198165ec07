"""Every row of shared/samples/addresses.csv gets the expected priority decision."""

from __future__ import annotations

import pytest

from packstation.address import classify
from tests.address.helpers import SHARED_SAMPLES, read_rows, sample_addresses_csv

ROWS = read_rows(sample_addresses_csv())


def test_the_sample_file_is_there_and_complete() -> None:
    assert len(ROWS) >= 40
    assert {r["expected_priority"] for r in ROWS} >= {"beijing", "shanghai", "guangzhou",
                                                      "shenzhen", "hangzhou", "none",
                                                      "ambiguous"}


def test_the_repo_copy_matches_the_shared_original_when_both_exist() -> None:
    original = SHARED_SAMPLES / "addresses.csv"
    if not original.exists():
        pytest.skip("shared/ is not beside the repo")
    assert read_rows(original) == ROWS


@pytest.mark.parametrize("row", ROWS, ids=[r["address"][:24] for r in ROWS])
def test_sample_address_is_classified_as_expected(row: dict[str, str]) -> None:
    result = classify(row["address"])
    expected = row["expected_priority"]
    if expected == "ambiguous":
        assert result.ambiguous and result.priority is None and len(result.candidates) >= 2
    else:
        assert not result.ambiguous
        assert (result.priority or "none") == expected, result
