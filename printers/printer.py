"""The printer object the core talks to: print a label, ask the status, close.

Each job opens the transport, checks status, sends, checks status again and closes
(unless `keep_open`), so a dropped connection or a replugged printer never leaves a
stale handle behind. A blocked printer (offline, cover open, paper end, error)
raises `PrinterError` before any byte is sent (`SendOutcome.NOT_SENT`).

"Sent" is not "printed": a write returns once the bytes are in the link's buffers, which
can be tens of kilobytes ahead of a slow printer. A printer answers status queries in
order, after the bytes before them, so a printer that answered before the label must
answer again after it (waiting up to `ack_timeout` for the bytes in flight) before the
label counts as `ACKNOWLEDGED`. Silence or a fault then raises with `SendOutcome.SENT`
(the label may exist). A printer that never answers (or a write-only link) can only
report `SENT` in its `PrintResult`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from . import errors as e
from .errors import PrinterError, SendOutcome
from .profiles import PrinterProfile
from .status import UNKNOWN, PrinterState, PrinterStatus
from .transport import DEFAULT_ACK_TIMEOUT, DEFAULT_READ_TIMEOUT, Transport

Encoder = Callable[..., bytes]
StatusQuery = Callable[[Transport, float], PrinterStatus]

_STATE_REASON = {
    PrinterState.OFFLINE: e.OFFLINE,
    PrinterState.COVER_OPEN: e.COVER_OPEN,
    PrinterState.PAPER_END: e.PAPER_END,
    PrinterState.ERROR: e.PRINTER_ERROR,
}


@dataclass(frozen=True, slots=True)
class PrintResult:
    """A label that left in full: `ACKNOWLEDGED` (the printer answered after it, `status`
    is that answer) or `SENT` (this printer cannot answer; `status` is UNKNOWN)."""

    job_id: str | None
    device: str
    bytes_sent: int
    status: PrinterStatus
    outcome: SendOutcome = SendOutcome.ACKNOWLEDGED

    @property
    def acknowledged(self) -> bool:
        return self.outcome is SendOutcome.ACKNOWLEDGED


class Printer:
    """One printer: a transport, a profile, and the command language that goes with it."""

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile,
        *,
        encoder: Encoder,
        status_query: StatusQuery,
        spec: str | None = None,
        band_rows: int | None = None,
        status_timeout: float = DEFAULT_READ_TIMEOUT,
        ack_timeout: float = DEFAULT_ACK_TIMEOUT,
        check_status: bool = True,
        keep_open: bool = False,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.spec = spec or transport.device
        self.band_rows = band_rows
        self.status_timeout = status_timeout
        self.ack_timeout = ack_timeout
        self.check_status = check_status
        self.keep_open = keep_open
        self._encoder = encoder
        self._status_query = status_query
        # A queue worker printing and a UI polling status share one transport.
        self._lock = threading.RLock()

    def encode(
        self, bitmap: Image.Image, *, red_bands: Sequence[Sequence[int]] = (), cut: bool = True
    ) -> bytes:
        """The exact bytes `print_label` would send (for `label --out FILE.bin`)."""
        try:
            return self._encoder(
                bitmap, self.profile, red_bands=red_bands, cut=cut, band_rows=self.band_rows
            )
        except PrinterError as exc:
            raise PrinterError(exc.reason, exc.zh, exc.en, device=self.spec) from exc

    def print_label(
        self,
        bitmap: Image.Image,
        *,
        red_bands: Sequence[Sequence[int]] = (),
        cut: bool = True,
        job_id: str | None = None,
    ) -> PrintResult:
        """Print one label: a `PrintResult` when every byte left, else `PrinterError` whose
        `outcome` says how far the label got."""
        data = self.encode(bitmap, red_bands=red_bands, cut=cut)
        with self._session():
            before = UNKNOWN
            if self.check_status:
                try:
                    before = self._status_query(self.transport, self.status_timeout)
                except PrinterError as exc:
                    raise exc.with_outcome(SendOutcome.NOT_SENT) from exc.__cause__
                if not before.can_print:
                    raise self._blocked(before, job_id, SendOutcome.NOT_SENT)
            self.transport.write(data)  # raises PARTLY_SENT or NOT_SENT as far as it got
            if not (self.check_status and before.known):  # this printer never answers
                return PrintResult(job_id, self.spec, len(data), UNKNOWN, SendOutcome.SENT)
            try:
                after = self._status_query(self.transport, self.ack_timeout)
            except PrinterError as exc:
                raise exc.with_outcome(SendOutcome.SENT) from exc.__cause__
            if not after.known:
                raise self._silent(job_id)
            if not after.can_print:
                raise self._blocked(after, job_id, SendOutcome.SENT)
        return PrintResult(job_id, self.spec, len(data), after, SendOutcome.ACKNOWLEDGED)

    def status(self) -> PrinterStatus:
        """Real-time status; UNKNOWN if the printer stays silent.

        Raises `PrinterError` only when the printer cannot be reached at all.
        """
        with self._session():
            return self._status_query(self.transport, self.status_timeout)

    def close(self) -> None:
        """Release the device."""
        with self._lock:
            self.transport.close()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Printer({self.spec!r}, profile={self.profile.name!r})"

    @contextmanager
    def _session(self) -> Iterator[None]:
        with self._lock:
            self.transport.open()
            ok = False
            try:
                yield
                ok = True
            finally:
                if not ok or not self.keep_open:
                    self.transport.close()

    def _blocked(
        self, status: PrinterStatus, job_id: str | None, outcome: SendOutcome
    ) -> PrinterError:
        job_zh = f"面单 {job_id} " if job_id else ""
        job_en = f"Label {job_id}: " if job_id else ""
        zh, en = status.message("zh"), status.message("en")
        if outcome is SendOutcome.NOT_SENT:
            zh += "，面单尚未发送"
            en += "; the label was not sent"
        else:
            zh += "。面单可能只打印了一部分，请检查后再决定是否重打"
            en += ". The label may be partly printed; check it before reprinting"
        err = PrinterError(
            _STATE_REASON.get(status.state, e.PRINTER_ERROR),
            f"{job_zh}打印机 {self.spec}：{zh}。",
            f"{job_en}printer {self.spec}: {en}.",
            device=self.spec,
        )
        return err.with_outcome(outcome)

    def _silent(self, job_id: str | None) -> PrinterError:
        """The printer answered before the label and not after it (within `ack_timeout`)."""
        job_zh = f"面单 {job_id} " if job_id else ""
        job_en = f"Label {job_id}: " if job_id else ""
        err = PrinterError(
            e.NO_ANSWER,
            f"{job_zh}已发送，但打印机 {self.spec} 在 {self.ack_timeout:g} 秒内没有回应，"
            "不知道是否已打出。请检查面单。",
            f"{job_en}sent, but printer {self.spec} did not answer within "
            f"{self.ack_timeout:g} s; it is not known whether it printed. Check the label.",
            device=self.spec,
        )
        return err.with_outcome(SendOutcome.SENT)
