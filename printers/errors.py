"""The one error type the printer package raises, so callers catch a single thing.

`printers` is a leaf and cannot import `packstation.errors`; this class mirrors its
shape (`zh`, `en`, `message(lang)`) so the core can show it the same way, and adds a
machine-readable `reason` the print queue stores and maps to the packer's language.
"""

from __future__ import annotations

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


class PrinterError(Exception):
    """A printer problem a packer or supervisor can act on.

    `device` names the printer (its spec); `maybe_printed` is True when bytes already
    left for the printer, so the label may have come out in part or in whole and the
    queue must not assume the job was lost.
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
        self.maybe_printed = maybe_printed

    def message(self, lang: str = "zh") -> str:
        """The message in one language; Chinese unless `lang` is "en"."""
        return self.en if lang == "en" else self.zh

    def marked(self, maybe_printed: bool) -> PrinterError:
        """The same error, saying whether bytes had already been sent when it happened."""
        if maybe_printed == self.maybe_printed:
            return self
        err = PrinterError(
            self.reason, self.zh, self.en, device=self.device, maybe_printed=maybe_printed
        )
        err.__cause__ = self.__cause__
        return err
