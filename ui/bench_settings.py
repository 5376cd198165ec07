"""Per-bench settings, kept in QSettings (wrapped here once; options declared with types).

Each bench is a group, so two benches on one PC (or one roaming profile) keep their own
printer, label size, sounds, language and scanner timing. Tests pass an .ini path.
"""

from __future__ import annotations

import locale
from dataclasses import dataclass, fields, replace
from pathlib import Path

from packstation.ui.scanner import DEFAULT_MAX_GAP_MS, DEFAULT_MIN_LENGTH, ScannerTiming
from PySide6.QtCore import QLocale, QSettings


@dataclass(frozen=True, slots=True)
class BenchSettings:
    printer_spec: str = ""
    label_size: str = "100x150"
    dpi: int = 203
    sounds: bool = True
    volume: float = 0.8
    speech: bool = False
    language: str = ""  # "" = from the system: Chinese on a Chinese system, else English
    scanner_max_gap_ms: int = DEFAULT_MAX_GAP_MS
    scanner_min_length: int = DEFAULT_MIN_LENGTH

    @property
    def timing(self) -> ScannerTiming:
        return ScannerTiming(self.scanner_max_gap_ms, self.scanner_min_length)

    @property
    def lang(self) -> str:
        return self.language or system_language()


def system_language() -> str:
    """ "zh" on a Chinese system, else "en"."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "zh" if name.lower().startswith("zh") else "en"


class SettingsStore:
    """Reads and writes `BenchSettings` for one bench."""

    def __init__(self, bench: str, path: Path | None = None) -> None:
        self.bench = bench
        self._qs = (
            QSettings(str(path), QSettings.Format.IniFormat) if path is not None else QSettings()
        )

    def load(self) -> BenchSettings:
        defaults = BenchSettings()
        values: dict[str, object] = {}
        self._qs.beginGroup(self._group())
        try:
            for f in fields(BenchSettings):
                default = getattr(defaults, f.name)
                raw = self._qs.value(f.name, default)
                values[f.name] = _typed(raw, default)
        finally:
            self._qs.endGroup()
        return BenchSettings(**values)  # type: ignore[arg-type]

    def save(self, settings: BenchSettings) -> None:
        self._qs.beginGroup(self._group())
        try:
            for f in fields(BenchSettings):
                self._qs.setValue(f.name, getattr(settings, f.name))
        finally:
            self._qs.endGroup()
        self._qs.sync()

    def update(self, **changes: object) -> BenchSettings:
        settings = replace(self.load(), **changes)  # type: ignore[arg-type]
        self.save(settings)
        return settings

    def _group(self) -> str:
        return "bench/" + self.bench.replace("/", "_")


def _typed(raw: object, default: object) -> object:
    """QSettings' .ini values come back as text: give them the declared type back."""
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
    if isinstance(default, int):
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default
    if isinstance(default, float):
        try:
            return float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default
    return "" if raw is None else str(raw)
