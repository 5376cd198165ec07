"""Simulated printer faults, shared by the mock printer and the TCP emulator.

Each fault decides two things: what DLE EOT n answers, and whether print data is
printed or thrown away (a printer that is offline, out of paper or open prints
nothing; the emulator does not hold the job to print it later, so a retried job
cannot come out twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import BAD_SPEC, PrinterError


class FaultKind(StrEnum):
    OFFLINE = "offline"
    PAPER_END = "paper_end"
    COVER_OPEN = "cover_open"
    PAPER_NEAR_END = "paper_near_end"
    CUTTER_ERROR = "cutter_error"
    SLOW = "slow"
    DROP_AFTER = "drop_after"
    NO_STATUS = "no_status"


#: For the CLI's --fault help text.
FAULT_MODES = (
    "offline",
    "paper_end",
    "cover_open",
    "paper_near_end",
    "cutter_error",
    "slow[:BYTES_PER_SECOND]",
    "drop_after:N",
    "no_status",
)
_ALIASES = {
    "paper_out": FaultKind.PAPER_END,
    "paper-out": FaultKind.PAPER_END,
    "paperout": FaultKind.PAPER_END,
    "drop": FaultKind.DROP_AFTER,
    "silent": FaultKind.NO_STATUS,
}
DEFAULT_SLOW_BYTES_PER_SECOND = 20_000
DEFAULT_DROP_AFTER = 1_000

_READY = 0x12
#: Replies to DLE EOT 1, 2, 3, 4 per fault (bits per the Epson manual).
_REPLIES: dict[FaultKind | None, tuple[int, int, int, int]] = {
    None: (_READY, _READY, _READY, _READY),
    FaultKind.OFFLINE: (0x1A, _READY, _READY, _READY),
    FaultKind.PAPER_END: (0x1A, 0x32, _READY, 0x72),
    FaultKind.COVER_OPEN: (0x1A, 0x16, _READY, _READY),
    FaultKind.PAPER_NEAR_END: (_READY, _READY, _READY, 0x1E),
    FaultKind.CUTTER_ERROR: (0x1A, 0x52, 0x1A, _READY),
}


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault and its parameter (bytes per second for slow, N for drop_after)."""

    kind: FaultKind
    value: int = 0

    @property
    def blocks_printing(self) -> bool:
        """Print data arriving under this fault is not printed."""
        return self.kind in (
            FaultKind.OFFLINE,
            FaultKind.PAPER_END,
            FaultKind.COVER_OPEN,
            FaultKind.CUTTER_ERROR,
        )

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else str(self.kind)


def parse_fault(text: str | Fault | None) -> Fault | None:
    """ "paper_end", "slow:5000", "drop_after:300", "none" ... → Fault or None."""
    if text is None or isinstance(text, Fault):
        return text
    name, _, arg = text.strip().lower().partition(":")
    name = name.replace("-", "_") if name not in _ALIASES else name
    if name in ("", "none", "clear"):
        return None
    try:
        kind = _ALIASES.get(name) or FaultKind(name)
        value = int(arg) if arg else 0
    except ValueError:
        raise PrinterError(
            BAD_SPEC,
            f"未知的模拟故障“{text}”。可用：{', '.join(FAULT_MODES)}",
            f"Unknown emulated fault '{text}'. Known: {', '.join(FAULT_MODES)}",
        ) from None
    if kind is FaultKind.SLOW and value <= 0:
        value = DEFAULT_SLOW_BYTES_PER_SECOND
    if kind is FaultKind.DROP_AFTER and value <= 0:
        value = DEFAULT_DROP_AFTER
    return Fault(kind, value)


def status_reply(n: int, fault: Fault | None) -> bytes:
    """The byte a printer with `fault` answers to DLE EOT n; b"" when it stays silent."""
    if fault is not None and fault.kind is FaultKind.NO_STATUS:
        return b""
    if not 1 <= n <= 4:
        return b""
    kind = fault.kind if fault is not None and fault.kind in _REPLIES else None
    return bytes((_REPLIES[kind][n - 1],))
