"""Errors a user can cause and act on, as codes; the edges (CLI, Qt) word them.

The core raises `UserError(ErrorCode.UNKNOWN_ORDER, order_no="NOPE")`; the CLI prints
`exc.text(langs)`, a window shows `exc.message(lang)`, both from the message catalogue
(`packstation.i18n`, docs/i18n.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from packstation.i18n import LANGS, SEPARATOR, Lang, MessageCode, translate


class ErrorCode(MessageCode, namespace="error"):
    """Every problem a user can meet and fix; each has a message in every catalogue."""

    USAGE = "usage"  # {detail}
    DATABASE_BUSY = "database_busy"
    DATABASE_UNREACHABLE = "database_unreachable"  # {reason}
    SESSION_CLOSED = "session_closed"  # {session_id} {state}: a SessionState
    UNKNOWN_ORDER = "unknown_order"  # {order_no}
    BENCH_BOX_OPEN = "bench_box_open"
    CONFIRMER_MISSING = "confirmer_missing"
    NOTHING_TO_CONFIRM = "nothing_to_confirm"  # {order_no}
    NO_ADDRESS_GIVEN = "no_address_given"
    NO_ADDRESS_COLUMN = "no_address_column"  # {file} {columns}
    FILE_UNREADABLE = "file_unreadable"  # {file} {reason}
    FILE_NOT_TEXT = "file_not_text"  # {file}
    RULES_FILE_UNREADABLE = "rules_file_unreadable"  # {file} {reason}


class UserError(Exception):
    """A problem the user can fix: bad input, missing file, unreachable device.

    `code` says which problem, `params` its details (an order number, a file name); the
    catalogue holds the sentence, in each language, that says what to do.
    """

    code: MessageCode | None
    params: dict[str, object]

    def __init__(self, code: MessageCode | str, /, *legacy: str, **params: object) -> None:
        if isinstance(code, MessageCode):
            if legacy:
                raise TypeError("UserError(code, **params): parameters go by name")
            super().__init__(code)
            self.code, self.params, self._legacy = code, params, ("", "")
            return
        # TRANSITIONAL: the legacy form UserError(zh, en), two finished sentences. Still
        # used by modules not yet converted; `python -m tests.i18n.source_scan` lists them.
        # Delete this branch (and `zh`, `en` below) once that list is empty.
        if len(legacy) != 1 or params:
            raise TypeError("UserError needs a message code: UserError(ErrorCode.X, **params)")
        super().__init__(f"{code}{SEPARATOR}{legacy[0]}")
        self.code, self.params, self._legacy = None, {}, (code, legacy[0])

    def message(self, lang: Lang = "zh") -> str:
        """The message in one language (a window shows this)."""
        if self.code is not None:
            return translate(self.code, lang, **self.params)
        zh, en = self._legacy
        return zh if lang == "zh" else en

    def text(self, langs: Sequence[Lang] = LANGS) -> str:
        """The message in each of `langs`, as the CLI prints it (`中文 / English`)."""
        return SEPARATOR.join(self.message(lang) for lang in langs)

    def __str__(self) -> str:
        return self.text()

    # TRANSITIONAL: readers of the legacy attributes; use message(lang) instead.
    @property
    def zh(self) -> str:
        return self.message("zh")

    @property
    def en(self) -> str:
        return self.message("en")
