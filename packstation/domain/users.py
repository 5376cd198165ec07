"""Roles, PIN and badge hashing, and the wrong-PIN wait. Pure: no storage, no clock.

PINs: scrypt from the standard library, slow to brute-force, no extra deps. A four-digit
PIN is still only 10,000 guesses, so wrong PINs in a row make each further try wait.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

_N, _R, _P = 2**14, 8, 1


class Role(StrEnum):
    PACKER = "packer"
    SUPERVISOR = "supervisor"


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


@cache
def dummy_pin_hash() -> str:
    """A hash no PIN is checked against for real: an unknown name is checked against it,
    so it costs the same scrypt as a known one and its time gives nothing away."""
    return hash_pin(secrets.token_hex(8))


def valid_pin(pin: str) -> bool:
    """PINs are typed on a bench keypad: 4 to 12 digits."""
    return pin.isdigit() and pin.isascii() and 4 <= len(pin) <= 12


def normal_badge(code: str) -> str:
    """A badge code as scanned, without the scanner's surrounding whitespace."""
    return code.strip()


def valid_badge(code: str) -> bool:
    """A badge is a barcode: 4 to 128 printable ASCII characters."""
    return 4 <= len(code) <= 128 and code.isascii() and code.isprintable()


def badge_hash(code: str) -> str:
    """SHA-256 of the badge code: found by equality, and not readable from a copy of the
    users table (a badge code is long and random, so no salt or slow hash is needed)."""
    return hashlib.sha256(normal_badge(code).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PinThrottle:
    """How long a name waits after wrong PINs in a row: the first `free` cost nothing,
    then each try waits `base_s` doubled per further failure, at most `cap_s`.

    With the defaults (5, 5 s, 15 min) the 10,000 four-digit PINs take over 100 days.
    """

    free: int = 5
    base_s: float = 5.0
    cap_s: float = 900.0

    def wait_s(self, failures: int) -> float:
        """Seconds between the last of `failures` wrong PINs and the next allowed try."""
        if failures < self.free:
            return 0.0
        return min(self.cap_s, self.base_s * float(2 ** min(failures - self.free, 32)))
