"""The verdict of one scan into an open box, and scanner double reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packstation.domain.scanning import (
    DEFAULT_BOUNCE_WINDOW_S,
    CodeMatch,
    Resolution,
    is_bounce,
    judge_unit,
)
from packstation.domain.verdicts import Verdict

TEE, SOCKS, MUG = "TEE-RED-M", "SOCK-5P", "MUG-01"
ORDER = {TEE: 1, SOCKS: 2}


def one(sku: str, units: int = 1) -> Resolution:
    return Resolution((CodeMatch(sku, units),))


NOTHING = Resolution(())
TWO_PRODUCTS = Resolution((CodeMatch(TEE), CodeMatch(SOCKS)))


@pytest.mark.parametrize(
    ("packed", "resolution", "verdict"),
    [
        ({}, one(TEE), Verdict.OK),
        ({}, one(SOCKS), Verdict.OK),
        ({SOCKS: 1}, one(SOCKS), Verdict.OK),
        ({TEE: 1, SOCKS: 1}, one(SOCKS), Verdict.ORDER_COMPLETE),
        ({SOCKS: 2}, one(TEE), Verdict.ORDER_COMPLETE),
        ({TEE: 1}, one(SOCKS, 2), Verdict.ORDER_COMPLETE),  # a pack of 2 fills the line
        ({}, one(SOCKS, 2), Verdict.OK),
        ({TEE: 1}, one(TEE), Verdict.OVER_QUANTITY),
        ({SOCKS: 1}, one(SOCKS, 2), Verdict.OVER_QUANTITY),  # the pack would overfill
        ({}, one(SOCKS, 5), Verdict.OVER_QUANTITY),
        ({}, one(MUG), Verdict.WRONG_ITEM),
        ({TEE: 1, SOCKS: 1}, one(MUG), Verdict.WRONG_ITEM),
        ({}, NOTHING, Verdict.UNKNOWN_CODE),
        ({}, TWO_PRODUCTS, Verdict.AMBIGUOUS_CODE),
        ({}, Resolution((CodeMatch(MUG), CodeMatch(TEE))), Verdict.AMBIGUOUS_CODE),
    ],
    ids=[
        "first-unit-of-a-line-is-ok", "first-of-two-socks-is-ok", "second-sock-is-ok",
        "last-unit-completes-the-order", "last-line-completes-in-any-order",
        "a-pack-that-exactly-fills-the-last-line-completes", "a-pack-that-fits-is-ok",
        "a-unit-beyond-the-line-is-over-quantity", "a-pack-that-would-overfill-is-refused",
        "a-pack-larger-than-the-line-is-refused", "a-product-not-in-the-order-is-wrong",
        "a-wrong-item-stays-wrong-when-nearly-done", "an-unknown-code-is-unknown",
        "a-code-on-two-products-is-ambiguous", "ambiguity-wins-even-if-one-match-fits",
    ],
)
def test_judge_unit(packed: dict[str, int], resolution: Resolution, verdict: Verdict) -> None:
    assert judge_unit(ORDER, packed, resolution) is verdict


def test_judging_never_changes_the_counts_it_is_given() -> None:
    packed = {TEE: 1}
    judge_unit(ORDER, packed, one(SOCKS))
    assert packed == {TEE: 1}


def test_resolution_has_a_match_only_when_exactly_one_product_matches() -> None:
    assert one(TEE).match == CodeMatch(TEE)
    assert NOTHING.match is None and not NOTHING.ambiguous
    assert TWO_PRODUCTS.match is None and TWO_PRODUCTS.ambiguous


@pytest.mark.parametrize(
    ("code", "previous", "elapsed", "window", "bounce"),
    [
        ("A1", "A1", 0.0, DEFAULT_BOUNCE_WINDOW_S, True),
        ("A1", "A1", 0.05, DEFAULT_BOUNCE_WINDOW_S, True),
        ("A1", "A1", 0.299, DEFAULT_BOUNCE_WINDOW_S, True),
        ("A1", "A1", 0.3, DEFAULT_BOUNCE_WINDOW_S, False),  # the window is half-open
        ("A1", "A1", 0.8, DEFAULT_BOUNCE_WINDOW_S, False),  # human pace: the next unit
        ("A1", "B2", 0.01, DEFAULT_BOUNCE_WINDOW_S, False),  # a different code is a scan
        ("A1", None, None, DEFAULT_BOUNCE_WINDOW_S, False),  # the first scan of the day
        ("A1", "A1", None, DEFAULT_BOUNCE_WINDOW_S, False),
        ("A1", "A1", -0.1, DEFAULT_BOUNCE_WINDOW_S, False),  # a clock that went backwards
        ("A1", "A1", 0.4, 0.5, True),  # a bench with a longer window
        ("A1", "A1", 0.1, 0.0, False),  # window 0 turns bounce detection off
        ("a1", "A1", 0.01, DEFAULT_BOUNCE_WINDOW_S, False),  # compared as normalised codes
    ],
)
def test_is_bounce(code: str, previous: str | None, elapsed: float | None, window: float,
                   bounce: bool) -> None:
    assert is_bounce(code, previous, elapsed, window) is bounce


def test_the_default_bounce_window_is_300_ms() -> None:
    assert pytest.approx(0.3) == DEFAULT_BOUNCE_WINDOW_S


def test_the_verdicts_are_exactly_those_of_the_design() -> None:
    assert {v.value for v in Verdict} == {
        "ok", "order_opened", "wrong_item", "over_quantity", "unknown_code",
        "ambiguous_code", "order_complete", "intercepted", "already_packed", "not_found",
        "in_progress_elsewhere", "duplicate_read",
    }


@pytest.mark.parametrize("verdict", list(Verdict))
def test_only_ok_and_order_complete_put_units_in_the_box(verdict: Verdict) -> None:
    assert verdict.accepted is (verdict in (Verdict.OK, Verdict.ORDER_COMPLETE))


@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_verdict_but_the_positive_ones_makes_the_packer_act(verdict: Verdict) -> None:
    positive = {Verdict.OK, Verdict.ORDER_COMPLETE, Verdict.ORDER_OPENED,
                Verdict.DUPLICATE_READ}
    assert verdict.refused is (verdict not in positive)


_skus = st.sampled_from(["A", "B", "C", "D"])


@given(
    required=st.dictionaries(_skus, st.integers(1, 5), min_size=1),
    packed=st.dictionaries(_skus, st.integers(0, 5)),
    matches=st.lists(st.builds(CodeMatch, _skus, st.integers(1, 6)), max_size=3),
)
def test_an_accepted_scan_never_overfills_and_completes_exactly_when_full(
        required: dict[str, int], packed: dict[str, int], matches: list[CodeMatch]) -> None:
    packed = {sku: min(n, required.get(sku, 0)) for sku, n in packed.items()}
    verdict = judge_unit(required, packed, Resolution(tuple(matches)))
    if not verdict.accepted:
        return
    (match,) = matches
    after = {**packed, match.sku: packed.get(match.sku, 0) + match.units}
    assert after[match.sku] <= required[match.sku]
    full = all(after.get(sku, 0) >= n for sku, n in required.items())
    assert (verdict is Verdict.ORDER_COMPLETE) is full
