"""Real-time status: DLE EOT n queries and their replies, mapped to a few states.

A printer that does not answer in time is "status unknown", which still allows
printing: many USB and network printers never answer, and they print fine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from . import commands as cmd
from .transport import Transport

#: Bits 1 and 4 are fixed on, bits 0 and 7 fixed off in every DLE EOT reply.
FIXED_MASK = 0x93
FIXED_VALUE = 0x12

# n = 1, printer status
BIT_OFFLINE = 0x08
# n = 2, offline cause
BIT_COVER_OPEN = 0x04
BIT_FEED_BUTTON = 0x08
BIT_PAPER_END_STOP = 0x20
BIT_ERROR = 0x40
# n = 3, error cause
ERROR_BITS: dict[int, str] = {
    0x04: "mechanical",
    0x08: "autocutter",
    0x20: "unrecoverable",
    0x40: "auto_recoverable",
}
# n = 4, roll paper sensor
BITS_NEAR_END = 0x0C
BITS_PAPER_END = 0x60


class PrinterState(StrEnum):
    """What the bench shows; ordered from "print" to "cannot print"."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    UNKNOWN = "unknown"
    OFFLINE = "offline"
    COVER_OPEN = "cover_open"
    PAPER_END = "paper_end"
    ERROR = "error"


STATE_TEXT: dict[PrinterState, tuple[str, str]] = {
    PrinterState.READY: ("打印机就绪", "Printer ready"),
    PrinterState.PAPER_NEAR_END: ("纸将用完，请准备换纸", "Paper nearly out: get a new roll ready"),
    PrinterState.UNKNOWN: (
        "打印机未回应状态查询（仍可打印）",
        "Printer did not answer the status query (printing still allowed)",
    ),
    PrinterState.OFFLINE: ("打印机离线", "Printer offline"),
    PrinterState.COVER_OPEN: ("打印机盖未关好", "Printer cover open"),
    PrinterState.PAPER_END: ("打印机缺纸，请换纸", "Printer out of paper: load a new roll"),
    PrinterState.ERROR: (
        "打印机故障（如切刀卡住），请检查打印机",
        "Printer error (e.g. cutter jam): check the printer",
    ),
}

BLOCKING_STATES = frozenset(
    {PrinterState.OFFLINE, PrinterState.COVER_OPEN, PrinterState.PAPER_END, PrinterState.ERROR}
)


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """Decoded DLE EOT replies; flags are None where the printer did not say."""

    state: PrinterState
    offline: bool | None = None
    cover_open: bool | None = None
    paper_end: bool | None = None
    paper_near_end: bool | None = None
    error: bool | None = None
    errors: tuple[str, ...] = ()
    raw: Mapping[int, int] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        """True when the printer answered at least the first query."""
        return self.state is not PrinterState.UNKNOWN

    @property
    def can_print(self) -> bool:
        """Ready, near end, or unknown: sending a job is worthwhile."""
        return self.state not in BLOCKING_STATES

    def message(self, lang: str = "zh") -> str:
        """A short sentence for the bench's printer indicator."""
        zh, en = STATE_TEXT[self.state]
        return en if lang == "en" else zh


UNKNOWN = PrinterStatus(PrinterState.UNKNOWN)


def is_status_byte(value: int) -> bool:
    """True when `value` has the fixed bits every DLE EOT reply carries."""
    return value & FIXED_MASK == FIXED_VALUE


def parse_status(replies: Mapping[int, int | None]) -> PrinterStatus:
    """Map replies to DLE EOT n (keyed by n; None or missing = no answer) to a status."""
    got = {n: b for n, b in replies.items() if b is not None and is_status_byte(b)}
    if not got:
        return UNKNOWN
    offline = bool(got[1] & BIT_OFFLINE) if 1 in got else None
    cover = paper_stop = err = None
    if 2 in got:
        cover = bool(got[2] & BIT_COVER_OPEN)
        paper_stop = bool(got[2] & BIT_PAPER_END_STOP)
        err = bool(got[2] & BIT_ERROR)
    errors = tuple(name for bit, name in ERROR_BITS.items() if got.get(3, 0) & bit)
    if errors:
        err = True
    near = end = None
    if 4 in got:
        near = bool(got[4] & BITS_NEAR_END)
        end = bool(got[4] & BITS_PAPER_END)
    paper_end = bool(paper_stop or end) if (paper_stop is not None or end is not None) else None

    if cover:
        state = PrinterState.COVER_OPEN
    elif paper_end:
        state = PrinterState.PAPER_END
    elif err:
        state = PrinterState.ERROR
    elif offline:
        state = PrinterState.OFFLINE
    elif near:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.READY
    return PrinterStatus(state, offline, cover, paper_end, near, err, errors, dict(got))


def drain(transport: Transport, limit: int = 64) -> None:
    """Discard stale input (late replies, bytes a raster payload provoked)."""
    for _ in range(limit):
        if not transport.read(4096, 0.0):
            return


def query_status(transport: Transport, timeout: float) -> PrinterStatus:
    """Ask DLE EOT 1, 2, 4 (and 3 on error), one at a time, as the manual requires.

    Raises `PrinterError` only when the link itself is gone; silence is UNKNOWN.
    """
    if not transport.readable:
        return UNKNOWN
    drain(transport)
    replies: dict[int, int | None] = {}
    for n in (cmd.STATUS_PRINTER, cmd.STATUS_OFFLINE_CAUSE, cmd.STATUS_PAPER):
        replies[n] = _ask(transport, n, timeout)
        if replies[n] is None:
            break
    second = replies.get(cmd.STATUS_OFFLINE_CAUSE)
    if second is not None and second & BIT_ERROR:
        replies[cmd.STATUS_ERROR_CAUSE] = _ask(transport, cmd.STATUS_ERROR_CAUSE, timeout)
    return parse_status(replies)


def _ask(transport: Transport, n: int, timeout: float) -> int | None:
    transport.write(cmd.realtime_status(n))
    reply = transport.read(1, timeout)
    return reply[0] if reply else None
