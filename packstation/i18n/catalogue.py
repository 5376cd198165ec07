"""The message catalogues: one gettext `.po` file per language, codes as msgids.

Read at run time with Babel's `read_po` (no compile step, so an editable install and a
wheel read the same files), once per language, on first use. Messages are Python format
strings with named fields (`找不到订单：{order_no}`); a fuzzy or empty entry counts as
missing, as msgfmt would treat it.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from packstation.i18n.codes import MessageCode, msgid
from packstation.i18n.languages import LANGS, LOCALES, Lang, is_lang

DOMAIN = "packstation"
SEPARATOR = " / "  # between the languages of one answer: 中文 / English


def catalogue_path(lang: Lang) -> Traversable:
    return resources.files(__package__) / "locale" / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def messages(lang: Lang) -> Mapping[str, str]:
    """Every translated message of one language, by msgid."""
    from babel.messages.pofile import read_po  # only when a message is first shown

    with catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=LOCALES[lang], domain=DOMAIN, ignore_obsolete=True)
    found = {
        m.id: m.string
        for m in catalogue
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
        and not m.fuzzy
    }
    return MappingProxyType(found)


def placeholders(template: str) -> frozenset[str]:
    """The named fields a message fills in (`{order_no}` → order_no)."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field)


def translate(code: MessageCode | str, lang: str = "zh", /, **params: object) -> str:
    """The message for `code` in `lang`, its fields filled from `params`.

    A parameter that is itself a code (an intercept reason inside an error) is translated
    too. A message missing from the catalogue (the catalogue test forbids it) falls back
    to the other language, then to the code itself, so a user is never shown nothing;
    a field the caller did not give stays as `{name}`.
    """
    if not is_lang(lang):
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    key = msgid(code)
    template = messages(lang).get(key)
    for other in LANGS:
        template = template or messages(other).get(key)
    if template is None:
        return f"{key} {params}" if params else key
    values = {
        name: translate(value, lang) if isinstance(value, MessageCode) else value
        for name, value in params.items()
    }
    return template.format_map(_KeepMissing(values))


def translate_all(
    code: MessageCode | str, langs: Sequence[Lang] = LANGS, /, **params: object
) -> str:
    """The message in each of `langs`, joined as the CLI shows it (`中文 / English`)."""
    return SEPARATOR.join(translate(code, lang, **params) for lang in langs)


class _KeepMissing(dict[str, object]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
