"""The `mock` printer: keeps every job's bytes and decodes them back into labels.

Decoding goes through `escpos_parser` (written apart from the encoder), so a preview
or a test sees what a printer would have printed, not what we meant to send.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PIL import Image

from .decoded import DecodedLabel, LabelAssembler
from .escpos_parser import EscposParser, StatusRequest
from .faults import Fault, parse_fault, status_reply
from .printer import Printer, PrintResult


@dataclass(frozen=True, slots=True)
class MockJob:
    """One write that carried print data."""

    data: bytes
    labels: tuple[DecodedLabel, ...]
    printed: bool
    job_id: str | None = None
    text_bytes: int = 0
    unknown: tuple[bytes, ...] = ()

    @property
    def cuts(self) -> int:
        """How many labels ended with a cut."""
        return sum(1 for label in self.labels if label.cut)

    @property
    def red_bands(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Red row ranges, per label."""
        return tuple(label.red_bands for label in self.labels)


class MockTransport:
    """An in-memory printer with an optional fault; thread-safe for a GUI + worker."""

    readable = True

    def __init__(
        self, fault: str | Fault | None = None, device: str = "mock", *, keep: int = 200
    ) -> None:
        self.device = device
        #: The last `keep` jobs (a demo bench runs all day; each decoded label is ~1 MB).
        self.jobs: deque[MockJob] = deque(maxlen=keep)
        #: Jobs written since creation, including those no longer kept.
        self.job_count = 0
        self.fault = parse_fault(fault)
        self.opened = 0
        self._replies = bytearray()
        self._lock = threading.Lock()

    def set_fault(self, fault: str | Fault | None) -> None:
        """Change or clear (None) the simulated fault."""
        self.fault = parse_fault(fault)

    def open(self) -> None:
        """Count opens; there is nothing to connect."""
        self.opened += 1

    def write(self, data: bytes) -> None:
        """Answer status requests; decode and keep everything else as a job."""
        parser = EscposParser()
        events = parser.feed(data)
        assembler = LabelAssembler()
        payload = False
        with self._lock:
            for ev in events:
                if isinstance(ev, StatusRequest):
                    self._replies += status_reply(ev.n, self.fault)
                else:
                    payload = True
            if not payload and not parser.pending:
                return
            assembler.add(events)
            if assembler.has_pending_rows:
                assembler.finish("none")
            printed = self.fault is None or not self.fault.blocks_printing
            self.job_count += 1
            self.jobs.append(
                MockJob(
                    data,
                    tuple(assembler.labels),
                    printed,
                    text_bytes=assembler.text_bytes,
                    unknown=tuple(assembler.unknown),
                )
            )

    def read(self, size: int, timeout: float) -> bytes:
        """Queued status replies; never waits (the mock answers at once or never)."""
        with self._lock:
            out = bytes(self._replies[:size])
            del self._replies[:size]
        return out

    def close(self) -> None:
        """Drop unread replies, as a closed connection would."""
        with self._lock:
            self._replies.clear()

    def tag_last(self, job_id: str | None) -> None:
        """Attach the caller's job id to the job just written."""
        with self._lock:
            if self.jobs and job_id is not None:
                self.jobs[-1] = replace(self.jobs[-1], job_id=job_id)

    @property
    def printed_labels(self) -> list[DecodedLabel]:
        """Every label that came out, in order (jobs blocked by a fault excluded)."""
        return [label for job in self.jobs if job.printed for label in job.labels]

    def last_image(self) -> Image.Image | None:
        """The last printed label as an RGB preview (red rows in red), or None."""
        labels = self.printed_labels
        return labels[-1].preview() if labels else None


class MockPrinter(Printer):
    """A `Printer` over `MockTransport` that files each job under its job id."""

    transport: MockTransport

    def print_label(
        self,
        bitmap: Image.Image,
        *,
        red_bands: Sequence[Sequence[int]] = (),
        cut: bool = True,
        job_id: str | None = None,
    ) -> PrintResult:
        """As `Printer.print_label`, then tag the kept job with `job_id`."""
        before = self.transport.job_count
        try:
            return super().print_label(bitmap, red_bands=red_bands, cut=cut, job_id=job_id)
        finally:
            if self.transport.job_count > before:
                self.transport.tag_last(job_id)
