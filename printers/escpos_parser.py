"""A small ESC/POS reader for the mock printer and the emulator.

Written from the manual, independently of the encoder (it does not import
`commands`, `raster` or `escpos`), so a wrong byte in the encoder shows up as a
wrong picture instead of agreeing with itself. It reads a stream in chunks: a
command split across chunks waits for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

# Commands with a fixed number of parameter bytes after the two-byte prefix.
_ESC_PARAMS: dict[int, int] = {
    ord(c): n
    for c, n in {
        "@": 0,
        "2": 0,
        "<": 0,
        "r": 1,
        "d": 1,
        "J": 1,
        "a": 1,
        "!": 1,
        "t": 1,
        "M": 1,
        "E": 1,
        "-": 1,
        "3": 1,
        "G": 1,
        "R": 1,
        "{": 1,
        "V": 1,
        " ": 1,
        "e": 1,
        "U": 1,
        "=": 1,
        "p": 3,
        "$": 2,
        "\\": 2,
    }.items()
}
_GS_PARAMS: dict[int, int] = {
    ord(c): n
    for c, n in {
        "a": 1,
        "r": 1,
        "!": 1,
        "B": 1,
        "H": 1,
        "h": 1,
        "w": 1,
        "f": 1,
        "b": 1,
        "I": 1,
        "L": 2,
        "W": 2,
        "P": 2,
        "\x0c": 0,
    }.items()
}
#: Larger raster commands are treated as garbage rather than buffered: a 4-inch head
#: at 300 dpi sends 156 bytes x 2303 rows at most (360 KB).
MAX_RASTER_BYTES = 4 * 1024 * 1024
_CUT_WITH_FEED = frozenset({65, 66, 97, 98, 103, 104})
_PARTIAL_CUTS = frozenset({1, 49, 66, 98, 104})


@dataclass(frozen=True, slots=True)
class Init:
    """ESC @."""


@dataclass(frozen=True, slots=True)
class Colour:
    """ESC r n: red is True for the second colour."""

    red: bool


@dataclass(frozen=True, slots=True)
class Raster:
    """GS v 0: `rows` rows of `width_bytes` bytes, 1 = dot; mode 0..3 = scaling."""

    mode: int
    width_bytes: int
    rows: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Cut:
    """GS V: partial or full, with the feed n where the function has one."""

    partial: bool
    feed: int = 0


@dataclass(frozen=True, slots=True)
class LabelFeed:
    """GS FF: feed to the start of the next label."""


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """DLE EOT n: the printer must answer one status byte."""

    n: int


@dataclass(frozen=True, slots=True)
class Feed:
    """LF, ESC d n (lines) or ESC J n (dots)."""

    lines: int = 0
    dots: int = 0


@dataclass(frozen=True, slots=True)
class Text:
    """Printable bytes outside any command: should never happen for labels."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Other:
    """A command understood well enough to skip, or a byte not understood at all."""

    data: bytes
    known: bool


Event = Init | Colour | Raster | Cut | LabelFeed | StatusRequest | Feed | Text | Other


class EscposParser:
    """Incremental parser: `feed(chunk)` returns the complete commands seen so far."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> int:
        """Bytes of an incomplete command waiting for more input."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Event]:
        """Parse as much of the stream as is complete."""
        self._buf += data
        events: list[Event] = []
        pos = 0
        buf = self._buf
        while pos < len(buf):
            parsed = self._one(buf, pos)
            if parsed is None:
                break
            event, pos = parsed
            events.append(event)
        del self._buf[:pos]
        return events

    def _one(self, buf: bytearray, pos: int) -> tuple[Event, int] | None:
        b = buf[pos]
        if b == 0x1B:
            return self._esc(buf, pos)
        if b == 0x1D:
            return self._gs(buf, pos)
        if b == 0x10:
            return self._dle(buf, pos)
        if b == 0x0A:
            return Feed(lines=1), pos + 1
        if b >= 0x20:
            end = pos
            while end < len(buf) and buf[end] >= 0x20:
                end += 1
            return Text(bytes(buf[pos:end])), end
        return Other(bytes(buf[pos : pos + 1]), b in (0x00, 0x0C, 0x0D)), pos + 1

    def _esc(self, buf: bytearray, pos: int) -> tuple[Event, int] | None:
        if pos + 1 >= len(buf):
            return None
        op = buf[pos + 1]
        if op not in _ESC_PARAMS:
            return Other(bytes(buf[pos : pos + 2]), False), pos + 2
        end = pos + 2 + _ESC_PARAMS[op]
        if end > len(buf):
            return None
        arg = buf[pos + 2] if end > pos + 2 else 0
        if op == ord("@"):
            return Init(), end
        if op == ord("r"):
            return Colour(red=bool(arg & 1)), end
        if op == ord("d"):
            return Feed(lines=arg), end
        if op == ord("J"):
            return Feed(dots=arg), end
        return Other(bytes(buf[pos:end]), True), end

    def _gs(self, buf: bytearray, pos: int) -> tuple[Event, int] | None:
        if pos + 1 >= len(buf):
            return None
        op = buf[pos + 1]
        if op == ord("v"):
            return self._raster(buf, pos)
        if op == ord("V"):
            if pos + 2 >= len(buf):
                return None
            m = buf[pos + 2]
            if m in _CUT_WITH_FEED:
                if pos + 3 >= len(buf):
                    return None
                return Cut(m in _PARTIAL_CUTS, buf[pos + 3]), pos + 4
            return Cut(m in _PARTIAL_CUTS), pos + 3
        if op == ord("("):
            if pos + 4 >= len(buf):
                return None
            end = pos + 5 + buf[pos + 3] + (buf[pos + 4] << 8)
            return (Other(bytes(buf[pos:end]), True), end) if end <= len(buf) else None
        if op not in _GS_PARAMS:
            return Other(bytes(buf[pos : pos + 2]), False), pos + 2
        end = pos + 2 + _GS_PARAMS[op]
        if end > len(buf):
            return None
        if op == 0x0C:
            return LabelFeed(), end
        return Other(bytes(buf[pos:end]), True), end

    def _raster(self, buf: bytearray, pos: int) -> tuple[Event, int] | None:
        if pos + 8 > len(buf):
            return None
        if buf[pos + 2] != ord("0"):
            return Other(bytes(buf[pos : pos + 3]), False), pos + 3
        mode = buf[pos + 3] & 0x03
        width_bytes = buf[pos + 4] | (buf[pos + 5] << 8)
        rows = buf[pos + 6] | (buf[pos + 7] << 8)
        if width_bytes * rows > MAX_RASTER_BYTES:
            return Other(bytes(buf[pos : pos + 8]), False), pos + 8
        end = pos + 8 + width_bytes * rows
        if end > len(buf):
            return None
        return Raster(mode, width_bytes, rows, bytes(buf[pos + 8 : end])), end

    def _dle(self, buf: bytearray, pos: int) -> tuple[Event, int] | None:
        if pos + 1 >= len(buf):
            return None
        op = buf[pos + 1]
        if op in (0x04, 0x05):
            if pos + 2 >= len(buf):
                return None
            n = buf[pos + 2]
            if op == 0x04:
                return StatusRequest(n), pos + 3
            return Other(bytes(buf[pos : pos + 3]), True), pos + 3
        if op == 0x14:
            end = pos + 5
            return (Other(bytes(buf[pos:end]), True), end) if end <= len(buf) else None
        return Other(bytes(buf[pos : pos + 1]), False), pos + 1


def parse(data: bytes) -> tuple[list[Event], int]:
    """Parse a whole job; returns the events and how many trailing bytes were incomplete."""
    parser = EscposParser()
    events = parser.feed(data)
    return events, parser.pending
