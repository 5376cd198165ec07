"""Turning what a scanner typed into the code we look up.

Scanners are keyboards: they add prefixes and suffixes, send full-width characters
through Chinese input methods, flip letter case when Caps Lock is on, and GS1 symbols
carry the GTIN inside an element string. All of that is undone here, as pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CODE_LENGTH = 128  # longer input is not a barcode (a 10 kB paste, a stuck key)
GS = "\x1d"  # FNC1 as transmitted by scanners: separates GS1 element strings
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")  # AIM identifiers like ]C1, ]d2, ]Q3
# Control characters, and lone surrogates (undecodable bytes in argv): never part of a code.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_GS1_BRACKETED = re.compile(r"^\(01\)(\d{14})")


@dataclass(frozen=True, slots=True)
class CodeRules:
    """Bench settings for scanner quirks: text the scanner is configured to add."""

    strip_prefixes: tuple[str, ...] = ()
    strip_suffixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """A normalised scan: `code` is what we store; `keys` are looked up in order."""

    code: str
    keys: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return bool(self.keys)


def normalise(raw: str, rules: CodeRules = CodeRules()) -> ScannedCode:
    """Canonical text of a scan and the lookup keys it stands for, best first."""
    text = unicodedata.normalize("NFKC", raw)
    if len(text) > MAX_CODE_LENGTH * 4:
        return ScannedCode(code="", keys=())
    text = text.strip()
    for prefix in rules.strip_prefixes:
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
            break
    for suffix in rules.strip_suffixes:
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    gtin = _gtin_from_gs1(text)
    code = _CONTROL.sub("", text).strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        return ScannedCode(code=code[:MAX_CODE_LENGTH], keys=())
    keys = [code]
    if gtin:
        keys.extend(k for k in gtin_forms(gtin) if k not in keys)
    return ScannedCode(code=code, keys=tuple(keys))


def gtin_forms(gtin14: str) -> tuple[str, ...]:
    """GTIN-14 and the shorter GTINs it carries: leading zeros of 14 pad EAN-13 and UPC-A."""
    forms = [gtin14]
    if gtin14.startswith("0"):
        forms.append(gtin14[1:])  # EAN-13
    if gtin14.startswith("00"):
        forms.append(gtin14[2:])  # UPC-A
    return tuple(forms)


def gtin_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit that completes `body` (any GTIN length, digits only)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin_check_digit_ok(digits: str) -> bool:
    """GS1 mod-10 check over any GTIN length."""
    if not digits.isdigit() or len(digits) < 8:
        return False
    return gtin_check_digit(digits[:-1]) == digits[-1]


def _gtin_from_gs1(text: str) -> str | None:
    """The GTIN-14 of AI (01) when `text` is a GS1 element string, else None."""
    text = _SYMBOLOGY_ID.sub("", text).lstrip(GS)
    match = _GS1_BRACKETED.match(text)
    if match:
        candidate = match.group(1)
    elif text.startswith("01") and len(text) >= 16:
        candidate = text[2:16]
        rest = text[16:]
        # A bare 16-digit number is GS1 only if what follows can start another element.
        if rest and not (rest[0] == GS or rest[:2].isdigit()):
            return None
    else:
        return None
    return candidate if gtin_check_digit_ok(candidate) else None


def case_folded(code: str) -> str:
    """Key for Caps-Lock-insensitive matching (a flipped case matches when unambiguous)."""
    return code.upper()
