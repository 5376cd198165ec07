"""Waybill data → one 1-bit label bitmap, band by band (see layout.py for the plan).

The same bitmap is the on-screen preview and the printer's raster, so everything is drawn
in whole dots: barcodes at integer module widths, text anti-aliased then thresholded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from packstation.labels import barcodes
from packstation.labels.layout import Geometry, band_plan, geometry
from packstation.labels.masking import mask_name, mask_phone
from packstation.labels.model import LabelDataError, PriorityMark, RenderedLabel, WaybillData
from packstation.labels.text import BLACK, LINE_GAP, WHITE, Canvas, sanitize

_GROUPABLE = re.compile(r"([A-Za-z]{0,4})(\d+)")
INTERNAL_NOTE = "内部单号·非承运商运单号 / internal shipment id, not a carrier number"
INTERNAL_TAG = "内部单号"
INSPECTED = "已验视"
CONTINUOUS_MAX_ITEM_LINES = 12


def render_waybill(data: WaybillData, size: str = "100x150", dpi: int = 203) -> RenderedLabel:
    """Render one waybill at a size from LABEL_SIZES and 203/300 dpi.

    Free text never raises and never leaves its band; glyphs the bundled font lacks are
    drawn as □ and listed in `missing_glyphs`. Barcode payloads are validated by
    WaybillData; a payload too long for the label width raises LabelDataError.
    """
    geo = geometry(size, dpi)
    scratch = Canvas(geo.width, 1)  # measures text before the height is known
    items_needed = None
    if geo.height is None:
        items_needed = _items_height(scratch, data, geo, CONTINUOUS_MAX_ITEM_LINES)
    plan = band_plan(geo, data.priority is not None, data.waybill_is_internal, items_needed)
    height = geo.height or sum(h for _, h in plan) + 2 * (geo.margin + geo.stroke)
    canvas = Canvas(geo.width, height)
    canvas.missing |= scratch.missing

    m, t = geo.margin, geo.stroke
    red: list[tuple[int, int]] = []
    bands: list[tuple[str, int, int]] = []
    y = m + t
    for n, (name, h) in enumerate(plan):
        if name == "priority":
            red.append((y, y + h))
        bands.append((name, y, y + h))
        canvas.band = name
        _PAINTERS[name](canvas, data, geo, y, h)
        y += h
        if n < len(plan) - 1:
            canvas.rule(m, y - t // 2, geo.width - 1 - m, y - t // 2 + t - 1)
    _frame(canvas, m, m, geo.width - 1 - m, height - 1 - m, t)
    return RenderedLabel(
        image=canvas.to_1bit(),
        size=size,
        dpi=dpi,
        red_bands=tuple(red),
        missing_glyphs=frozenset(canvas.missing),
        bands=tuple(bands),
        texts=tuple(canvas.runs),
    )


def warm_up(size: str = "100x150", dpi: int = 203) -> None:
    """Load the fonts and fill the glyph cache with one throw-away label.

    The first render in a process costs ~70 ms (font files, FreeType set-up, cold glyph
    cache); call this at application start so the first packed parcel does not pay it.
    """
    render_waybill(_WARM_UP, size, dpi)


_WARM_UP = WaybillData(
    carrier="快递",
    waybill_no="0123456789",
    order_no="ABC0123456789",
    bench="0",
    printed_at=datetime(2000, 1, 1),
    sort_text="京沪穗深杭 0123456789-",
    recipient_name="张",
    recipient_phone="13800000000",
    recipient_address="省市区县镇乡街道路号楼室栋单元层0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    sender_name="店",
    sender_phone="0571-00000000",
    sender_address="省市区路号仓",
    item_summary="×件个0123456789",
    remarks="备注",
    priority=PriorityMark("京", city="北京"),
)


def _frame(c: Canvas, x0: int, y0: int, x1: int, y1: int, t: int) -> None:
    c.rule(x0, y0, x1, y0 + t - 1)
    c.rule(x0, y1 - t + 1, x1, y1)
    c.rule(x0, y0, x0 + t - 1, y1)
    c.rule(x1 - t + 1, y0, x1, y1)


def _inner(geo: Geometry) -> tuple[int, int]:
    """Left and right x of the content area inside the frame and its padding."""
    edge = geo.margin + geo.stroke + geo.pad
    return edge, geo.width - 1 - edge


def _header(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    x0, x1 = _inner(geo)
    px = geo.d(5.5)
    tag_px = geo.d(3.0)
    tag = INTERNAL_TAG if d.waybill_is_internal else INSPECTED
    tag_w = round(c.text_width(tag, tag_px, True)) + 2 * geo.d(1.0)
    carrier = c.printable(d.carrier, 40) or "快递"
    c.line(x0, y + (h - px) // 2, carrier, px, bold=True, max_width=x1 - x0 - tag_w - geo.pad)
    # the tag sits in an outlined box, like the 已验视 stamp on real waybills
    bx0, by0 = x1 - tag_w, y + (h - tag_px) // 2 - geo.d(0.8)
    by1 = by0 + tag_px + 2 * geo.d(0.8)
    c.rule(bx0, by0, x1, by1)
    c.rule(bx0 + geo.stroke, by0 + geo.stroke, x1 - geo.stroke, by1 - geo.stroke, WHITE)
    c.line((bx0 + x1) // 2, y + (h - tag_px) // 2, tag, tag_px, bold=True, align="m")


def _code128_band(
    c: Canvas,
    d: WaybillData,
    geo: Geometry,
    y: int,
    h: int,
    max_module_mm: float,
    text_px: int,
    note: str,
) -> None:
    """A waybill Code 128 centred in the band with its number (and note) below it."""
    left = geo.margin + geo.stroke + 1
    right = geo.width - geo.margin - geo.stroke - 1
    fit = barcodes.fit_code128(d.waybill_no, right - left, geo.phys(max_module_mm))
    if fit is None:
        raise LabelDataError(
            f"运单号 {d.waybill_no} 太长，无法在此尺寸的面单上打印成可扫描的条码。",
            f"Waybill number {d.waybill_no} is too long for a scannable barcode at this size.",
        )
    note_px = geo.d(2.3)
    text_h = text_px + geo.d(0.8) + (note_px + geo.d(0.6) if note else 0)
    bar_h = h - 2 * geo.d(1.2) - text_h
    x = left + (right - left - fit.width) // 2
    barcodes.draw_code128(c.draw, d.waybill_no, x, y + geo.d(1.2), fit.module, bar_h)
    ty = y + geo.d(1.2) + bar_h + geo.d(0.8)
    label = f"{INTERNAL_TAG} {d.waybill_no}" if d.waybill_is_internal else d.waybill_no
    x0, x1 = _inner(geo)
    c.line(geo.width // 2, ty, _spaced(label), text_px, bold=True, align="m", max_width=x1 - x0)
    if note:
        npx = c.fit_px(note, note_px, geo.d(1.6), False, x1 - x0)
        c.line(geo.width // 2, ty + text_px + geo.d(0.6), note, npx, align="m", max_width=x1 - x0)


def _spaced(number: str) -> str:
    """Group long digit runs in fours for reading aloud: SF1234567890123 → SF 1234 5678 9012 3.

    Numbers with other punctuation, or short ones, are printed exactly as given.
    """
    m = _GROUPABLE.fullmatch(number)
    if not m or len(m.group(2)) <= 8:
        return number
    digits = m.group(2)
    groups = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    return f"{m.group(1)} {groups}".strip()


def _barcode(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    note = INTERNAL_NOTE if d.waybill_is_internal else ""
    _code128_band(c, d, geo, y, h, 0.5, geo.d(3.4), note)


def _barcode2(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    _code128_band(c, d, geo, y, h, 0.375, geo.d(2.6), "")


def _priority(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    """White on black, full width: the parcel sorts as priority at a glance (red on 2-colour)."""
    p = d.priority
    if p is None:
        return
    c.rule(geo.margin, y, geo.width - 1 - geo.margin, y + h - 1, BLACK)
    x0, x1 = _inner(geo)
    pad = geo.d(1.2)
    side = h - 2 * pad
    # the city mark in a white-outlined square
    s = max(2, geo.stroke)
    c.rule(x0, y + pad, x0 + side - 1, y + pad + side - 1, WHITE)
    c.rule(x0 + s, y + pad + s, x0 + side - 1 - s, y + pad + side - 1 - s, BLACK)
    mark_px = round(side * 0.78)
    c.line(
        x0 + side // 2,
        y + pad + (side - mark_px) // 2,
        p.mark,
        mark_px,
        bold=True,
        fill=WHITE,
        align="m",
    )
    tx = x0 + side + geo.d(2.5)
    promise = c.printable(p.promise, 12) or "优先"
    promise_px = c.fit_px(promise, round(h * 0.46), geo.d(4), True, x1 - tx)
    c.line(tx, y + pad, promise, promise_px, bold=True, fill=WHITE, max_width=x1 - tx)
    city = c.printable(p.city, 12)
    sub = f"{city} 优先件 PRIORITY" if city else "优先件 PRIORITY"
    sub_px = round(h * 0.22)
    c.line(tx, y + h - pad - sub_px, sub, sub_px, bold=True, fill=WHITE, max_width=x1 - tx)
    star_px = round(h * 0.5)
    star_w = c.text_width("★", star_px, True)
    if tx + c.text_width(promise, promise_px, True) + star_w + geo.d(3) < x1:
        c.line(x1, y + pad, "★", star_px, bold=True, fill=WHITE, align="r")


def _sort(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    x0, x1 = _inner(geo)
    text = c.printable(d.sort_text, 40)
    px = c.fit_px(text, min(geo.d(9.0), h - 2 * geo.d(1.0)), geo.d(4.5), True, x1 - x0)
    c.line(geo.width // 2, y + (h - px) // 2, text, px, bold=True, align="m", max_width=x1 - x0)


def _party(
    c: Canvas,
    geo: Geometry,
    y: int,
    h: int,
    tag: str,
    head: str,
    address: str,
    head_px: int,
    addr_px: int,
    head_bold: bool,
) -> None:
    """收/寄 block: tag in a left column, name + phone line, wrapped address below."""
    m, t = geo.margin, geo.stroke
    col = geo.d(8.0)
    c.rule(m + col, y, m + col + t - 1, y + h - 1)
    tag_px = min(geo.d(6.0), h - 2 * geo.d(1.0))
    c.line(m + t + (col - t) // 2, y + (h - tag_px) // 2, tag, tag_px, bold=True, align="m")
    x0, x1 = m + col + t + geo.pad, _inner(geo)[1]
    top = y + geo.d(1.2)
    c.line(x0, top, head, head_px, bold=head_bold, max_width=x1 - x0)
    top += head_px + geo.d(1.0)
    c.paragraph(x0, top, address, addr_px, False, x1 - x0, y + h - geo.d(0.8) - top)


def _recipient(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    name = c.checked(mask_name(sanitize(d.recipient_name, 40)))
    phone = c.checked(mask_phone(sanitize(d.recipient_phone, 40)))
    head = f"{name}  {phone}".strip()
    _party(c, geo, y, h, "收", head, c.printable(d.recipient_address), geo.d(4.2), geo.d(3.4), True)


def _sender(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    head = f"{c.printable(d.sender_name, 40)}  {c.printable(d.sender_phone, 40)}".strip()
    _party(c, geo, y, h, "寄", head, c.printable(d.sender_address), geo.d(3.0), geo.d(2.7), True)


def _items_paragraphs(c: Canvas, d: WaybillData) -> list[str]:
    out = []
    if d.item_summary:
        out.append("品名：" + c.printable(d.item_summary))
    if d.remarks:
        out.append("备注：" + c.printable(d.remarks))
    return out


def _items_height(c: Canvas, d: WaybillData, geo: Geometry, max_lines: int) -> int:
    """Height the item/remarks band needs on continuous paper (at most max_lines lines)."""
    px = geo.d(3.0)
    x0, x1 = _inner(geo)
    lines = sum(len(c.wrap(p, px, False, x1 - x0, max_lines)) for p in _items_paragraphs(c, d))
    return 2 * geo.d(1.2) + max(1, min(lines, max_lines)) * round(px * (1 + LINE_GAP))


def _items(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    """Item summary, then remarks on their own line; remarks keep at least one line."""
    x0, x1 = _inner(geo)
    pad, px = geo.d(1.2), geo.d(3.0)
    paragraphs = _items_paragraphs(c, d)
    top, bottom = y + pad, y + h - pad
    for n, text in enumerate(paragraphs):
        reserve = round(px * (1 + LINE_GAP)) if n < len(paragraphs) - 1 else 0
        used = c.paragraph(x0, top, text, px, False, x1 - x0, bottom - top - reserve)
        top += used + round(px * LINE_GAP) if used else 0


def _qr(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    x0 = _inner(geo)[0]
    right = geo.width - geo.margin - geo.stroke - 1
    module = barcodes.fit_qr(d.order_no, h - 2, geo.phys(0.5))
    if module < 1:  # cannot happen for a valid order number; never drop the QR silently
        raise LabelDataError(
            f"订单号 {d.order_no} 太长，二维码放不下。",
            f"Order number {d.order_no} is too long for the QR code on this label.",
        )
    side = barcodes.qr_size(d.order_no, module)
    barcodes.draw_qr(c.draw, d.order_no, right - side, y + (h - side) // 2, module)
    label_px, no_px = geo.d(2.6), geo.d(3.4)
    top = y + geo.d(1.5)
    width = right - side - x0
    c.line(x0, top, "订单号 Order No.", label_px, max_width=width)
    top += label_px + geo.d(1.0)
    used = c.paragraph(x0, top, d.order_no, no_px, True, width, h // 2, max_lines=2)
    top += used + geo.d(1.5)
    c.paragraph(
        x0, top, "扫码核对订单 · 签收前请验货", label_px, False, width, y + h - top - geo.d(1.0)
    )


def _footer(c: Canvas, d: WaybillData, geo: Geometry, y: int, h: int) -> None:
    x0, x1 = _inner(geo)
    px = min(geo.d(2.6), h - 2)
    top = y + (h - px) // 2
    at = d.printed_at.astimezone() if d.printed_at.tzinfo else d.printed_at  # bench's clock
    when = at.strftime("%Y-%m-%d %H:%M")
    bench = c.printable(d.bench, 24)
    right = f"工作台 {bench}" if bench else ""
    rw = c.line(x1, top, right, px, align="r", max_width=(x1 - x0) // 2)
    c.line(x0, top, f"打印时间 {when}", px, max_width=x1 - x0 - rw - geo.pad)


_Painter = Callable[[Canvas, WaybillData, Geometry, int, int], None]
_PAINTERS: dict[str, _Painter] = {
    "header": _header,
    "barcode": _barcode,
    "barcode_internal": _barcode,
    "priority": _priority,
    "sort": _sort,
    "recipient": _recipient,
    "sender": _sender,
    "barcode2": _barcode2,
    "items": _items,
    "qr": _qr,
    "footer": _footer,
}
