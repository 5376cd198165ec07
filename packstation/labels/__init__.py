"""Waybill labels: plain waybill data → one 1-bit bitmap (Pillow), no Qt, no printers.

    from packstation.labels import WaybillData, PriorityMark, render_waybill
    label = render_waybill(data, size="100x150", dpi=203)
    label.image            # PIL mode "1", what the printer and the preview get
    label.red_bands        # rows of the priority block, for two-colour printers
    label.missing_glyphs   # characters the bundled font cannot draw (shown as □)

Call `warm_up()` once at start-up to load the fonts before the first parcel; the Qt app
registers the same font files with `QFontDatabase.addApplicationFont(str(font_path()))`.
"""

from packstation.labels.fonts import font_path, font_paths
from packstation.labels.layout import LABEL_SIZES
from packstation.labels.masking import mask_name, mask_phone
from packstation.labels.model import (
    PRIORITY_MARKS,
    LabelDataError,
    PriorityMark,
    RenderedLabel,
    WaybillData,
)
from packstation.labels.render import render_waybill, warm_up

__all__ = [
    "LABEL_SIZES",
    "PRIORITY_MARKS",
    "LabelDataError",
    "PriorityMark",
    "RenderedLabel",
    "WaybillData",
    "font_path",
    "font_paths",
    "mask_name",
    "mask_phone",
    "render_waybill",
    "warm_up",
]
