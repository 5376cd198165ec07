"""Plain values in and out of label rendering: no ORM rows, no Qt, nothing mutable to share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image

from packstation.errors import UserError
from packstation.labels.text import TextRun

PRIORITY_MARKS: frozenset[str] = frozenset("京沪穗深杭")
"""City marks of the five priority 2-day cities (北京 上海 广州 深圳 杭州)."""

_BARCODE_PAYLOAD = re.compile(r"[\x21-\x7e]+")
MAX_WAYBILL_LEN = 40
MAX_ORDER_NO_LEN = 64


class LabelDataError(UserError, ValueError):
    """Waybill data that cannot become a scannable label (a barcode payload, not prose).

    Free text is wrapped or cut to fit; barcode payloads are never cut, because a shortened
    number would scan as a different parcel.
    """


@dataclass(frozen=True, slots=True)
class PriorityMark:
    """The priority 2-day mark: city character, promise text and city name."""

    mark: str
    promise: str = "2日达"
    city: str = ""

    def __post_init__(self) -> None:
        if self.mark not in PRIORITY_MARKS:
            raise LabelDataError(
                f"优先标记必须是 京 沪 穗 深 杭 之一，收到 {self.mark!r}。",
                f"Priority mark must be one of 京 沪 穗 深 杭, got {self.mark!r}.",
            )


@dataclass(frozen=True, slots=True)
class WaybillData:
    """Everything printed on one waybill, as plain values.

    `waybill_no` and `order_no` become barcodes and must be printable ASCII (checked
    here); every other field is free text, cleaned and cut to fit when drawn.
    `waybill_is_internal` means the order had no carrier waybill number, so `waybill_no`
    is the shipment id PackStation issued; the label says so in words.
    `sort_text` fills the large sort/destination band (e.g. "浙 杭州 西湖 571-W12").
    Recipient name and phone are given in full and masked by the renderer (already
    masked platform values are kept as they are). An aware `printed_at` is printed in the
    machine's local time zone (a UTC timestamp prints as the bench's wall-clock time);
    a naive one is printed as given.
    `reprint` is 0 for the first label of a parcel and n for its n-th reprint, which the
    header stamps as "重打 n" so a second label is never mistaken for the first.
    """

    carrier: str
    waybill_no: str
    order_no: str
    printed_at: datetime
    sort_text: str = ""
    recipient_name: str = ""
    recipient_phone: str = ""
    recipient_address: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    sender_address: str = ""
    item_summary: str = ""
    remarks: str = ""
    bench: str = ""
    waybill_is_internal: bool = False
    priority: PriorityMark | None = None
    reprint: int = 0

    def __post_init__(self) -> None:
        if self.reprint < 0:
            raise LabelDataError(
                f"重打次数不能为负数：{self.reprint}",
                f"reprint count cannot be negative: {self.reprint}",
            )
        _check_payload("运单号", "waybill number", self.waybill_no, MAX_WAYBILL_LEN)
        _check_payload("订单号", "order number", self.order_no, MAX_ORDER_NO_LEN)


def _check_payload(zh: str, en: str, value: str, max_len: int) -> None:
    """Barcode payloads must be printable ASCII without spaces and short enough to print."""
    if not (0 < len(value) <= max_len and _BARCODE_PAYLOAD.fullmatch(value)):
        raise LabelDataError(
            f"{zh}必须是 1 到 {max_len} 位不含空格的字母数字，收到 {value[:50]!r}。",
            f"The {en} must be 1 to {max_len} printable ASCII characters without spaces, "
            f"got {value[:50]!r}.",
        )


@dataclass(frozen=True, slots=True, eq=False)
class RenderedLabel:
    """A rendered waybill: the 1-bit image the printer and the preview both get.

    `red_bands` are row ranges [start, stop) of the priority block, which two-colour
    printers print in red. `missing_glyphs` are characters of the data the bundled font
    cannot draw; they appear as `□` on the label. `bands` are (name, start, stop) rows of
    every band and `texts` every text line drawn with its ink box, so previews and tests
    can tell what the bitmap says without OCR.
    """

    image: Image.Image
    size: str
    dpi: int
    red_bands: tuple[tuple[int, int], ...] = ()
    missing_glyphs: frozenset[str] = field(default_factory=frozenset)
    bands: tuple[tuple[str, int, int], ...] = ()
    texts: tuple[TextRun, ...] = ()

    def text(self) -> str:
        """Everything printed as text, one line per run, top to bottom."""
        return "\n".join(r.text for r in self.texts)
