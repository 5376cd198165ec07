"""The short thermal summary of a manifest (80 mm receipt paper): what the driver signs at
the bench when no office printer is near. Manifest number as Code 128, parcels per
destination with the priority cities marked, the parcels to pull, signature lines."""

from __future__ import annotations

from PIL import Image

from packstation.domain.manifests import ManifestDocument
from packstation.labels.barcodes import draw_code128, fit_code128
from packstation.labels.layout import geometry
from packstation.labels.text import Canvas

MAX_LINES_LEFT_OFF = 30  # beyond this the A4 manifest lists them; the slip says how many


def render_manifest_summary(doc: ManifestDocument, dpi: int = 203) -> Image.Image:
    """The slip as a 1-bit image, as tall as its content."""
    geo = geometry("80", dpi)
    w = geo.width
    px, big = geo.phys(3.2), geo.phys(5.0)
    step = round(px * 1.35)
    rows = 14 + len(doc.destinations) + min(len(doc.left_off), MAX_LINES_LEFT_OFF)
    canvas = Canvas(w, rows * step + geo.phys(60))
    x, y = geo.phys(2), geo.phys(2)
    canvas.line(x, y, canvas.printable(f"{doc.carrier_name} 交接单"), big, bold=True)
    y += round(big * 1.4)
    if doc.manifest_no:
        fit = fit_code128(doc.manifest_no, w - 2 * x, geo.phys(0.375))
        if fit is not None:
            bar_h = geo.phys(12)
            draw_code128(canvas.draw, doc.manifest_no, x, y, fit.module, bar_h)
            y += bar_h + geo.phys(1)
        canvas.line(x, y, doc.manifest_no, px, bold=True)
    else:
        canvas.line(x, y, "草稿 未关闭 DRAFT", big, bold=True)
    y += step
    closed = doc.at.astimezone().strftime("%Y-%m-%d %H:%M")
    for text in (f"交接时间 {closed}" if doc.closed else "", f"制单 {doc.closed_by or '—'}",
                 f"包裹 {len(doc.parcels)} 件   拦截 {len(doc.left_off)} 件"):
        if text:
            canvas.line(x, y, canvas.printable(text), px)
            y += step
    y += geo.phys(1)
    canvas.rule(x, y, w - x, y + 1)
    y += geo.phys(1.5)
    for row in doc.destinations:
        place = row.city if row.province == row.city else f"{row.province}{row.city}"
        label = f"【{row.mark}】{place}" if row.mark else f"    {place}"
        canvas.line(x, y, canvas.printable(label), px, bold=bool(row.mark), max_width=w * 2 // 3)
        canvas.line(w - x, y, f"{row.parcels} 件", px, bold=bool(row.mark), align="r")
        y += step
    if doc.left_off:
        y += geo.phys(1)
        canvas.line(x, y, "拦截件（请取出，不交接）", px, bold=True)
        y += step
        for parcel in doc.left_off[:MAX_LINES_LEFT_OFF]:
            canvas.line(x, y, f"{parcel.waybill_no}  {parcel.order_no}", px)
            y += step
        if len(doc.left_off) > MAX_LINES_LEFT_OFF:
            canvas.line(x, y, f"另 {len(doc.left_off) - MAX_LINES_LEFT_OFF} 件见 A4 交接单", px)
            y += step
    for who in ("仓库交接人", "承运商签收"):
        y += geo.phys(8)
        canvas.line(x, y, f"{who}：", px)
        canvas.rule(x + round(canvas.text_width(f"{who}：", px)), y + px, w - x, y + px + 1)
        y += step
    return canvas.to_1bit().crop((0, 0, w, y + geo.phys(4)))
