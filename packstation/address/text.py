"""Text clean-up shared by the matchers: one canonical form for every export's quirks.

Full-width letters and digits (ＳＨＥＮＺＨＥＮ, １２３), ideographic spaces, control and
format characters, emoji, masks (***) and punctuation all become plain ASCII or a single
space, so the matchers only ever see CJK ideographs, ASCII letters, digits and spaces.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest raw input looked at. Division names come first in every real export, so a
#: 10 kB paste costs no more than a normal address.
MAX_RAW_CHARS = 512
#: Longest cleaned text matched.
MAX_TEXT_CHARS = 200

_NOT_KEPT = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")
_ASCII_NOT_KEPT = re.compile(r"[^0-9A-Za-z]+")


def clean(raw: object) -> str:
    """Canonical text: NFKC, only ideographs/ASCII letters/digits, single spaces."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    raw = raw[:MAX_RAW_CHARS]
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
        return _NOT_KEPT.sub(" ", raw).strip()[:MAX_TEXT_CHARS]
    return _ASCII_NOT_KEPT.sub(" ", raw).strip()[:MAX_TEXT_CHARS]


def strip_accents(raw: object) -> str:
    """Pinyin with tone marks (Běijīng, Guǎngzhōu) as plain letters, for the latin matcher."""
    text = unicodedata.normalize("NFKD", raw if isinstance(raw, str) else "")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (the only characters division names are made of)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
