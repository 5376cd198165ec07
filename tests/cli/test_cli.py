"""The command line as scripts use it: contracts of DESIGN.md, on both databases."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from packstation.cli import main
from packstation.domain.verdicts import Verdict
from packstation.services.packing import PackingStation, StationSettings
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Bench, Order, PrintJob

DATA = Path(__file__).resolve().parents[1] / "data"
GENERIC = DATA / "orders_generic.csv"
PRODUCTS = DATA / "products.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def test_importing_the_generic_sample_twice_creates_nothing_the_second_time(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    assert first["format"] == "csv"
    assert (first["orders_created"], first["lines"], first["rejected"]) == (9, 10, [])
    second = run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    assert (second["orders_created"], second["orders_updated"], second["lines"]) == (0, 0, 0)


def test_pack_json_follows_the_contract_and_queues_one_label(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    doc = run_json(
        capsys,
        "--db",
        db_url,
        "pack",
        "YT7000000000011",
        "--json",
        "--bench",
        "B1",
        "--scan",
        "6901234567892",
        "--scan",
        "6930000000028",
        "--scan",
        "6920000000012",
        "--scan",
        "6920000000012",
    )
    assert doc["order_no"] == "T1001"
    assert doc["verdicts"] == ["ok", "wrong_item", "ok", "order_complete"]
    assert doc["state"] == "completed"
    assert doc["print_job"]["state"] == "pending"
    assert doc["print_job"]["reason"] == "completion"
    db = Database.from_url(db_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PrintJob)) == 1
    db.dispose()


def test_pack_of_n_code_counts_n_units(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    doc = run_json(
        capsys,
        "--db",
        db_url,
        "pack",
        "T1001",
        "--json",
        "--scan",
        "SOCK5P-BOX",
        "--scan",
        "6901234567892",
    )
    assert doc["verdicts"] == ["over_quantity", "ok"]
    assert doc["state"] == "open"
    assert doc["print_job"] is None


def test_pack_resumes_the_bench_box_across_invocations(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    first = run_json(
        capsys,
        "--db",
        db_url,
        "pack",
        "T1003",
        "--json",
        "--scan",
        "6901234567892",
        "--scan",
        "6901234567892",
    )
    assert first["verdicts"] == ["ok", "ok"]
    second = run_json(
        capsys,
        "--db",
        db_url,
        "pack",
        "T1003",
        "--json",
        "--scan",
        "6901234567892",
        "--scan",
        "6901234567892",
    )
    # The last scan came after the box completed: an extra unit to take out, not a new order.
    assert second["verdicts"] == ["order_complete", "over_quantity"]
    assert second["state"] == "completed"
    assert second["opening"] is None  # the bench's open box was resumed, nothing opened


def test_cancelled_and_refunded_orders_come_out_intercepted(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    for order_no in ("T1007", "T1009"):
        doc = run_json(capsys, "--db", db_url, "pack", order_no, "--json")
        assert doc["state"] == "intercepted"
        assert doc["verdicts"] == []


def test_unknown_order_is_one_line_on_stderr_and_non_zero(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", db_url, "pack", "NO-SUCH-ORDER", "--json")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "NO-SUCH-ORDER" in err and "order not found" in err


def test_order_open_at_another_bench_is_refused_with_the_bench_named(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    run_json(capsys, "--db", db_url, "pack", "T1003", "--bench", "B1", "--json")
    code, _out, err = run(capsys, "--db", db_url, "pack", "T1003", "--bench", "B2")
    assert code == 1
    assert "B1" in err and "take it over" in err


def test_stats_json_has_the_contract_keys(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    run_json(capsys, "--db", db_url, "pack", "T1002", "--json", "--scan", "6930000000028")
    stats = run_json(capsys, "--db", db_url, "stats", "--json")
    assert stats["orders_total"] == 9
    assert stats["orders_packed"] == 1
    assert stats["orders_packable"] == 6  # 9 - refunded - cancelled - packed
    assert stats["sessions_open"] == 0
    assert stats["scans_total"] == 2  # the opening scan and the unit
    assert stats["print_jobs_pending"] == 1
    assert stats["orders_intercepted"] == 0
    later = run_json(capsys, "--db", db_url, "stats", "--json", "--since", "2999-01-01")
    assert later["scans_total"] == 0


def test_product_catalogue_import_adds_codes(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = run_json(capsys, "--db", db_url, "import", str(PRODUCTS), "--json")
    assert doc["format"] == "products"
    db = Database.from_url(db_url)
    with db.session() as session:
        codes = set(session.scalars(select(Barcode.code)))
    db.dispose()
    assert {"6901234567892", "SOCK5P-BOX", "TEE-BLK-L"} <= codes


def test_user_add_checks_role_and_pin(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(
        capsys, "--db", db_url, "user", "add", "li", "--role", "boss", "--pin", "1234"
    )
    assert code == 2 and "boss" in err
    code, _out, err = run(
        capsys, "--db", db_url, "user", "add", "li", "--role", "supervisor", "--pin", "12"
    )
    assert code == 1 and "PIN" in err
    code, _out, _err = run(
        capsys, "--db", db_url, "user", "add", "li", "--role", "supervisor", "--pin", "4321"
    )
    assert code == 0
    code, _out, err = run(
        capsys, "--db", db_url, "user", "add", "li", "--role", "packer", "--pin", "4321"
    )
    assert code == 1 and "already exists" in err


def test_demo_seeds_every_situation_and_says_what_to_run_next(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "demo", "--db", db_url)
    assert code == 0, err
    assert "packstation" in out and "pack" in out
    db = Database.from_url(db_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) >= 200
        priorities = set(session.scalars(select(Order.priority).distinct()))
        statuses = set(session.scalars(select(Order.status).distinct()))
        cities = set(session.scalars(select(Order.city).distinct()))
        pack_codes = session.scalar(select(func.count()).where(Barcode.units > 1))
        code128 = session.scalar(select(func.count()).where(Barcode.code.like("PS%")))
    db.dispose()
    assert {"beijing", "shanghai", "guangzhou", "shenzhen", "hangzhou"} <= priorities
    assert {"paid", "cancelled", "refunded"} <= statuses
    assert len(cities) >= 20
    assert pack_codes and code128
    # The commands it suggests work as printed: the order is packed and its label printed.
    suggested = [shlex.split(line) for line in out.splitlines() if line.startswith("  ")]
    assert [argv[5] for argv in suggested] == ["pack", "print-queue", "stats"]
    pack, print_queue, _stats = (run_printed(argv) for argv in suggested)
    assert "order_complete" in pack and "queued" in pack
    assert "printed on mock" in print_queue
    before = run_json(capsys, "--db", db_url, "stats", "--json")["orders_total"]
    code, _out, err = run(capsys, "demo", "--db", db_url)  # a second run adds nothing
    assert code == 0, err
    assert run_json(capsys, "--db", db_url, "stats", "--json")["orders_total"] == before


def run_printed(argv: list[str], **env: str) -> str:
    """Run a command line exactly as the program printed it; its stdout."""
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )
    assert result.returncode == 0, (argv, result.stderr)
    return result.stdout


def test_demo_seeds_the_default_database_the_other_commands_use(tmp_path: Path) -> None:
    """After the README's install command: `.venv/bin/packstation demo`, then what it says."""
    script = Path(sys.executable).with_name("packstation")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "PACKSTATION_DB": "", "PATH": "/usr/bin:/bin"}
    out = run_printed([str(script), "demo", "--orders", "12"], **env)
    suggested = [shlex.split(line) for line in out.splitlines() if line.startswith("  ")]
    assert [argv[:2] for argv in suggested] == [
        [str(script), "pack"],
        [str(script), "print-queue"],
        [str(script), "stats"],
    ]
    assert "printed on mock" in run_printed(suggested[0], **env) + run_printed(
        suggested[1], **env
    )
    stats = json.loads(run_printed([str(script), "stats", "--json"], **env))
    assert stats["orders_total"] == 12 and stats["orders_packed"] == 1
    assert (tmp_path / "data" / "PackStation" / "packstation.db").is_file()


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["pack"],
        ["import", "/no/such/file.csv"],
        ["--db", "::nonsense::", "stats"],
        ["stats", "--since", "yesterday"],
        ["--db", "postgresql://nobody@127.0.0.1:1/none", "stats"],
        ["--db", "mysql://nobody@127.0.0.1/none", "stats"],
        ["--db", "sqlite:////no/such/dir/x.db", "stats"],
    ],
)
def test_user_mistakes_never_show_a_traceback(argv: list[str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "packstation", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PACKSTATION_DB": f"sqlite:///{tmp_path / 'x.db'}", "PATH": ""},
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("packstation: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["csv", "taobao"])
def test_export_shipped_lists_packed_orders_with_their_waybill(
    fmt: str, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    run_json(capsys, "--db", db_url, "pack", "T1003", "--json", *["--scan=6901234567892"] * 3)
    run_json(capsys, "--db", db_url, "pack", "T1002", "--json", "--scan", "6930000000028")
    out = tmp_path / f"shipped-{fmt}.csv"
    code, printed, err = run(
        capsys, "--db", db_url, "export-shipped", "--format", fmt, "--out", str(out)
    )
    assert code == 0, err
    text = out.read_bytes().decode("utf-8-sig" if fmt == "csv" else "gb18030")
    assert "SF1400000000031" in text
    assert "T1001" not in text  # not packed
    assert "T1002" not in text  # packed, but has no carrier waybill to upload
    assert "1" in printed


def test_priority_rules_round_trip_through_the_cli(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    code, shown, err = run(capsys, "--db", db_url, "priority-rules", "show")
    assert code == 0, err
    doc = json.loads(shown)
    doc["rules"] = [r for r in doc["rules"] if r["key"] != "beijing"]
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run(capsys, "--db", db_url, "user", "add", "boss", "--role", "supervisor", "--pin", "2468")
    code, _out, err = run(
        capsys,
        "--db",
        db_url,
        "priority-rules",
        "set",
        str(path),
        "--supervisor",
        "boss",
        "--pin",
        "9999",
    )
    assert code == 1 and "PIN" in err
    code, out, err = run(
        capsys,
        "--db",
        db_url,
        "priority-rules",
        "set",
        str(path),
        "--supervisor",
        "boss",
        "--pin",
        "2468",
    )
    assert code == 0, err
    assert "1" in out  # T1003 (北京) lost its mark
    code, shown, _err = run(capsys, "--db", db_url, "priority-rules", "show")
    assert "beijing" not in shown


def test_pre_printed_waybill_opens_the_order_and_completion_prints_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    doc = run_json(
        capsys,
        "--db",
        db_url,
        "pack",
        "SF1400000000031",
        "--pre-printed",
        "--json",
        *["--scan=6901234567892"] * 3,
    )
    assert doc["order_no"] == "T1003"
    assert doc["state"] == "completed"
    assert doc["print_job"] is None
    stats = run_json(capsys, "--db", db_url, "stats", "--json")
    assert stats["print_jobs_pending"] == 0 and stats["orders_packed"] == 1


def test_single_item_wave_opens_the_oldest_order_of_just_that_product(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    # MUG-01 alone: T1002 (one mug) and T1005 (two mugs); T1002 is older.
    doc = run_json(
        capsys,
        "--db",
        db_url,
        "pack",
        "6930000000028",
        "--single-item-wave",
        "--bench",
        "W1",
        "--json",
    )
    assert doc["order_no"] == "T1002"
    assert doc["state"] == "completed" and doc["print_job"] is not None
    db = Database.from_url(db_url)
    with db.session() as session:
        assert session.scalars(select(Bench.name)).all() == ["W1"]
    db.dispose()


def test_pack_json_says_how_the_order_opened_and_its_priority_city(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    doc = run_json(capsys, "--db", db_url, "pack", "T1003", "--json")
    assert (doc["opening"], doc["priority"], doc["state"]) == ("order_opened", "beijing", "open")
    doc = run_json(capsys, "--db", db_url, "pack", "T1002", "--bench", "B2", "--json")
    assert (doc["opening"], doc["priority"]) == ("order_opened", None)
    doc = run_json(capsys, "--db", db_url, "pack", "T1009", "--bench", "B3", "--json")
    assert (doc["opening"], doc["state"]) == ("intercepted", "intercepted")


def test_packing_an_order_another_bench_completed_fails_and_shows_no_print_job(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    run(capsys, "--db", db_url, "user", "add", "boss", "--role", "supervisor", "--pin", "2468")
    started = run_json(capsys, "--db", db_url, "pack", "T1003", "--bench", "B1", "--json",
                       "--scan=6901234567892")
    assert started["state"] == "open"
    db = Database.from_url(db_url)
    other = PackingStation(db, StationSettings(bench="B2"))
    other.take_over("T1003", "boss", "2468")
    assert other.scan("6901234567892", live=False).verdict is Verdict.OK
    won = other.scan("6901234567892", live=False)
    assert won.verdict is Verdict.ORDER_COMPLETE and won.print_job_id is not None
    other.close()
    db.dispose()
    # Bench B1 comes back to its box: B2 won it, and B2's label is not B1's.
    code, out, err = run(capsys, "--db", db_url, "pack", "T1003", "--bench", "B1", "--json",
                         "--scan=6901234567892")
    assert code == 1 and out == ""
    assert "already packed" in err and err.count("\n") == 1


def test_a_completed_box_says_its_label_is_queued_unless_it_printed(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--db", db_url, "import", str(GENERIC), "--json")
    code, out, err = run(capsys, "--db", db_url, "pack", "T1002", "--scan=6930000000028",
                         "--scan=6930000000028")
    assert code == 0, err
    assert "正在打印" not in out and "printing" not in out
    assert "queued for the print queue" in out
    assert "over_quantity" in out.splitlines()[2]  # the second mug: an extra unit
    doc = run_json(capsys, "--db", db_url, "pack", "T1003", "--printer", "mock", "--json",
                   *["--scan=6901234567892"] * 3)
    assert doc["print_job"]["state"] == "printed" and doc["print_job"]["printer"] == "mock"
    code, out, err = run(capsys, "--db", db_url, "pack", "T1005", "--bench", "B5",
                         "--printer", "tcp:127.0.0.1:1", *["--scan=6930000000028"] * 2)
    assert code == 1
    assert "label NOT printed" in out and "stays queued" in err
    stats = run_json(capsys, "--db", db_url, "stats", "--json")
    assert stats["print_jobs_pending"] >= 1  # T1002's label, and T1005's waiting to retry


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`packstation import BAD.csv | head -2`: the reader stops early, no traceback."""
    bad = tmp_path / "bad.csv"
    header = GENERIC.read_text(encoding="utf-8").splitlines()[0]
    rows = [f"X{i},taobao,paid,A,1,addr,,,,YTO,,SKU,T,many,1" for i in range(20_000)]
    bad.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    env = {**os.environ, "PACKSTATION_DB": f"sqlite:///{tmp_path / 'x.db'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "packstation", "import", str(bad)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) != 0
    assert first and "Traceback" not in err and "BrokenPipe" not in err
