"""The wrong-PIN wait and badge codes: pure rules."""

from __future__ import annotations

import pytest

from packstation.domain.users import (
    PinThrottle,
    badge_hash,
    dummy_pin_hash,
    pin_matches,
    valid_badge,
)


def test_five_wrong_pins_are_free_then_each_wait_doubles_up_to_the_cap() -> None:
    throttle = PinThrottle(free=5, base_s=5, cap_s=900)
    assert [throttle.wait_s(n) for n in range(9)] == [0, 0, 0, 0, 0, 5, 10, 20, 40]
    assert throttle.wait_s(14) == 900 and throttle.wait_s(10**6) == 900


def test_the_default_wait_makes_guessing_every_four_digit_pin_take_months() -> None:
    throttle = PinThrottle()
    days = sum(throttle.wait_s(n) for n in range(10_000)) / 86_400
    assert days > 100


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("BADGE-0042", True),
        ("abc", False),
        ("a" * 129, False),
        ("ab\x00cd", False),
        ("工牌1234", False),
    ],
)
def test_a_badge_is_a_printable_ascii_barcode(code: str, valid: bool) -> None:
    assert valid_badge(code) is valid


def test_a_badge_is_stored_as_a_hash_of_the_code_as_scanned() -> None:
    assert badge_hash(" BADGE-0042\r\n") == badge_hash("BADGE-0042")
    assert "BADGE" not in badge_hash("BADGE-0042") and len(badge_hash("x" * 10)) == 64


def test_the_dummy_hash_is_a_real_scrypt_hash_no_pin_matches() -> None:
    assert dummy_pin_hash() == dummy_pin_hash()
    assert dummy_pin_hash().startswith("scrypt$")
    assert not pin_matches("0000", dummy_pin_hash())
