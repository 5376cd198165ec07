"""Printer backends: 1-bit bitmap → ESC/POS bytes → a transport (a leaf package).

The core uses `open_printer(spec, profile)` and the returned `Printer`'s
`print_label`, `status` and `close`; everything raises only `PrinterError`.
"""

from __future__ import annotations

from .errors import PrinterError, SendOutcome
from .escpos import encode_label
from .faults import FAULT_MODES, Fault, parse_fault
from .mock import MockPrinter, MockTransport
from .printer import Printer, PrintResult
from .profiles import DEFAULT_PROFILE, PROFILES, PrinterProfile, get_profile
from .registry import SPEC_FORMS, open_printer
from .status import PrinterState, PrinterStatus

__all__ = [
    "DEFAULT_PROFILE",
    "FAULT_MODES",
    "PROFILES",
    "SPEC_FORMS",
    "Fault",
    "MockPrinter",
    "MockTransport",
    "PrintResult",
    "Printer",
    "PrinterError",
    "PrinterProfile",
    "PrinterState",
    "PrinterStatus",
    "SendOutcome",
    "encode_label",
    "get_profile",
    "open_printer",
    "parse_fault",
]
