"""Code normalisation: what a scanner typed -> the code we store and the keys we look up."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from packstation.domain.codes import (
    GS,
    MAX_CODE_LENGTH,
    CodeRules,
    case_folded,
    gtin_check_digit_ok,
    gtin_forms,
    normalise,
)

EAN13 = "6901234567892"
UPC_A = "036000291452"


def ean13_check_digit(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body12)))
    return str((10 - total % 10) % 10)


# -- whitespace, line endings, full-width --------------------------------------------

@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (EAN13, EAN13),
        (f"  {EAN13}  ", EAN13),
        (f"{EAN13}\r\n", EAN13),
        (f"{EAN13}\n", EAN13),
        (f"{EAN13}\r", EAN13),
        (f"\t{EAN13}\t", EAN13),
        ("６９０１２３４５６７８９２", EAN13),  # full-width digits from a Chinese IME
        ("ＴＥＥ－ＲＥＤ－Ｍ", "TEE-RED-M"),  # full-width letters and hyphen
        ("\u3000T1001\u3000", "T1001"),  # ideographic spaces around the code
        ("Ｔ１００１\r\n", "T1001"),
        ("ＡＢ　１２", "AB 12"),  # an inner ideographic space becomes a plain space
    ],
)
def test_whitespace_line_endings_and_full_width_are_undone(raw: str, code: str) -> None:
    scanned = normalise(raw)
    assert scanned.code == code
    assert scanned.keys[0] == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (f"{EAN13}\x00", EAN13),
        (f"\x02{EAN13}\x03", EAN13),  # STX/ETX framing some scanners send
        ("AB\x07C", "ABC"),
        ("\x1b[31mRED\x1b[0m", "[31mRED[0m"),  # only the control characters go
        ("SKU\x7f-1", "SKU-1"),
        ("SKU\x85-2", "SKU-2"),  # C1 control (NEL)
    ],
)
def test_control_characters_are_removed_from_the_code(raw: str, code: str) -> None:
    assert normalise(raw).code == code


@pytest.mark.parametrize("raw", ["", " ", "\r\n", "\t \u3000", "\x00\x01\x02", "\x1d"])
def test_blank_or_control_only_input_is_not_a_usable_code(raw: str) -> None:
    scanned = normalise(raw)
    assert scanned.code == ""
    assert scanned.keys == ()
    assert not scanned.usable


@pytest.mark.parametrize("length", [MAX_CODE_LENGTH + 1, 500, 10 * 1024])
def test_input_longer_than_a_barcode_is_not_usable(length: int) -> None:
    scanned = normalise("7" * length)
    assert not scanned.usable
    assert len(scanned.code) <= MAX_CODE_LENGTH


def test_input_exactly_the_maximum_length_is_usable() -> None:
    raw = "8" * MAX_CODE_LENGTH
    assert normalise(raw).keys == (raw,)


# -- prefix / suffix stripping -----------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "rules", "code"),
    [
        ("SCN:6901234567892", CodeRules(strip_prefixes=("SCN:",)), EAN13),
        ("6901234567892#END", CodeRules(strip_suffixes=("#END",)), EAN13),
        ("SCN:6901234567892#END",
         CodeRules(strip_prefixes=("SCN:",), strip_suffixes=("#END",)), EAN13),
        (" SCN:6901234567892#END \r\n",
         CodeRules(strip_prefixes=("SCN:",), strip_suffixes=("#END",)), EAN13),
        ("6901234567892", CodeRules(strip_prefixes=("SCN:",)), EAN13),  # absent: untouched
        ("XSCN:1", CodeRules(strip_prefixes=("SCN:",)), "XSCN:1"),  # only at the start
        ("1#ENDX", CodeRules(strip_suffixes=("#END",)), "1#ENDX"),  # only at the end
        ("AAB1", CodeRules(strip_prefixes=("A",)), "AB1"),  # stripped once, not repeatedly
        ("P2P1X", CodeRules(strip_prefixes=("P1", "P2")), "P1X"),  # first that matches wins
        ("ABC", CodeRules(strip_prefixes=("",), strip_suffixes=("",)), "ABC"),  # "" ignored
        ("ＳＣＮ：123", CodeRules(strip_prefixes=("SCN:",)), "123"),  # full-width prefix too
        ("SCN: 123", CodeRules(strip_prefixes=("SCN:",)), "123"),  # space after it goes
    ],
)
def test_configured_prefixes_and_suffixes_are_stripped(raw: str, rules: CodeRules,
                                                       code: str) -> None:
    assert normalise(raw, rules).code == code


def test_without_rules_a_prefix_is_part_of_the_code() -> None:
    assert normalise("SCN:6901234567892").code == "SCN:6901234567892"


# -- GS1 element strings -------------------------------------------------------------

GTIN14_OF_EAN13 = "0" + EAN13
GTIN14_OF_UPC = "00" + UPC_A


@pytest.mark.parametrize(
    ("raw", "expected_gtin"),
    [
        ("01" + GTIN14_OF_EAN13, EAN13),
        ("]C1" + "01" + GTIN14_OF_EAN13, EAN13),  # AIM symbology identifier, GS1-128
        ("]d2" + "01" + GTIN14_OF_EAN13 + "10LOT7", EAN13),  # DataMatrix + lot number
        ("]Q3" + "01" + GTIN14_OF_EAN13 + "17271231", EAN13),  # QR + expiry date
        (GS + "01" + GTIN14_OF_EAN13 + "10ABC" + GS + "21X", EAN13),  # leading FNC1
        ("01" + GTIN14_OF_EAN13 + GS + "10ABC", EAN13),
        ("(01)" + GTIN14_OF_EAN13 + "(10)ABC", EAN13),  # human-readable brackets
        ("（０１）" + GTIN14_OF_EAN13, EAN13),  # the same, typed full-width
        ("01" + GTIN14_OF_UPC, UPC_A),
    ],
)
def test_gs1_ai_01_yields_the_gtin_it_carries(raw: str, expected_gtin: str) -> None:
    keys = normalise(raw).keys
    assert expected_gtin in keys
    assert keys.index(expected_gtin) > 0  # the code as scanned is still tried first


def test_gs1_gtin14_keys_come_longest_first() -> None:
    keys = normalise("01" + GTIN14_OF_UPC).keys
    assert keys[1:] == (GTIN14_OF_UPC, "0" + UPC_A, UPC_A)


@pytest.mark.parametrize(
    "raw",
    [
        "01" + "0690123456789" + "3",  # wrong GTIN check digit
        "01" + GTIN14_OF_EAN13 + "X",  # what follows cannot start another element string
        "01" + GTIN14_OF_EAN13[:-1],  # too short
        "02" + GTIN14_OF_EAN13,  # AI 02 is not a trade item's own GTIN
        "(01)123",
        EAN13,
    ],
)
def test_strings_that_are_not_gs1_ai_01_give_only_the_code_itself(raw: str) -> None:
    scanned = normalise(raw)
    assert scanned.keys == (scanned.code,)


def test_gs1_separators_are_not_kept_in_the_stored_code() -> None:
    scanned = normalise("01" + GTIN14_OF_EAN13 + GS + "10ABC")
    assert GS not in scanned.code
    assert scanned.code == "01" + GTIN14_OF_EAN13 + "10ABC"


@pytest.mark.parametrize(
    ("gtin14", "forms"),
    [
        ("16901234567899", ("16901234567899",)),
        (GTIN14_OF_EAN13, (GTIN14_OF_EAN13, EAN13)),
        (GTIN14_OF_UPC, (GTIN14_OF_UPC, "0" + UPC_A, UPC_A)),
    ],
)
def test_gtin_forms_drop_only_padding_zeros(gtin14: str, forms: tuple[str, ...]) -> None:
    assert gtin_forms(gtin14) == forms


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        (EAN13, True),
        ("6901234567893", False),
        (UPC_A, True),
        ("96385074", True),  # EAN-8
        ("96385075", False),
        (GTIN14_OF_EAN13, True),
        ("1234567", False),  # too short for any GTIN
        ("69012345678a2", False),
        ("", False),
    ],
)
def test_gtin_check_digit(digits: str, ok: bool) -> None:
    assert gtin_check_digit_ok(digits) is ok


@pytest.mark.parametrize(("code", "folded"), [("abc-1", "ABC-1"), ("AbC-1", "ABC-1"),
                                              ("ABC-1", "ABC-1"), ("123", "123")])
def test_case_folding_ignores_caps_lock(code: str, folded: str) -> None:
    assert case_folded(code) == folded


def test_case_is_kept_in_the_code_itself() -> None:
    """Flipped case is matched later, and only when unambiguous; here nothing is lost."""
    assert normalise("tee-Red-m").code == "tee-Red-m"


# -- properties ----------------------------------------------------------------------

_any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=300)
_rules = st.builds(CodeRules, st.tuples(st.text(max_size=4)), st.tuples(st.text(max_size=4)))


@given(_any_text, _rules)
@example("\ud800", CodeRules())
@example("x" * 10_000, CodeRules())
def test_normalise_never_raises_and_keeps_codes_short(raw: str, rules: CodeRules) -> None:
    scanned = normalise(raw, rules)
    assert len(scanned.code) <= MAX_CODE_LENGTH
    assert scanned.usable == bool(scanned.keys)
    if scanned.keys:
        assert scanned.keys[0] == scanned.code


@given(_any_text)
@example("A\x00B\ud83dC")
def test_keys_never_contain_control_characters_and_are_storable(raw: str) -> None:
    scanned = normalise(raw)
    for key in (scanned.code, *scanned.keys):
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in key)
        key.encode("utf-8")  # a lone surrogate (undecodable argv bytes) cannot be stored
    assert all(key == key.strip() and key for key in scanned.keys)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12),
       st.sampled_from(["", "]C1", "]d2", GS]),
       st.sampled_from(["", "10LOT1", GS + "10LOT1", "17270101"]))
def test_a_valid_ean13_wrapped_as_gs1_01_yields_the_ean13_key(
        body: str, symbology: str, tail: str) -> None:
    ean13 = body + ean13_check_digit(body)
    assert gtin_check_digit_ok(ean13)
    keys = normalise(symbology + "01" + "0" + ean13 + tail).keys
    assert ean13 in keys
    assert "0" + ean13 in keys
