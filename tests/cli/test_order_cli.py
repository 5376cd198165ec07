"""`packstation order release|waybill`, through the command line, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord
from tests.cli.test_cli import GENERIC, run, run_json

T1001_SCANS = ["--scan=6901234567892", "--scan=6920000000012", "--scan=6920000000012"]


def changed_sample(tmp_path: Path, old: str, new: str) -> Path:
    """The generic sample with T1001's rows edited, as the platform's next export."""
    lines = GENERIC.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = [line.replace(old, new) if line.startswith("T1001,") else line for line in lines]
    path = tmp_path / "orders_changed.csv"
    path.write_text("".join(edited), encoding="utf-8")
    return path


def exported(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> tuple[str, str]:
    out = tmp_path / "shipped.csv"
    code, printed, err = run(capsys, "--db", db_url, "export-shipped", "--out", str(out))
    assert code == 0, err
    return out.read_text(encoding="utf-8-sig"), printed


def audit(db_url: str, action: str) -> list[tuple[str, str, dict]]:
    db = Database.from_url(db_url)
    with db.session() as session:
        rows = session.execute(
            select(AuditRecord.actor, AuditRecord.target, AuditRecord.detail).where(
                AuditRecord.action == action
            )
        ).all()
    db.dispose()
    return [(actor, target, json.loads(detail)) for actor, target, detail in rows]


@pytest.fixture
def sample_db(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    code, _out, err = run(
        capsys, "--db", db_url, "user", "add", "boss", "--role", "supervisor", "--pin", "2468"
    )
    assert code == 0, err
    return db_url


def test_a_packed_order_intercepted_by_a_reimport_is_released_and_exported_again(
    sample_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--db", sample_db]
    packed = run_json(capsys, *db, "pack", "T1001", "--json", *T1001_SCANS)
    assert packed["state"] == "completed"
    moved = changed_sample(tmp_path, "文三路 90号", "文三路 91号")
    assert run_json(capsys, *db, "import", str(moved), "--json")["orders_intercepted"] == 1
    restored = run_json(capsys, *db, "import", str(GENERIC), "--json")
    assert restored["orders_updated"] == 1  # the text is back, the intercept stays
    text, printed = exported(capsys, sample_db, tmp_path)
    assert "YT7000000000011" not in text and "T1001" in printed

    release = [*db, "order", "release", "T1001", "--reason", "地址已核对 address checked"]
    code, _out, err = run(capsys, *release, "--supervisor", "boss", "--pin", "0000")
    assert code == 1 and "PIN" in err
    code, out, err = run(capsys, *release, "--supervisor", "boss", "--pin", "2468")
    assert code == 0, err
    assert "T1001" in out and "exported" in out
    assert audit(sample_db, "order_release") == [
        (
            "boss",
            "T1001",
            {
                "reason": "地址已核对 address checked",
                "intercept_reason": "address_changed",
                "jobs": 0,
            },
        )
    ]
    text, _printed = exported(capsys, sample_db, tmp_path)
    assert "YT7000000000011" in text
    code, _out, err = run(capsys, *release, "--supervisor", "boss", "--pin", "2468")
    assert code == 1 and "not intercepted" in err


def test_an_order_intercepted_at_the_bench_is_released_and_packed_again(
    sample_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--db", sample_db]
    started = run_json(capsys, *db, "pack", "T1001", "--bench", "B1", "--json", T1001_SCANS[0])
    assert started["state"] == "open"
    more_socks = changed_sample(tmp_path, "运动袜 五双装,2,", "运动袜 五双装,3,")
    assert run_json(capsys, *db, "import", str(more_socks), "--json")["orders_intercepted"] == 1
    stopped = run_json(capsys, *db, "pack", "T1001", "--bench", "B1", "--json", T1001_SCANS[1])
    assert stopped["state"] == "intercepted" and stopped["verdicts"] == ["intercepted"]
    code, out, err = run(
        capsys,
        *db,
        "order",
        "release",
        "T1001",
        "--reason",
        "customer added a pair",
        "--supervisor",
        "boss",
        "--pin",
        "2468",
    )
    assert code == 0, err
    assert "packed again" in out
    again = run_json(
        capsys, *db, "pack", "T1001", "--bench", "B1", "--json", *T1001_SCANS, T1001_SCANS[2]
    )
    assert again["state"] == "completed"
    assert again["verdicts"] == ["ok", "ok", "ok", "order_complete"]


def test_a_cancelled_order_cannot_be_released(
    sample_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys,
        *["--db", sample_db, "order", "release", "T1009", "--reason", "x"],
        *["--supervisor", "boss", "--pin", "2468"],
    )
    assert code == 1 and "cancelled on the platform" in err
    assert audit(sample_db, "order_release") == []


def test_a_carrier_waybill_attached_to_an_internally_labelled_order_is_exported(
    sample_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--db", sample_db]
    run_json(capsys, *db, "pack", "T1002", "--json", "--scan=6930000000028")
    text, printed = exported(capsys, sample_db, tmp_path)
    assert "T1002" not in text and "T1002" in printed  # named as left out: no waybill
    attach = [*db, "order", "waybill"]
    for argv, expected in [
        (["T1005", "ZT7000000000099", "--carrier", "ZTO"], "not packed"),
        (["T1002", "YT7000000000011", "--carrier", "YTO"], "T1001"),  # T1001's number
        (["T1002", "PS0000000002", "--carrier", "ZTO"], "invalid waybill"),
        (["T1002", "ZT70 0000", "--carrier", "ZTO"], "invalid waybill"),
        (["T1002", "ZT7000000000099", "--carrier", "Z T O"], "invalid carrier"),
    ]:
        code, _out, err = run(capsys, *attach, *argv)
        assert code == 1 and expected in err, (argv, err)
    code, out, err = run(
        capsys, *attach, "T1002", "ZT7000000000099", "--carrier", "zto", "--by", "lin"
    )
    assert code == 0, err
    assert "ZT7000000000099" in out
    text, _printed = exported(capsys, sample_db, tmp_path)
    assert "T1002" in text and "ZT7000000000099" in text and "ZTO" in text
    assert audit(sample_db, "order_waybill") == [
        (
            "lin",
            "T1002",
            {"waybill_no": "ZT7000000000099", "carrier": "ZTO", "previous_carrier": "ZTO"},
        )
    ]
    code, _out, err = run(capsys, *attach, "T1002", "ZT7000000000100", "--carrier", "ZTO")
    assert code == 1 and "already has" in err
