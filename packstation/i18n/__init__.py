"""Codes in the core, sentences at the edge: the message catalogue and its codes.

The core raises and returns codes (`MessageCode` enums) with parameters; the CLI and the
Qt windows turn them into words here, in one language or several, switchable at any time:

    translate(Verdict.WRONG_ITEM, "en")
    translate(ErrorCode.UNKNOWN_ORDER, "zh", order_no="NOPE")
    translate_all(ErrorCode.UNKNOWN_ORDER, ("zh", "en"), order_no="NOPE")  # 中文 / English

How to add a code and its messages: docs/i18n.md.
"""

from packstation.i18n.catalogue import SEPARATOR, messages, placeholders, translate, translate_all
from packstation.i18n.codes import MessageCode, code_families, msgid
from packstation.i18n.languages import LANGS, Lang, is_lang, lang_from_locale, output_langs

__all__ = [
    "LANGS",
    "SEPARATOR",
    "Lang",
    "MessageCode",
    "code_families",
    "is_lang",
    "lang_from_locale",
    "messages",
    "msgid",
    "output_langs",
    "placeholders",
    "translate",
    "translate_all",
]
