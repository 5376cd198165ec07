"""The fast XLSX reader on a hand-built workbook: every cell kind platform exports contain."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from packstation.importers import parse_files, xlsx
from packstation.importers.reading import _open_xlsx_openpyxl, open_table
from tests.importers.conftest import GENERIC_HEADER, WriteXlsx, generic_row

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}">
  <bookViews><workbookView activeTab="1"/></bookViews>
  <sheets><sheet name="说明" sheetId="1" r:id="rId1"/>
          <sheet name="订单" sheetId="2" r:id="rId2"/></sheets>
</workbook>"""
RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}">
  <Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>
  <Relationship Id="rId2" Type="worksheet" Target="/xl/worksheets/sheet2.xml"/>
</Relationships>"""
STRINGS = f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{MAIN}">
  <si><t>sku</t></si>
  <si><r><t>ti</t></r><r><rPr/><t>tle</t></r><rPh><t>タイトル</t></rPh></si>
</sst>"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
  <numFmts><numFmt numFmtId="164" formatCode="yyyy/mm/dd hh:mm"/>
           <numFmt numFmtId="165" formatCode="&quot;No.&quot;0"/></numFmts>
  <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>
</styleSheet>"""
DECOY = f"""<worksheet xmlns="{MAIN}"><sheetData>
  <row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row>
</sheetData></worksheet>"""
SHEET = f"""<worksheet xmlns="{MAIN}"><dimension ref="A1:D5"/><sheetData>
  <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>
    <c r="C1" t="inlineStr"><is><t>barcodes</t></is></c>
    <c r="D1" t="inlineStr"><is><t>when</t></is></c></row>
  <row r="3"><c r="A3"><v>6901234567892</v></c><c r="B3" t="str"><f>A1</f><v>杯子</v></c>
    <c r="D3" s="2"><v>45607.5</v></c></row>
  <row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="e"><v>#N/A</v></c>
    <c r="D4" s="3"><v>3.4123456789012301E+18</v></c></row>
  <row r="5"><c r="A5" s="1"><v>45607</v></c><c r="C5"/><c r="D5"><v>-12</v></c></row>
</sheetData></worksheet>"""


def build(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/sharedStrings.xml", STRINGS)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", DECOY)
        archive.writestr("xl/worksheets/sheet2.xml", SHEET)
    return path


def test_fast_reader_handles_every_cell_kind_and_keeps_sheet_row_numbers(tmp_path: Path) -> None:
    table = open_table(build(tmp_path / "orders.xlsx"))
    assert table.encoding == "xlsx"
    assert table.headers == ["sku", "title", "barcodes", "when"]  # active sheet, rich text
    assert table.estimated_rows == 5
    half_day = dt.datetime(1899, 12, 30) + dt.timedelta(days=45607.5)
    day = dt.datetime(1899, 12, 30) + dt.timedelta(days=45607)
    assert list(table.rows) == [
        (3, ["6901234567892", "杯子", "", half_day.isoformat(sep=" ")]),
        (4, ["TRUE", "#N/A", "", "3.41234567890123E+18"]),
        (5, [day.isoformat(sep=" "), "", "", "-12"]),
    ]


def test_workbooks_the_fast_reader_cannot_map_go_through_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_xlsx: WriteXlsx
) -> None:
    def refuse(data: bytes, cell_text: object) -> None:
        raise xlsx.XlsxLayoutError("odd layout")

    monkeypatch.setattr(xlsx, "open_sheet", refuse)
    [parsed] = parse_files([write_xlsx([GENERIC_HEADER, generic_row("A1")])])
    assert [o.order_no for o in parsed.orders] == ["A1"]


def test_fast_and_openpyxl_readers_agree_on_a_generated_export(write_xlsx: WriteXlsx) -> None:
    rows: list[list[object]] = [list(GENERIC_HEADER)]
    for i in range(50):
        row: list[object] = list(generic_row(f"A{i}", title=f"杯子 {i}"))
        row[4], row[13] = 13800000000 + i, (i % 3) + 1
        rows.append(row)
    path = write_xlsx(rows)
    fast = open_table(path)
    slow = _open_xlsx_openpyxl(path, path.read_bytes())
    assert fast.headers == slow.headers
    assert list(fast.rows) == list(slow.rows)
