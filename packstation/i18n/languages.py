"""Which language to speak: the two we have, and what the locale asks for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeGuard

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")  # Chinese first: the CLI's default says both
LOCALES: dict[Lang, str] = {"zh": "zh_CN", "en": "en"}  # catalogue folders

# POSIX order: the first of these that is set decides the language of messages.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def is_lang(text: object) -> TypeGuard[Lang]:
    return text in LANGS


def lang_from_locale(environ: Mapping[str, str]) -> Lang | None:
    """The language the locale asks for: `zh_CN.UTF-8` → zh, `en_US.UTF-8` → en.

    The first of LC_ALL, LC_MESSAGES, LANG that is set decides; C, POSIX, another
    language or none at all give None (the caller's default).
    """
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            prefix = value.split("_", 1)[0].split(".", 1)[0].lower()
            return prefix if is_lang(prefix) else None
    return None


def output_langs(option: str | None, environ: Mapping[str, str]) -> tuple[Lang, ...]:
    """The languages a command-line answer is written in: `--lang`, else the locale's
    language, else both (Chinese, then English)."""
    if is_lang(option):
        return (option,)
    found = lang_from_locale(environ)
    return (found,) if found else LANGS
