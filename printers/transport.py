"""The one transport seam: open, write bytes, read bytes, close. Nothing else.

Every backend (USB, TCP, serial, file/device, CUPS, mock) implements this protocol;
the printer object and the status query only ever talk to it.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

#: Defaults sized for a real bench: a 150 mm label takes ~1 s to print and a printer
#: with a small buffer holds the sender back for about that long.
DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_WRITE_TIMEOUT = 15.0
DEFAULT_READ_TIMEOUT = 0.5
#: How long a printer may take to answer after a label: the bytes still in the link's
#: buffers (about 50 kB over TCP) must be consumed first; a slow printer needs seconds.
DEFAULT_ACK_TIMEOUT = 15.0


@runtime_checkable
class Transport(Protocol):
    """Moves bytes to and from one printer; errors are `PrinterError` naming `device`."""

    #: The spec string, e.g. "tcp:10.0.0.7:9100"; used in every error message.
    device: str
    #: False when the link cannot carry replies (CUPS raw, a plain file).
    readable: bool

    def open(self) -> None:
        """Connect or claim the device; idempotent."""

    def write(self, data: bytes) -> None:
        """Send all of `data` or raise `PrinterError` (timeout, connection lost...)."""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes; b"" if nothing came within `timeout` seconds.

        A link that closed raises `PrinterError(CONNECTION_LOST)` rather than returning
        b"", so "no answer" (status unknown) and "gone" stay distinct.
        """

    def close(self) -> None:
        """Release the device; idempotent, never raises."""
