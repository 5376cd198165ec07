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
from packstation.services.print_status import PrinterLamp
from packstation.services.printer_port import PortResult, PortStatus, PrintError, SendOutcome
from packstation.services.printing import JobOutcome, PrintWorker
from packstation.services.printing import print_now as _print_now
from packstation.storage.database import Database
from packstation.storage.engine import default_url
from packstation.storage.failures import database_failure
from packstation.storage.schema import upgrade

# The storage the CLI and the windows may name: the handle they pass to services, the
# URL a command will use, and what a failing database means to a user.
__all__ = [
    "Database",
    "check_printer_spec",
    "classifier",
    "database_failure",
    "database_url",
    "emulator_fault_modes",
    "label_bytes",
    "open_database",
    "print_now",
    "print_worker",
    "printer_emulator",
    "printer_for",
    "printer_profiles",
]


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """The configured database, migrated to the current schema."""
    db = Database.from_url(url)
    if migrate:
        upgrade(db.engine)
    return db


def database_url(url: str | None = None) -> str:
    """The database a command uses: `url` (`--db`), else `$PACKSTATION_DB`, else the SQLite
    file in the user data directory."""
    return url or default_url()


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

_LAMPS = {
    "ready": PrinterLamp.READY,
    "paper_near_end": PrinterLamp.PAPER_NEAR_END,
    "unknown": PrinterLamp.UNKNOWN,
    "offline": PrinterLamp.OFFLINE,
    "cover_open": PrinterLamp.COVER_OPEN,
    "paper_end": PrinterLamp.PAPER_OUT,
    "error": PrinterLamp.ERROR,
}


def _print_error(exc: Any) -> PrintError:
    """A `packstation.printers.PrinterError` in core terms (its outcome said by printers)."""
    return PrintError(
        exc.reason,
        exc.zh,
        exc.en,
        outcome=SendOutcome(exc.outcome.value),
        params={"printer": exc.device} if exc.device else {},
    )


class PrinterAdapter:
    """A `packstation.printers.Printer` seen through the core's `PrinterPort`."""

    def __init__(self, printer: Any) -> None:
        self.printer = printer

    @property
    def spec(self) -> str:
        return str(self.printer.spec)

    def print_label(
        self, image: Image.Image, red_bands: Sequence[tuple[int, int]], job_id: str
    ) -> PortResult:
        """Print, or raise PrintError saying (as the printer package saw it) how far it got."""
        from packstation.printers import PrinterError

        try:
            result = self.printer.print_label(image, red_bands=red_bands, job_id=job_id)
        except PrinterError as exc:
            raise _print_error(exc) from exc
        return PortResult(
            SendOutcome(result.outcome.value), _LAMPS.get(result.status.state, PrinterLamp.UNKNOWN)
        )

    def status(self) -> PortStatus:
        """Real-time status; PrintError when the printer cannot be reached at all."""
        from packstation.printers import PrinterError

        try:
            st = self.printer.status()
        except PrinterError as exc:
            raise _print_error(exc) from exc
        return PortStatus(_LAMPS.get(st.state.value, PrinterLamp.UNKNOWN), st.can_print)

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
    ack_timeout: float | None = None,
) -> PrinterAdapter:
    """The real printer a spec names (mock, tcp:…, usb:…), adapted to the PrinterPort."""
    from packstation.printers import PrinterError, open_printer

    options = {
        k: v
        for k, v in (
            ("connect_timeout", connect_timeout),
            ("write_timeout", write_timeout),
            ("status_timeout", status_timeout),
            ("ack_timeout", ack_timeout),
        )
        if v is not None
    }
    try:
        return PrinterAdapter(open_printer(spec, _profile_for(dpi, profile), **options))
    except PrinterError as exc:
        raise _print_error(exc) from exc


def check_printer_spec(spec: str) -> str:
    """The spec, stripped, if the printer package can parse it (nothing is opened);
    PrintError (`bad_spec`) saying the valid forms otherwise."""
    printer_for(spec.strip()).close()
    return spec.strip()


def print_now(
    db: Database,
    job_id: int,
    printer_spec: str | None = None,
    *,
    size: str | None = None,
    dpi: int = 203,
    profile: str | None = None,
) -> JobOutcome:
    """Print one job now on a real printer (`pack --printer`): see services.printing.print_now."""
    return _print_now(
        db,
        job_id,
        printer_spec,
        printers=lambda spec: printer_for(spec, dpi=dpi, profile=profile),
        size=size,
        dpi=dpi,
    )


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
        raise _print_error(exc) from exc


def print_worker(
    db: Database,
    *,
    bench: str | None = None,
    default_spec: str | None = None,
    size: str | None = None,
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
        raise _print_error(exc) from exc
    except OSError as exc:
        raise UserError(
            f"无法在 {host}:{port} 启动打印机模拟器：{exc.strerror or exc}",
            f"cannot start the printer emulator on {host}:{port}: {exc.strerror or exc}",
        ) from exc
