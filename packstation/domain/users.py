"""Roles and PIN hashing. scrypt from the standard library: slow to brute-force, no extra deps."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

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


def valid_pin(pin: str) -> bool:
    """PINs are typed on a bench keypad: 4 to 12 digits."""
    return pin.isdigit() and pin.isascii() and 4 <= len(pin) <= 12
