"""A network ESC/POS printer on loopback, for demos, training and fault tests.

It listens like a JetDirect port-9100 printer, one connection at a time, decodes the
stream with `escpos_parser`, saves each label as a PNG (one per cut or label feed),
answers DLE EOT status, and can simulate faults, changeable while it runs:

    offline | paper_end | cover_open | paper_near_end | cutter_error
    slow[:BYTES_PER_SECOND] | drop_after:N | no_status

Under offline / paper_end / cover_open / cutter_error, print data is read and thrown
away, not held to print later: a job retried after the fault clears prints once.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from .decoded import DecodedLabel, LabelAssembler
from .escpos_parser import EscposParser, StatusRequest
from .faults import Fault, FaultKind, parse_fault, status_reply

LabelCallback = Callable[[DecodedLabel, Path | None], None]

#: A small receive buffer, like a cheap printer's, so a slow printer pushes back.
RECEIVE_BUFFER_BYTES = 16 * 1024
_POLL = 0.1


class PrinterEmulator:
    """The emulator as an object: `start()` it in a thread, or `serve_forever()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        save_dir: str | Path | None = None,
        fault: str | Fault | None = None,
        *,
        on_label: LabelCallback | None = None,
        receive_buffer: int = RECEIVE_BUFFER_BYTES,
        keep: int = 100,
    ) -> None:
        self.save_dir = Path(save_dir) if save_dir is not None else None
        if self.save_dir is not None:
            self.save_dir.mkdir(parents=True, exist_ok=True)
        self._fault = parse_fault(fault)
        self.on_label = on_label
        #: The last `keep` printed labels (the PNGs on disk are the full record).
        self.labels: deque[DecodedLabel] = deque(maxlen=keep)
        #: Labels printed since start, including those no longer kept in memory.
        self.printed = 0
        self.saved: list[Path] = []
        self.discarded = 0
        self.partial = 0
        self.connections = 0
        self.status_requests = 0
        self._seq = 0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self._sock.bind((host, port))
        self._sock.listen(4)
        self.host, self.port = self._sock.getsockname()[:2]

    @property
    def spec(self) -> str:
        """The printer spec that reaches this emulator."""
        return f"tcp:{self.host}:{self.port}"

    @property
    def fault(self) -> Fault | None:
        """The fault in force now."""
        return self._fault

    def set_fault(self, fault: str | Fault | None) -> None:
        """Change the fault; takes effect on the next chunk read."""
        self._fault = parse_fault(fault)

    def clear_fault(self) -> None:
        """Back to a healthy printer."""
        self._fault = None

    def start(self) -> PrinterEmulator:
        """Serve in a daemon thread; returns self for `with PrinterEmulator().start():`."""
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"escpos-emulator-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and close the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> PrinterEmulator:
        return self if self._thread else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_labels(self, count: int, timeout: float) -> bool:
        """Block until `count` labels have printed, or `timeout` seconds pass."""
        return self.wait_until(lambda: self.printed >= count, timeout)

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Block until `predicate()` holds after a label event, or `timeout` passes."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def serve_forever(self, stop_event: threading.Event | None = None) -> None:
        """Accept connections one at a time until `stop_event` (or `stop()`) is set."""
        stop = stop_event or self._stop
        try:
            while not (stop.is_set() or self._stop.is_set()):
                if not select.select([self._sock], [], [], _POLL)[0]:
                    continue
                try:
                    conn, _addr = self._sock.accept()
                except OSError:
                    continue
                self.connections += 1
                with conn:
                    self._handle(conn, stop)
        finally:
            with contextlib.suppress(OSError):
                self._sock.close()

    def _stopping(self, stop: threading.Event) -> bool:
        return stop.is_set() or self._stop.is_set()

    def _handle(self, conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(_POLL)
        parser = EscposParser()
        assembler = LabelAssembler()
        received = 0
        try:
            while not self._stopping(stop):
                fault = self._fault
                size = 65536
                if fault is not None and fault.kind is FaultKind.SLOW:
                    size = max(1, min(4096, fault.value // 20))
                if fault is not None and fault.kind is FaultKind.DROP_AFTER:
                    size = min(size, fault.value - received)
                    if size <= 0:
                        _abort(conn)
                        return
                try:
                    chunk = conn.recv(size)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                received += len(chunk)
                self._process(conn, parser, assembler, chunk, fault)
                if fault is not None and fault.kind is FaultKind.SLOW:
                    stop.wait(len(chunk) / fault.value)
        finally:
            if assembler.has_pending_rows:
                self._emit(assembler.finish("none"), self._fault, partial=True)

    def _process(
        self,
        conn: socket.socket,
        parser: EscposParser,
        assembler: LabelAssembler,
        chunk: bytes,
        fault: Fault | None,
    ) -> None:
        for ev in parser.feed(chunk):
            if isinstance(ev, StatusRequest):
                self.status_requests += 1
                reply = status_reply(ev.n, fault)
                if reply:
                    with contextlib.suppress(OSError):
                        conn.sendall(reply)
                continue
            for label in assembler.add([ev]):
                self._emit(label, fault)

    def _emit(self, label: DecodedLabel, fault: Fault | None, *, partial: bool = False) -> None:
        if fault is not None and fault.blocks_printing:
            with self._changed:
                self.discarded += 1
                self._changed.notify_all()
            return
        path: Path | None = None
        if self.save_dir is not None and label.image.height > 0:
            self._seq += 1
            suffix = "-partial" if partial else ""
            path = self.save_dir / f"label-{self._seq:04d}{suffix}.png"
            (label.preview() if label.red_bands else label.image).save(path)
        with self._changed:
            if partial:
                self.partial += 1
            else:
                self.printed += 1
                self.labels.append(label)
            if path is not None:
                self.saved.append(path)
            self._changed.notify_all()
        if self.on_label is not None:
            self.on_label(label, path)


def _abort(conn: socket.socket) -> None:
    """Close with RST, as a printer losing power or its link does."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def serve(
    host: str = "127.0.0.1",
    port: int = 9100,
    save_dir: str | Path = ".",
    fault: str | Fault | None = None,
    stop_event: threading.Event | None = None,
    on_label: LabelCallback | None = None,
    on_ready: Callable[[PrinterEmulator], None] | None = None,
) -> None:
    """Run the emulator in the calling thread until `stop_event` is set (or Ctrl+C).

    `on_ready` gets the bound emulator (its `spec`, `set_fault`) before serving starts.
    """
    emulator = PrinterEmulator(host, port, save_dir, fault, on_label=on_label)
    if on_ready is not None:
        on_ready(emulator)
    emulator.serve_forever(stop_event)
