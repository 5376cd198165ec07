"""Why a printer failed, as codes the core can store and the catalogue can word.

`packstation.printers` is a leaf and cannot import these; its `PrinterError.reason`
carries the same values as plain strings, and a test keeps the two lists equal, so
`PrinterReason(error.reason)` never fails on a reason the printers know.
"""

from __future__ import annotations

from packstation.i18n.codes import MessageCode


class PrinterReason(MessageCode, namespace="printer"):
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
    NO_ANSWER = "no_answer"
    FILE_EXISTS = "file_exists"
