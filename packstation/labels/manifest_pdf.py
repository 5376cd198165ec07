"""The A4 handover manifest (交接单) as a PDF for an office laser printer, drawn with fpdf2.

Text is real PDF text in the bundled Noto Sans CJK SC subset (fpdf2 subsets the CFF-flavoured
OTF and embeds it as CIDFontType0C), so the page is small, sharp and searchable. The
manifest number is a Code 128 drawn as vector bars from the same module pattern the labels
use. Everything on the page comes from the `ManifestDocument`; the PDF's dates are the
manifest's own, so rendering a closed manifest again gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from packstation.domain.manifests import DestinationCount, ManifestDocument, Parcel
from packstation.labels.barcodes import CODE128_QUIET_MODULES, bar_runs
from packstation.labels.fonts import font_path

FONT = "noto"
MODULE_MM = 0.33
BAR_HEIGHT_MM = 12.0
ROW_MM = 5.6
_REASONS = {
    "cancelled": "已取消 cancelled",
    "refunded": "已退款 refunded",
    "address_changed": "地址已改 address changed",
    "lines_changed": "商品已改 items changed",
    "changed": "订单已改 changed",
}
# (header zh, header en, width mm) of the parcel table.
_COLUMNS = (("序号", "No.", 16.0), ("运单号", "Waybill", 56.0), ("订单号", "Order", 54.0),
            ("目的地", "Destination", 54.0))


_TABLE_MM = sum(width for _zh, _en, width in _COLUMNS)


class _Page(FPDF):
    """A4 with the manifest number and page count in every footer."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.footer_text}    第 {self.page_no()}/{{nb}} 页 page", align="C")


def render_manifest_pdf(doc: ManifestDocument) -> bytes:
    """The manifest as PDF bytes (A4 portrait)."""
    pdf = _Page(format="A4", unit="mm")
    pdf.set_creation_date(doc.at)
    pdf.set_title(f"交接单 {doc.manifest_no or '草稿'}")
    pdf.set_creator("PackStation")
    pdf.set_producer("PackStation")
    pdf.add_font(FONT, "", str(font_path(False)))  # one face: each face costs ~1 s to subset
    pdf.footer_text = f"{doc.carrier_name} 交接单 {doc.manifest_no or '草稿 DRAFT'}"
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(15, 12, 15)
    pdf.add_page()
    _header(pdf, doc)
    _destinations(pdf, doc.destinations, len(doc.parcels))
    if doc.left_off:
        _left_off(pdf, doc.left_off)
    _signatures(pdf, doc)
    _parcels(pdf, doc)
    return bytes(pdf.output())


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "—"


def _window(doc: ManifestDocument) -> str:
    if doc.packed_since is None and doc.packed_until is None:
        return "全部 all"
    return f"{_local(doc.packed_since)} – {_local(doc.packed_until)}"


def _header(pdf: FPDF, doc: ManifestDocument) -> None:
    pdf.set_font(FONT, "", 18)
    pdf.cell(0, 9, f"{doc.carrier_name} 交接单", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 5, f"Carrier handover manifest · {doc.carrier}", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    if doc.manifest_no:
        _code128(pdf, doc.manifest_no, pdf.l_margin, top)
        pdf.set_xy(pdf.l_margin, top + BAR_HEIGHT_MM + 1)
        pdf.set_font(FONT, "", 12)
        pdf.cell(90, 6, doc.manifest_no)
    else:
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(FONT, "", 16)
        pdf.set_text_color(200, 0, 0)
        pdf.multi_cell(95, 8, "草稿 · 未关闭\nDRAFT · not closed, not a handover record")
        pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 10)
    facts = [
        ("交接时间 Closed", _local(doc.at) if doc.closed else "—"),
        ("制单人 Closed by", doc.closed_by or "—"),
        ("打包时间 Packed", _window(doc)),
        ("包裹数 Parcels", str(len(doc.parcels))),
        ("拦截件 Left off", str(len(doc.left_off))),
    ]
    y = top
    for label, value in facts:
        pdf.set_xy(112, y)
        pdf.cell(38, 5.5, label)
        pdf.cell(0, 5.5, value)
        y += 5.5
    pdf.set_xy(pdf.l_margin, max(y, top + BAR_HEIGHT_MM + 8) + 3)


def _code128(pdf: FPDF, data: str, x: float, y: float) -> None:
    """Vector Code 128: one rectangle per bar, at whole modules of MODULE_MM."""
    left = x + CODE128_QUIET_MODULES * MODULE_MM
    for start, width in bar_runs(data):
        pdf.rect(left + start * MODULE_MM, y, width * MODULE_MM, BAR_HEIGHT_MM, style="F")


def _section(pdf: FPDF, zh: str, en: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "", 12)
    pdf.cell(0, 7, f"{zh}  {en}", border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _destinations(pdf: FPDF, rows: tuple[DestinationCount, ...], total: int) -> None:
    _section(pdf, "按目的地件数（优先城市在前）", "Parcels per destination, priority cities first")
    pdf.set_font(FONT, "", 10)
    for row in rows:
        if row.mark:
            pdf.set_font(FONT, "", 11)
            pdf.set_fill_color(0, 0, 0)
            pdf.set_text_color(255, 255, 255)
            pdf.cell(12, ROW_MM + 0.6, row.mark, align="C", fill=True)
            pdf.set_text_color(0, 0, 0)
            pdf.cell(4, ROW_MM)
            pdf.cell(96, ROW_MM + 0.6, f"{_place(row.province, row.city)}  优先 2日达 priority")
        else:
            pdf.set_font(FONT, "", 10)
            pdf.cell(16, ROW_MM)
            pdf.cell(96, ROW_MM + 0.6, _place(row.province, row.city) or "（未解析 unknown）")
        pdf.cell(30, ROW_MM + 0.6, f"{row.parcels} 件", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.cell(112, ROW_MM + 1, "合计 Total", border="T")
    pdf.cell(30, ROW_MM + 1, f"{total} 件", border="T", align="R", new_x="LMARGIN", new_y="NEXT")


def _place(province: str, city: str) -> str:
    return city if province == city else f"{province}{city}"


def _left_off(pdf: FPDF, parcels: tuple[Parcel, ...]) -> None:
    _section(pdf, "拦截件：不交接，请从包裹堆中取出", "Left off: pull these from the pile")
    pdf.set_font(FONT, "", 10)
    for p in parcels:
        pdf.cell(52, ROW_MM, p.waybill_no)
        pdf.cell(50, ROW_MM, p.order_no)
        pdf.cell(0, ROW_MM, _REASONS.get(p.stop_reason or "", p.stop_reason or ""),
                 new_x="LMARGIN", new_y="NEXT")


def _signatures(pdf: FPDF, doc: ManifestDocument) -> None:
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    _section(pdf, "签字确认", "Signatures")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, f"承运商已点收上列 {len(doc.parcels)} 件包裹。"
                   f"The carrier received the {len(doc.parcels)} parcels listed.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for left, right in (("仓库交接人 Warehouse", "承运商签收人 Carrier driver"),
                        ("日期时间 Date/time", "车牌号 Vehicle plate")):
        pdf.cell(90, 10, f"{left}：", border="B")
        pdf.cell(5, 10)
        pdf.cell(85, 10, f"{right}：", border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def _parcels(pdf: FPDF, doc: ManifestDocument) -> None:
    """The long table, one `text` call per value (fpdf2's `cell` costs ~10x more per call,
    which is seconds over 5,000 parcels)."""
    _section(pdf, "包裹清单", "Parcel list")
    _table_head(pdf)
    pdf.set_font(FONT, "", 9)
    lefts = _column_lefts(pdf)
    bottom = pdf.h - pdf.b_margin
    y = pdf.get_y()
    for n, p in enumerate(doc.parcels, start=1):
        if y + ROW_MM > bottom:
            pdf.add_page()
            _table_head(pdf)
            pdf.set_font(FONT, "", 9)
            y = pdf.get_y()
        place = _place(p.province, p.city)
        mark = doc.mark(p)
        values = (str(n), p.waybill_no, p.order_no, f"{place}  【{mark}】" if mark else place)
        baseline = y + ROW_MM - 1.6
        for x, value in zip(lefts, values, strict=True):
            pdf.text(x + 1, baseline, value)
        pdf.line(pdf.l_margin, y + ROW_MM, pdf.l_margin + _TABLE_MM, y + ROW_MM)
        y += ROW_MM
    pdf.set_y(y)


def _column_lefts(pdf: FPDF) -> list[float]:
    lefts, x = [], pdf.l_margin
    for _zh, _en, width in _COLUMNS:
        lefts.append(x)
        x += width
    return lefts


def _table_head(pdf: FPDF) -> None:
    pdf.set_font(FONT, "", 9)
    y = pdf.get_y()
    for x, (zh, en, _width) in zip(_column_lefts(pdf), _COLUMNS, strict=True):
        pdf.text(x + 1, y + ROW_MM - 1, f"{zh} {en}")
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, y + ROW_MM + 0.5, pdf.l_margin + _TABLE_MM, y + ROW_MM + 0.5)
    pdf.set_line_width(0.2)
    pdf.set_y(y + ROW_MM + 0.5)
