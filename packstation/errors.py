"""Errors a user can cause and act on; the edges (CLI, Qt) turn them into one clear message."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: bad input, missing file, unreachable device.

    `zh` is shown first, `en` after it; both are complete sentences that say what to do.
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en
