"""Label geometry: sizes, scale and the band plan, in millimetres of the 76x130 base label.

Bands follow common 76x130 e-waybills top to bottom; larger labels scale the same plan
and give the spare height to the item/remarks band, so every size reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from packstation.labels.model import LabelDataError

LABEL_SIZES: tuple[str, ...] = ("76x130", "100x150", "100x180", "80")
"""Supported sizes: width x height in mm; "80" is 80 mm continuous receipt paper."""

RECEIPT_PRINT_WIDTH_MM = 72.0  # printable width of 80 mm receipt printers (576 dots @ 203)
BASE_W_MM, BASE_H_MM = 76.0, 130.0
_SIZE_MM: dict[str, tuple[float, float | None]] = {
    "76x130": (76.0, 130.0),
    "100x150": (100.0, 150.0),
    "100x180": (100.0, 180.0),
    "80": (RECEIPT_PRINT_WIDTH_MM, None),
}
MM_PER_INCH = 25.4

# Band heights of the base 76x130 label, mm; "items" takes what is left.
BAND_MM: dict[str, float] = {
    "header": 9.0,
    "barcode": 16.0,
    "barcode_internal": 20.0,
    "priority": 16.0,
    "sort": 13.0,
    "recipient": 18.0,
    "sender": 12.5,
    "barcode2": 10.0,
    "items_min": 7.0,
    "qr": 17.0,
    "footer": 5.0,
}


@dataclass(frozen=True, slots=True)
class Geometry:
    """Pixel geometry of one label: dots wide/high, dpi, and the layout scale factor."""

    width: int
    height: int | None  # None: continuous paper, height as needed
    dpi: int
    scale: float

    @property
    def dots_per_mm(self) -> float:
        return dots_per_mm(self.dpi)

    def d(self, mm: float) -> int:
        """Layout millimetres (of the base label) to dots at this size and dpi."""
        return max(1, round(mm * self.scale * self.dots_per_mm))

    def phys(self, mm: float) -> int:
        """Physical millimetres to whole dots (barcode modules: not scaled with layout)."""
        return max(1, int(mm * self.dots_per_mm + 1e-6))

    @property
    def margin(self) -> int:
        return self.d(1.0)

    @property
    def stroke(self) -> int:
        return max(2, self.phys(0.25))

    @property
    def pad(self) -> int:
        return self.d(1.5)


def dots_per_mm(dpi: int) -> float:
    """ "203 dpi" thermal heads are 8 dots/mm (203.2 dpi): 100 mm is 800 dots, not 799."""
    return 8.0 if dpi == 203 else dpi / MM_PER_INCH


def geometry(size: str, dpi: int) -> Geometry:
    """Geometry for a size name from LABEL_SIZES at 203 or 300 dpi (150-600 accepted)."""
    if not 150 <= dpi <= 600:
        raise LabelDataError(
            f"不支持的打印精度 {dpi} dpi，请用 203 或 300。",
            f"Unsupported resolution {dpi} dpi; use 203 or 300.",
        )
    if size not in _SIZE_MM:
        raise LabelDataError(
            f"不支持的面单尺寸 {size!r}，可选：{'、'.join(LABEL_SIZES)}。",
            f"Unsupported label size {size!r}; choose one of {', '.join(LABEL_SIZES)}.",
        )
    w_mm, h_mm = _SIZE_MM[size]
    scale = w_mm / BASE_W_MM if h_mm is None else min(w_mm / BASE_W_MM, h_mm / BASE_H_MM)
    width = round(w_mm * dots_per_mm(dpi))
    height = None if h_mm is None else round(h_mm * dots_per_mm(dpi))
    return Geometry(width, height, dpi, scale)


def band_plan(
    geo: Geometry, priority: bool, internal: bool, items_needed: int | None = None
) -> list[tuple[str, int]]:
    """Ordered (band, height in dots) inside the frame. Fixed labels: items fills the rest.

    Continuous paper: items gets `items_needed` dots (at least its minimum).
    """
    inside = None if geo.height is None else geo.height - 2 * (geo.margin + geo.stroke)
    names = ["header", "barcode_internal" if internal else "barcode"]
    if priority:
        names.append("priority")
    names += ["sort", "recipient", "sender", "barcode2", "items", "qr", "footer"]
    plan = [(n, geo.d(BAND_MM[n]) if n != "items" else 0) for n in names]
    items_min = geo.d(BAND_MM["items_min"])
    if inside is None:
        items = max(items_min, items_needed or 0)
    else:
        items = inside - sum(h for _, h in plan)
        if items < items_min:  # squeeze the flexible text bands, never the codes
            short = items_min - items
            plan = [
                (n, h - (short + 2) // 3 if n in ("recipient", "sender", "sort") else h)
                for n, h in plan
            ]
            items = inside - sum(h for _, h in plan)
    return [(n, items if n == "items" else h) for n, h in plan]
