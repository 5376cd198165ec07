"""The shift tools' commands end to end: barcode-readiness (and SKU labels to a printer
file decoded back), manifest (draft, close, identical reprint, the PDF looked at as pages),
staffing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from packstation.printers.decoded import LabelAssembler
from packstation.printers.escpos_parser import EscposParser
from PIL import Image

from packstation.cli import main
from packstation.services.users import add_user
from packstation.storage.database import Database
from tests.factories import MUG, load, order
from tests.integration.helpers import scan_all, station
from tests.integration.test_readiness import BARE


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(db_url: str) -> str:
    db = Database.from_url(db_url)
    load(db, order("C1", MUG, BARE, address="北京市 朝阳区 建国路 88号", waybill_no="YT1"),
         order("C2", MUG, address="四川省 成都市 武侯区 人民南路 1号", waybill_no="YT2"))
    packing = station(db, "A", print_on_completion=False)
    scan_all(packing, "C2", "6930000000028")
    add_user(db, "boss", "supervisor", "1234")
    db.dispose()
    return db_url


def decoded(path: Path) -> list[Image.Image]:
    parser, assembler = EscposParser(), LabelAssembler()
    labels = assembler.add(parser.feed(path.read_bytes()))
    return [label.image for label in labels]


def test_readiness_lists_and_prints_labels_that_scan(
    shop: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--db", shop, "barcode-readiness", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [(s["sku"], s["problems"], s["waiting_units"]) for s in doc["skus"]] == [
        ("BARE-01", ["no_barcode"], 3)
    ]
    target = tmp_path / "labels.bin"
    code, out, err = run(capsys, "--db", shop, "barcode-readiness", "--print-labels",
                         "--printer", f"file:{target}", "--size", "76x130",
                         "--supervisor", "boss", "--pin", "1234", "--json")
    assert code == 0, err
    assert json.loads(out)["printed"] == [
        {"sku": "BARE-01", "printed": 3, "barcode_recorded": False}
    ]
    images = decoded(target)
    assert len(images) == 3  # one per waiting unit
    assert {r.text for r in zxingcpp.read_barcodes(images[0].convert("L"))} == {"BARE-01"}
    code, out, _ = run(capsys, "--db", shop, "barcode-readiness", "--json")
    assert json.loads(out)["skus"] == []


def test_readiness_labels_need_a_supervisor(
    shop: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", shop, "barcode-readiness", "--print-labels",
                       "--printer", f"file:{tmp_path / 'x.bin'}", "--supervisor", "boss",
                       "--pin", "9999")
    assert code == 1 and "需要主管" in err and "supervisor" in err
    assert not (tmp_path / "x.bin").exists()


def test_manifest_close_and_reprint_give_the_same_pdf(
    shop: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    draft = tmp_path / "draft.pdf"
    code, out, err = run(capsys, "--db", shop, "manifest", "--carrier", "YTO",
                         "--out", str(draft), "--json")
    assert code == 0, err
    assert json.loads(out)["closed"] is False and draft.read_bytes().startswith(b"%PDF")
    closed, again = tmp_path / "closed.pdf", tmp_path / "again.pdf"
    code, out, err = run(capsys, "--db", shop, "manifest", "--carrier", "YTO", "--close",
                         "--supervisor", "boss", "--pin", "1234", "--out", str(closed), "--json")
    assert code == 0, err
    number = json.loads(out)["manifest_no"]
    assert [p["order_no"] for p in json.loads(out)["parcels"]] == ["C2"]
    code, _, err = run(capsys, "--db", shop, "manifest", "--reprint", number, "--out", str(again))
    assert code == 0, err
    assert closed.read_bytes() == again.read_bytes()
    fonts = subprocess.run(["pdffonts", str(closed)], capture_output=True, text=True,
                           check=True).stdout
    assert "NotoSansCJKSC" in fonts and "CID Type 0C" in fonts and " yes yes yes " in fonts
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(closed),
                    str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert number in {r.text for r in zxingcpp.read_barcodes(page)}
    text = subprocess.run(["pdftotext", str(closed), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "圆通速递 交接单" in text and "YT2" in text and "签字确认" in text


def test_manifest_thermal_summary_prints_on_the_bench_printer(
    shop: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "slip.bin"
    code, _, err = run(capsys, "--db", shop, "manifest", "--carrier", "YTO", "--close",
                       "--supervisor", "boss", "--pin", "1234", "--printer", f"file:{target}")
    assert code == 0, err
    (slip,) = decoded(target)
    read = zxingcpp.read_barcodes(slip.convert("L"))
    assert [r.text[:2] for r in read] == ["MF"]


def test_manifest_errors_are_one_clear_line(
    shop: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", shop, "manifest", "--carrier", "SF", "--close",
                       "--supervisor", "boss", "--pin", "1234")
    assert code == 1 and "没有待交接的包裹" in err and "no parcels" in err
    code, _, err = run(capsys, "--db", shop, "manifest", "--reprint", "MF1")
    assert code == 1 and "no manifest MF1" in err
    code, _, err = run(capsys, "--db", shop, "manifest", "--carrier", "YTO",
                       "--out", str(tmp_path / "x.png"))
    assert code == 1 and ".pdf" in err


def test_staffing_json_and_a_bad_cutoff(shop: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", shop, "staffing", "--cutoff", "23:59", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["orders_waiting"] == 1 and doc["priority_by_city"] == {"beijing": 1}
    assert doc["packed_last_hour"] == 1 and doc["active_benches"] == 1
    assert doc["all"]["benches_needed"] is not None or "cutoff_passed" in doc["warnings"]
    code, _, err = run(capsys, "--db", shop, "staffing", "--cutoff", "25:00")
    assert code == 1 and "invalid cutoff" in err
