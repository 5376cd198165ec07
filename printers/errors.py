"""The one error type the printer package raises, so callers catch a single thing.

`printers` is a leaf and cannot import `packstation.errors`; this class mirrors its
shape (`zh`, `en`, `message(lang)`) so the core can show it the same way, and adds a
machine-readable `reason` the print queue stores and maps to the packer's language.
"""

from __future__ import annotations

from enum import StrEnum

# Reasons: stable codes the core may persist with a failed job.
BAD_SPEC = "bad_spec"
NOT_FOUND = "not_found"
PERMISSION = "permission"
TIMEOUT = "timeout"
CONNECTION = "connection"
CONNECTION_LOST = "connection_lost"
OFFLINE = "offline"
COVER_OPEN = "cover_open"
PAPER_END = "paper_end"
PRINTER_ERROR = "printer_error"
TOO_WIDE = "too_wide"
MISSING_LIBRARY = "missing_library"
SPOOLER = "spooler"
NO_ANSWER = "no_answer"  # answered before the label, silent after it
FILE_EXISTS = "file_exists"


class SendOutcome(StrEnum):
    """How far one label got, as the printer package saw it: decides whether a retry is safe.

    A printer is only `ACKNOWLEDGED` when it took every byte and then answered a status
    query (it answers in order, so the answer means the bytes before it were consumed).
    `SENT` is every byte handed to the link with no such answer: either the printer never
    answers (a write-only link, a model without status) or it fell silent or reported a
    fault after the label, so the label may or may not exist.
    """

    NOT_SENT = "not_sent"  # nothing of the label left: safe to retry
    PARTLY_SENT = "partly_sent"  # cut off mid-label, before the cut: at most a torn half
    SENT = "sent"  # every byte left, no acknowledgement: may have printed
    ACKNOWLEDGED = "acknowledged"  # every byte left and the printer answered after them


class PrinterError(Exception):
    """A printer problem a packer or supervisor can act on.

    `device` names the printer (its spec); `outcome` says how far the label got when it
    happened (a transport passes `maybe_printed=True` when some bytes may have left, which
    is `PARTLY_SENT`; the `Printer` sets `SENT` for faults seen after the whole label).
    """

    def __init__(
        self,
        reason: str,
        zh: str,
        en: str,
        *,
        device: str = "",
        maybe_printed: bool = False,
    ) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.zh = zh
        self.en = en
        self.device = device
        self.outcome = SendOutcome.PARTLY_SENT if maybe_printed else SendOutcome.NOT_SENT

    @property
    def maybe_printed(self) -> bool:
        """True when bytes may have reached the printer (a label may exist, whole or torn)."""
        return self.outcome is not SendOutcome.NOT_SENT

    def message(self, lang: str = "zh") -> str:
        """The message in one language; Chinese unless `lang` is "en"."""
        return self.en if lang == "en" else self.zh

    def marked(self, maybe_printed: bool) -> PrinterError:
        """The same error, saying whether bytes had already been sent when it happened."""
        return self.with_outcome(
            SendOutcome.PARTLY_SENT if maybe_printed else SendOutcome.NOT_SENT
        )

    def with_outcome(self, outcome: SendOutcome) -> PrinterError:
        """The same error with `outcome` (how far the label had got when it happened)."""
        if outcome is self.outcome:
            return self
        err = PrinterError(self.reason, self.zh, self.en, device=self.device)
        err.outcome = outcome
        err.__cause__ = self.__cause__
        return err
