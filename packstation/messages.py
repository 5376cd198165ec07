"""Plain-language verdict texts for the windows and the CLI, from the message catalogue.

Kept for its callers: `verdict_text(v, lang)` is `packstation.i18n.translate(v, lang)`.
"""

from __future__ import annotations

from packstation.domain.verdicts import Verdict
from packstation.i18n import Lang, translate


def verdict_text(verdict: Verdict, lang: Lang = "zh") -> str:
    return translate(verdict, lang)
