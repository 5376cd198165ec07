"""Bench settings every PC on the database shares: the bench's printer and label size.

A bench row is created when the bench first starts (`storage.packing.register_bench`) or
here; an empty printer spec means none is set, and its jobs fail visibly as `no_printer`
until one is. The spec is checked by the caller against the printer registry (the core
does not import printers): `bootstrap.check_printer_spec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from packstation.errors import UserError
from packstation.labels import LABEL_SIZES
from packstation.storage.database import Database
from packstation.storage.tables import Bench

MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class BenchSettings:
    """A bench's printer (None: not set) and label size (None: the worker's default)."""

    name: str
    printer_spec: str | None
    label_size: str | None


def _check(name: str, label_size: str | None) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise UserError("工作台名称须为 1 到 200 个字符", "a bench name must be 1-200 characters")
    if label_size is not None and label_size not in LABEL_SIZES:
        raise UserError(
            f"不支持的面单尺寸 {label_size}，可选：{', '.join(LABEL_SIZES)}",
            f"unsupported label size {label_size}; choose from {', '.join(LABEL_SIZES)}",
        )
    return name


def set_bench(
    db: Database, name: str, *, printer_spec: str | None = None, label_size: str | None = None
) -> BenchSettings:
    """Set a bench's printer and/or label size (None leaves a value as it is); creates the
    bench if it never started. Returns the settings now in force."""
    name = _check(name, label_size)
    values: dict[str, object] = {}
    if printer_spec is not None:
        values["printer_spec"] = printer_spec.strip()
    if label_size is not None:
        values["label_size"] = label_size
    with db.session() as session:
        bench = session.scalar(select(Bench).where(Bench.name == name))
        if bench is None:
            session.add(
                Bench(
                    name=name,
                    printer_spec=str(values.get("printer_spec", "")),
                    label_size=label_size,
                    created_at=datetime.now(UTC),
                )
            )
        elif values:
            session.execute(update(Bench).where(Bench.name == name).values(**values))
    found = bench_settings(db, name)
    assert found is not None  # written above
    return found


def bench_settings(db: Database, name: str) -> BenchSettings | None:
    """A bench's settings; None for a bench that was never registered."""
    with db.transaction() as conn:
        row = conn.execute(
            select(Bench.name, Bench.printer_spec, Bench.label_size).where(
                Bench.name == name.strip()
            )
        ).one_or_none()
    if row is None:
        return None
    return BenchSettings(row.name, row.printer_spec or None, row.label_size)
