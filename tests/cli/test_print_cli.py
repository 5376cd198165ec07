"""The print commands as scripts use them: label, print-test, print-queue, print-batch,
print-job and printer-emulator, against real files, the mock and the TCP emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from packstation.printers.decoded import LabelAssembler
from packstation.printers.emulator import PrinterEmulator
from packstation.printers.escpos_parser import EscposParser
from PIL import Image, ImageChops

from packstation.cli import main
from tests.integration.helpers import LineReader

GENERIC = Path(__file__).resolve().parents[1] / "data" / "orders_generic.csv"
T1001_WAYBILL = "YT7000000000011"
T1001_SCANS = ("6901234567892", "6920000000012", "6920000000012")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def codes(image: Image.Image) -> set[tuple[str, str]]:
    return {(r.format.name, r.text) for r in zxingcpp.read_barcodes(image.convert("L"))}


@pytest.fixture
def imported(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = run(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    assert code == 0, err
    return db_url


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    emu = PrinterEmulator("127.0.0.1", 0, tmp_path / "emulated").start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.mark.parametrize("dpi", ["203", "300"])
@pytest.mark.parametrize("size", ["76x130", "100x150", "100x180"])
def test_label_png_is_the_bitmap_and_its_codes_read_back(
    imported: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, size: str, dpi: str
) -> None:
    out = tmp_path / "label.png"
    code, stdout, err = run(
        capsys, "--db", imported, "label", "T1001", "--out", str(out), "--size", size, "--dpi", dpi
    )
    assert code == 0, err
    assert str(out) in stdout
    with Image.open(out) as img:
        width_mm = int(size.split("x")[0])
        expected_width = width_mm * 8 if dpi == "203" else round(width_mm * 300 / 25.4)
        assert img.width == expected_width
        assert codes(img) == {("Code128", T1001_WAYBILL), ("QRCode", "T1001")}


def test_label_bin_is_escpos_that_decodes_to_the_same_bitmap(
    imported: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    png, raw = tmp_path / "l.png", tmp_path / "l.bin"
    for out in (png, raw):
        code, _, err = run(capsys, "--db", imported, "label", "T1001", "--out", str(out))
        assert code == 0, err
    parser, assembler = EscposParser(), LabelAssembler()
    labels = assembler.add(parser.feed(raw.read_bytes()))
    assert len(labels) == 1 and labels[0].cut and parser.pending == 0
    decoded = labels[0].image
    with Image.open(png) as img:
        bitmap = img.convert("1")
    assert decoded.crop((0, 0, *bitmap.size)).size == bitmap.size
    diff = ImageChops.difference(
        decoded.crop((0, 0, *bitmap.size)).convert("L"), bitmap.convert("L")
    )
    assert diff.getbbox() is None  # same dots, up to the printed minute (same within a test)
    assert codes(decoded) == {("Code128", T1001_WAYBILL), ("QRCode", "T1001")}


def test_label_errors_are_one_line_and_non_zero(
    imported: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", imported, "label", "NOPE", "--out", str(tmp_path / "x.png"))
    assert code == 1 and "找不到订单" in err and "order not found" in err
    code, _, err = run(capsys, "--db", imported, "label", "T1001", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and ".png" in err and not (tmp_path / "x.pdf").exists()


def test_print_test_on_the_emulator_prints_a_readable_label_and_reports_status(
    capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    code, out, err = run(capsys, "print-test", "--printer", emulator.spec, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["printed"] is True and doc["status"] == "ready" and doc["acknowledged"] is True
    assert emulator.wait_for_labels(1, timeout=10)
    assert codes(emulator.labels[0].image) == {
        ("Code128", doc["waybill_no"]),
        ("QRCode", "PRINT-TEST"),
    }
    assert len(emulator.saved) == 1 and emulator.saved[0].exists()


def test_print_test_reports_a_fault_in_both_languages(
    capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    emulator.set_fault("paper_end")
    code, _, err = run(capsys, "print-test", "--printer", emulator.spec)
    assert code == 1 and "缺纸" in err and "out of paper" in err
    assert len(emulator.labels) == 0
    code, out, err = run(capsys, "print-test", "--printer", "mock")
    assert code == 0 and "test label sent" in out, err
    code, _, err = run(capsys, "print-test", "--printer", "bogus:thing")
    assert code == 1 and "bogus:thing" in err


def test_pack_with_a_printer_prints_its_label_on_the_emulator_once(
    imported: str, capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    scans = [a for s in T1001_SCANS for a in ("--scan", s)]
    code, out, err = run(
        capsys, "--db", imported, "pack", "T1001", "--printer", emulator.spec, "--json", *scans
    )
    assert code == 0, err
    job = json.loads(out)["print_job"]
    assert job["state"] == "printed" and job["printer"] == emulator.spec
    assert emulator.wait_for_labels(1, timeout=10)
    assert ("Code128", T1001_WAYBILL) in codes(emulator.labels[0].image)
    code, out, _ = run(capsys, "--db", imported, "print-queue", "--once", "--json")
    assert json.loads(out)["jobs"] == [] and len(emulator.labels) == 1


def test_print_batch_prints_in_sort_order_and_only_once(
    imported: str, capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    argv = ("--db", imported, "print-batch", "--printer", emulator.spec, "--json")
    code, out, err = run(capsys, *argv, "--sort", "order_no")
    assert code == 0, err
    doc = json.loads(out)
    order_nos = [e["order_no"] for e in doc["queued"]]
    assert order_nos == sorted(order_nos) and doc["printed"] == len(order_nos) > 1
    assert emulator.wait_for_labels(len(order_nos), timeout=20)
    qr = [t for label in emulator.labels for f, t in codes(label.image) if f == "QRCode"]
    assert qr == order_nos
    code, out, _ = run(capsys, *argv)
    assert code == 0 and json.loads(out) == {"queued": [], "printed": 0, "failed": 0}


def test_print_job_reprint_and_void_need_the_supervisor_pin(
    imported: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", imported)
    assert run(capsys, *db, "user", "add", "boss", "--role", "supervisor", "--pin", "2468")[0] == 0
    code, _, err = run(
        capsys, *db, "print-job", "reprint", "T1001", "--supervisor", "boss", "--pin", "2468"
    )
    assert code == 1 and "从未打包" in err and "never packed" in err
    scans = [a for s in T1001_SCANS for a in ("--scan", s)]
    code, _, err = run(capsys, *db, "pack", "T1001", "--pre-printed", *scans)
    assert code == 0, err
    code, _, err = run(
        capsys, *db, "print-job", "reprint", "T1001", "--supervisor", "boss", "--pin", "1111"
    )
    assert code == 1 and "PIN" in err
    code, out, err = run(
        capsys,
        *db,
        "print-job",
        "reprint",
        "T1001",
        "--supervisor",
        "boss",
        "--pin",
        "2468",
        "--printer",
        "mock",
    )
    assert code == 0, err
    code, out, _ = run(capsys, *db, "print-job", "list", "--json")
    jobs = json.loads(out)["jobs"]
    assert [(j["order_no"], j["reason"], j["state"]) for j in jobs] == [
        ("T1001", "reprint", "pending")
    ]
    code, _, err = run(
        capsys,
        *db,
        "print-job",
        "void",
        str(jobs[0]["id"]),
        "--supervisor",
        "boss",
        "--pin",
        "2468",
    )
    assert code == 0, err
    code, out, _ = run(capsys, *db, "print-job", "list", "--json")
    assert json.loads(out)["jobs"] == []


def test_printer_emulator_command_serves_saves_and_stops_on_ctrl_c(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save = tmp_path / "pngs"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packstation",
            "printer-emulator",
            "--port",
            "0",
            "--save",
            str(save),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = LineReader(proc)
        first = lines.next(timeout=30)
        spec = next(word for word in first.split() if word.startswith("tcp:"))
        code, _, err = run(capsys, "print-test", "--printer", spec)
        assert code == 0, err
        assert "label 1" in lines.next(timeout=30)
        saved = list(save.glob("*.png"))
        assert len(saved) == 1
        with Image.open(saved[0]) as img:
            assert ("QRCode", "PRINT-TEST") in codes(img)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_printer_emulator_rejects_an_unknown_fault(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "printer-emulator", "--port", "0", "--fault", "gremlins")
    assert code == 1 and "gremlins" in err


def test_print_queue_runs_until_ctrl_c_and_finishes_cleanly(
    imported: str, capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    scans = [a for s in T1001_SCANS for a in ("--scan", s)]
    code, _, err = run(capsys, "--db", imported, "pack", "T1001", "--bench", "B1", *scans)
    assert code == 0, err
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packstation",
            "--db",
            imported,
            "print-queue",
            "--bench",
            "B1",
            "--printer",
            emulator.spec,
            "--interval",
            "0.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = LineReader(proc)
        assert "print worker running" in lines.next(timeout=30)
        assert "T1001 → printed" in lines.next(timeout=30)
        assert emulator.wait_for_labels(1, timeout=10)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert len(emulator.labels) == 1


def test_print_test_on_a_two_colour_profile_prints_the_priority_block_in_red(
    capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    code, _, err = run(
        capsys, "print-test", "--printer", emulator.spec, "--profile", "two-colour-4in-203"
    )
    assert code == 0, err
    assert emulator.wait_for_labels(1, timeout=10)
    assert len(emulator.labels[0].red_bands) == 1
    code, _, err = run(
        capsys, "print-test", "--printer", "mock", "--dpi", "300", "--profile", "label-4in-203"
    )
    assert code == 1, err
    assert "1181" in err and "label-4in-203" in err and "wider than" in err


def test_print_queue_once_says_how_many_failed_jobs_wait_and_when(
    imported: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", imported)
    scans = [a for s in T1001_SCANS for a in ("--scan", s)]
    assert run(capsys, *db, "pack", "T1001", "--bench", "B1", *scans)[0] == 0
    code, out, _ = run(capsys, *db, "print-queue", "--once", "--printer", "mock:paper_end")
    assert code == 1 and "缺纸" in out and "out of paper" in out
    code, out, err = run(capsys, *db, "print-queue", "--once", "--printer", "mock:paper_end")
    assert code == 0, err
    assert "nothing to print" not in out
    assert "1 failed job(s) wait to retry, the first at" in out and "1 个失败任务等待重试" in out
    code, out, _ = run(capsys, *db, "print-queue", "--once", "--json")
    waiting = json.loads(out)["waiting"]
    assert waiting["failed"] == 1 and waiting["next_retry_at"] and waiting["held"] == 0


def test_bench_set_gives_a_bench_its_printer_and_label_size(
    imported: str, capsys: pytest.CaptureFixture[str], emulator: PrinterEmulator
) -> None:
    db = ("--db", imported)
    scans = [a for s in T1001_SCANS for a in ("--scan", s)]
    assert run(capsys, *db, "pack", "T1001", "--bench", "B2", *scans)[0] == 0
    code, out, _ = run(capsys, *db, "print-queue", "--once", "--json")  # no printer anywhere
    assert code == 1 and json.loads(out)["jobs"][0]["error_code"] == "no_printer"
    code, _, err = run(capsys, *db, "bench", "set", "B2", "--printer", "bogus:x")
    assert code == 1 and "bogus:x" in err
    code, out, err = run(
        capsys, *db, "bench", "set", "B2", "--printer", emulator.spec, "--label-size", "76x130"
    )
    assert code == 0 and emulator.spec in out, err
    code, out, _ = run(capsys, *db, "bench", "show", "B2", "--json")
    [bench] = json.loads(out)["benches"]
    assert (bench["printer_spec"], bench["label_size"]) == (emulator.spec, "76x130")
    # the failed job is not moved by hand: a supervisor move, or its retry, uses the bench's
    assert run(capsys, *db, "user", "add", "boss", "--role", "supervisor", "--pin", "2468")[0] == 0
    code, out, _ = run(capsys, *db, "print-job", "list", "--json")
    job_id = json.loads(out)["jobs"][0]["id"]
    code, _, err = run(
        capsys,
        *db,
        "print-job",
        "move",
        str(job_id),
        "--printer",
        emulator.spec,
        "--supervisor",
        "boss",
        "--pin",
        "2468",
    )
    assert code == 0, err
    code, out, err = run(capsys, *db, "print-queue", "--once", "--json")
    assert code == 0 and json.loads(out)["printed"] == 1, err
    assert emulator.wait_for_labels(1, timeout=10)
    assert emulator.labels[0].image.size == (608, 1040)  # 76x130 at 203 dpi
    code, out, _ = run(capsys, *db, "bench", "show", "B2", "--json")
    assert json.loads(out)["benches"][0]["printer"] == "ready"


def test_print_job_move_needs_a_supervisor_and_never_targets_an_existing_file(
    imported: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ("--db", imported)
    scans = [a for s in T1001_SCANS for a in ("--scan", s)]
    assert run(capsys, *db, "pack", "T1001", "--bench", "B3", *scans)[0] == 0
    code, out, _ = run(capsys, *db, "print-job", "list", "--json")
    job_id = str(json.loads(out)["jobs"][0]["id"])
    code, _, err = run(capsys, *db, "print-job", "move", job_id, "--printer", "mock")
    assert code == 2 and "--supervisor" in err
    assert run(capsys, *db, "user", "add", "boss", "--role", "supervisor", "--pin", "2468")[0] == 0
    code, _, err = run(
        capsys,
        *db,
        "print-job",
        "move",
        job_id,
        "--printer",
        "mock",
        "--supervisor",
        "boss",
        "--pin",
        "9999",
    )
    assert code == 1 and "PIN" in err
    victim = tmp_path / "notes.txt"
    victim.write_text("keep me")
    code, _, err = run(
        capsys,
        *db,
        "print-job",
        "move",
        job_id,
        "--printer",
        f"file:{victim}",
        "--supervisor",
        "boss",
        "--pin",
        "2468",
    )
    assert code == 0, err
    code, out, _ = run(capsys, *db, "print-queue", "--once", "--json")
    [attempt] = json.loads(out)["jobs"]
    assert (attempt["state"], attempt["error_code"]) == ("failed", "file_exists")
    assert victim.read_text() == "keep me"


def test_sender_set_is_printed_on_every_waybill(
    imported: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ("--db", imported)
    code, out, _ = run(capsys, *db, "sender", "show", "--json")
    assert json.loads(out) == {"name": "", "phone": "", "address": ""}
    code, _, err = run(capsys, *db, "sender", "set", "--name", "  ")
    assert code == 1 and "sender" in err
    code, out, err = run(
        capsys,
        *db,
        "sender",
        "set",
        "--name",
        "好物旗舰店",
        "--phone",
        "0571-88886666",
        "--address",
        "浙江省杭州市余杭区仓前街道 8 号",
    )
    assert code == 0, err
    code, out, _ = run(capsys, *db, "sender", "show")
    assert "好物旗舰店 0571-88886666" in out


def test_every_print_code_has_words_in_both_languages() -> None:
    """A reason the printer package or the worker can store must never reach a person as
    a bare code; and the words name the printer, order or bench the code's params give."""
    from packstation.printers import errors as printer_errors

    from packstation.cli.print_text import JOB_ERRORS, WARNINGS, job_error_text
    from packstation.services.print_jobs import JobError, JobErrorCode
    from packstation.services.printer_port import PrintWarning

    reasons = {
        value
        for name, value in vars(printer_errors).items()
        if name.isupper() and isinstance(value, str)
    }
    codes = reasons | {c.value for c in JobErrorCode}
    assert codes <= set(JOB_ERRORS), codes - set(JOB_ERRORS)
    assert {w.value for w in PrintWarning} <= set(WARNINGS)
    zh, en = job_error_text(
        JobError("paper_end", {"printer": "tcp:10.0.0.7:9100", "partial": True})
    )
    assert "tcp:10.0.0.7:9100" in zh and "tcp:10.0.0.7:9100" in en and "discard" in en
    zh, en = job_error_text(JobError("outcome_unknown", {"cause": "no_answer"}))
    assert "no_answer" in en and "reprints" in en
