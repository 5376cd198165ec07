"""The composition root: the one place that builds real objects and wires the edges in.

The CLI and the Qt app get their database, classifier and printers from here; nothing
else in the core imports `packstation.printers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PIL import Image

from packstation.errors import UserError
from packstation.services.importing import Classifier
from packstation.services.printing import (
    JobOutcome,
    PortStatus,
    PrintError,
    PrintWorker,
    SendOutcome,
)
from packstation.storage.database import Database
from packstation.storage.schema import upgrade


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """The configured database, migrated to the current schema."""
    db = Database.from_url(url)
    if migrate:
        upgrade(db.engine)
    return db


def classifier(db: Database | None = None) -> Classifier:
    """Address classification against the priority rules in force in `db`."""
    from packstation.address import classify
    from packstation.services.destinations import load_rules

    if db is None:
        return classify
    rules = load_rules(db)
    return lambda address, province, city, district: classify(
        address, province, city, district, rules=rules
    )


# --- printers: the one place the core meets packstation.printers ---


class _RecordingTransport:
    """Wraps a transport to tell "nothing sent" / "cut off mid-label" / "sent in full".

    Status queries (DLE EOT n, three bytes) do not count as the label's payload.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.started = False
        self.complete = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def write(self, data: bytes) -> None:
        payload = not (len(data) == 3 and data[:2] == b"\x10\x04")
        self.started = self.started or payload
        self.inner.write(data)
        self.complete = self.complete or payload


class PrinterAdapter:
    """A `packstation.printers.Printer` seen through the core's `PrinterPort`."""

    def __init__(self, printer: Any) -> None:
        self.printer = printer
        self._transport = _RecordingTransport(printer.transport)
        printer.transport = self._transport

    @property
    def spec(self) -> str:
        return str(self.printer.spec)

    def print_label(
        self, image: Image.Image, red_bands: Sequence[tuple[int, int]], job_id: str
    ) -> None:
        """Print or raise PrintError saying how far the label got."""
        from packstation.printers import PrinterError

        self._transport.started = self._transport.complete = False
        try:
            self.printer.print_label(image, red_bands=red_bands, job_id=job_id)
        except PrinterError as exc:
            if self._transport.complete:
                outcome = SendOutcome.UNKNOWN
            elif self._transport.started:
                outcome = SendOutcome.INCOMPLETE
            else:
                outcome = SendOutcome.NOT_SENT
            raise PrintError(exc.reason, exc.zh, exc.en, outcome=outcome) from exc

    def status(self) -> PortStatus:
        """Real-time status; PrintError when the printer cannot be reached at all."""
        from packstation.printers import PrinterError

        try:
            st = self.printer.status()
        except PrinterError as exc:
            raise PrintError(exc.reason, exc.zh, exc.en) from exc
        return PortStatus(st.state.value, st.can_print, st.message("zh"), st.message("en"))

    def close(self) -> None:
        self.printer.close()


def _profile_for(dpi: int, profile: str | None) -> str | None:
    return profile or ("label-4in-300" if dpi == 300 else None)


def printer_for(
    spec: str,
    *,
    profile: str | None = None,
    dpi: int = 203,
    connect_timeout: float | None = None,
    write_timeout: float | None = None,
    status_timeout: float | None = None,
) -> PrinterAdapter:
    """The real printer a spec names (mock, tcp:…, usb:…), adapted to the PrinterPort."""
    from packstation.printers import PrinterError, open_printer

    options = {
        k: v
        for k, v in (
            ("connect_timeout", connect_timeout),
            ("write_timeout", write_timeout),
            ("status_timeout", status_timeout),
        )
        if v is not None
    }
    try:
        return PrinterAdapter(open_printer(spec, _profile_for(dpi, profile), **options))
    except PrinterError as exc:
        raise PrintError(exc.reason, exc.zh, exc.en) from exc


def label_bytes(
    image: Image.Image,
    red_bands: Sequence[tuple[int, int]] = (),
    *,
    dpi: int = 203,
    profile: str | None = None,
) -> bytes:
    """The exact ESC/POS bytes a printer of that profile would get (`label --out x.bin`)."""
    from packstation.printers import PrinterError, open_printer

    try:
        return bytes(
            open_printer("mock", _profile_for(dpi, profile)).encode(image, red_bands=red_bands)
        )
    except PrinterError as exc:
        raise PrintError(exc.reason, exc.zh, exc.en) from exc


def print_worker(
    db: Database,
    *,
    bench: str | None = None,
    default_spec: str | None = None,
    size: str = "100x150",
    dpi: int = 203,
    profile: str | None = None,
    on_job: Callable[[JobOutcome], None] | None = None,
) -> PrintWorker:
    """A print worker on real printers, for the CLI and the bench window (run it in a thread)."""
    return PrintWorker(
        db,
        lambda spec: printer_for(spec, dpi=dpi, profile=profile),
        bench=bench,
        default_spec=default_spec,
        size=size,
        dpi=dpi,
        on_job=on_job,
    )


def printer_profiles() -> tuple[str, ...]:
    """Names of the printer model profiles, for `--profile` choices."""
    from packstation.printers import PROFILES

    return tuple(sorted(PROFILES))


def emulator_fault_modes() -> tuple[str, ...]:
    from packstation.printers import FAULT_MODES

    return tuple(FAULT_MODES)


def printer_emulator(
    host: str = "127.0.0.1",
    port: int = 9100,
    save_dir: str | None = None,
    fault: str | None = None,
    on_label: Callable[[Any, Any], None] | None = None,
) -> Any:
    """A TCP ESC/POS printer emulator (not started); UserError on a bad fault or busy port."""
    from packstation.printers import PrinterError
    from packstation.printers.emulator import PrinterEmulator

    try:
        return PrinterEmulator(host, port, save_dir, fault, on_label=on_label)
    except PrinterError as exc:
        raise PrintError(exc.reason, exc.zh, exc.en) from exc
    except OSError as exc:
        raise UserError(
            f"无法在 {host}:{port} 启动打印机模拟器：{exc.strerror or exc}",
            f"cannot start the printer emulator on {host}:{port}: {exc.strerror or exc}",
        ) from exc
