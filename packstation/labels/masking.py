"""Privacy masking of recipient name and phone, as Chinese privacy waybills print them.

Couriers and anyone handling the parcel see only enough to confirm it is theirs:
张伟 → 张*, 13812345678 → 138****5678. Input that is already masked is printed as is.
"""

from __future__ import annotations

import re

_MASK_CHARS = "*＊×"
_MOBILE = re.compile(r"(?:\+?86)?(1\d{10})")
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
    main, ext = phone, ""
    m = _EXTENSION.match(phone)
    if m and len(re.sub(r"\D", "", m.group(1))) >= 7:
        main, ext = m.group(1), "-" + m.group(2)
    digits = re.sub(r"\D", "", main)
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        d = mobile.group(1)
        return f"{d[:3]}****{d[-4:]}{ext}"
    if len(digits) >= 7:
        head = digits[:4] if digits.startswith("0") and len(digits) >= 10 else digits[:3]
        return f"{head}****{digits[-4:]}{ext}"
    if len(digits) >= 4:
        return "*" * (len(digits) - 2) + digits[-2:] + ext
    return "*" * len(digits) if digits else "****"
