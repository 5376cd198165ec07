"""Privacy masking of recipient name and phone, as Chinese privacy waybills print them.

Couriers and anyone handling the parcel see only enough to confirm it is theirs:
张伟 → 张*, 13812345678 → 138****5678. Input that is already masked is printed as is.
"""

from __future__ import annotations

import re

_MASK_CHARS = "*＊×"
_MOBILE = re.compile(r"(?:86)?(1\d{10})")
_LANDLINE = re.compile(r"0\d{9,11}")
_EXTENSION = re.compile(r"^(.*?\d)\s*(?:[-—－转,，#]|ext\.?)\s*(\d{1,6})$", re.IGNORECASE)


def is_masked(text: str) -> bool:
    """True when the platform already masked the value (privacy waybill data)."""
    return any(c in text for c in _MASK_CHARS)


def mask_name(name: str) -> str:
    """Keep the first character (the surname for Chinese names), star the rest (max 3)."""
    name = name.strip()
    if not name or is_masked(name):
        return name
    return name[0] + "*" * min(max(len(name) - 1, 1), 3)


def mask_phone(phone: str) -> str:
    """Mask the middle of a phone number: 138****5678; landlines keep area code and last 4.

    A virtual-number extension (13812345678-1234, 转1234) is kept: the courier needs it.
    """
    phone = phone.strip()
    if not phone or is_masked(phone):
        return phone
    digits = re.sub(r"\D", "", phone)
    if _full_number(digits):
        return _mask_digits(digits)
    m = _EXTENSION.match(phone)
    if m:
        main = re.sub(r"\D", "", m.group(1))
        if _full_number(main):
            return f"{_mask_digits(main)}-{m.group(2)}"
    if len(digits) >= 7:
        return _mask_digits(digits)
    if len(digits) >= 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "****"


def _full_number(digits: str) -> bool:
    """A whole mobile number (optionally with 86) or a landline with its area code."""
    return bool(_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits))


def _mask_digits(digits: str) -> str:
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        d = mobile.group(1)
        return f"{d[:3]}****{d[-4:]}"
    if digits.startswith("0"):  # 010/02x are 3-digit area codes, the rest 4 digits
        head = digits[:3] if digits[:2] in ("01", "02") else digits[:4]
    else:
        head = digits[:3]
    return f"{head}****{digits[-4:]}"
