"""`packstation import` as scripts use it: the DESIGN.md `--json` contract, errors, progress."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from packstation.bootstrap import classifier
from packstation.cli import main
from packstation.services.importing import import_files
from packstation.storage import engine
from packstation.storage.database import Database
from tests.conftest import DATA as TEST_DATA
from tests.importers.conftest import GENERIC_HEADER, csv_text, generic_row
from tests.integration.helpers import row_counts

DATA = Path(__file__).resolve().parents[1] / "importers" / "data"
ORDER_REPORT, ITEM_REPORT = "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv"
CONTRACT_KEYS = {"format", "orders_created", "orders_updated", "orders_intercepted", "lines",
                 "rejected"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_shared_taobao_pair_imports_with_the_contract_keys(db_url: str) -> None:
    """The command exactly as documented, as a separate process, on the real sample pair."""
    env = {**os.environ, "PACKSTATION_DB": db_url}
    command = [sys.executable, "-m", "packstation", "import", ORDER_REPORT, ITEM_REPORT, "--json"]
    first = subprocess.run(command, cwd=DATA, env=env, capture_output=True, text=True,
                           timeout=120)
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)  # one JSON document and nothing else on stdout
    assert set(doc) >= CONTRACT_KEYS
    assert (doc["format"], doc["orders_created"], doc["orders_updated"],
            doc["orders_intercepted"], doc["lines"], doc["rejected"]) == (
        "taobao", 4, 0, 0, 5, [])

    again = subprocess.run(command, cwd=DATA, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert (second["orders_created"], second["orders_updated"], second["lines"],
            second["orders_unchanged"]) == (0, 0, 0, 4)


@pytest.mark.parametrize("content", [
    pytest.param(b"order_no,sku\r\nA1,\xff\xfe\x80\x81\xff\r\n", id="undecodable"),
    pytest.param("订单,金额\r\n1,2\r\n".encode(), id="unknown-columns"),
])
def test_a_file_that_cannot_be_read_is_one_stderr_line_and_exit_1(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    db = Database.from_url(db_url)
    before = row_counts(db)
    code, out, err = run(capsys, "--db", db_url, "import", str(path), "--json")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "orders.csv" in err
    assert row_counts(db) == before
    db.dispose()


def test_bad_rows_are_listed_in_the_json_and_exit_1(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.csv"
    good.write_text(csv_text([GENERIC_HEADER, generic_row("A1")]), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text([GENERIC_HEADER, generic_row("B1"), generic_row("B2", qty="x")]),
                   encoding="utf-8")
    code, out, err = run(capsys, "--db", db_url, "import", str(good), str(bad), "--json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["orders_created"], doc["lines"]) == (1, 1)  # the good file went in
    assert [(Path(p["file"]).name, p["row"], p["column"]) for p in doc["rejected"]] == [
        ("bad.csv", 3, "qty")]
    assert {"file", "row", "column", "reason"} <= set(doc["rejected"][0])
    assert len(err.strip().splitlines()) == 1


def test_dry_run_json_reports_and_stores_nothing(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(DATA / ORDER_REPORT), str(DATA / ITEM_REPORT)]
    code, out, _ = run(capsys, "--db", db_url, "import", *files, "--dry-run", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["orders_created"], doc["lines"], doc["dry_run"]) == (4, 5, True)
    db = Database.from_url(db_url)
    assert row_counts(db)["orders"] == 0
    db.dispose()


def test_progress_callback_reaches_done_equals_total(db: Database) -> None:
    """What the GUI's progress bar is driven by: one bar over reading and storing,
    never going back, ending full."""
    calls: list[tuple[int, int]] = []
    summary = import_files(db, [DATA / ORDER_REPORT, DATA / ITEM_REPORT], classifier(db),
                           progress=lambda done, total, _skipped: calls.append((done, total)))
    assert summary.orders_created == 4
    assert calls and all(0 <= done <= total for done, total in calls)
    done, total = calls[-1]
    assert done == total and len({t for _d, t in calls}) == 1
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_import_that_waits_too_long_for_another_writer_says_the_database_is_busy(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another import, holding the write lock
        orders = str(TEST_DATA / "orders_generic.csv")
        code, _out, err = run(capsys, "--db", db_url, "import", orders)
    finally:
        other.close()
    assert code == 1
    assert err.strip().splitlines() == [
        "packstation: 数据库正被另一个导入或工作站写入，请稍后重试 / the database is busy: another "
        "import or bench is writing to it; try again in a moment"
    ]


def unpaid_report(tmp: Path) -> list[Path]:
    """A Taobao pair of 600 orders, 30 of them unpaid (等待买家付款), every 20th."""
    from tests.importers.platforms import (
        TAOBAO_ITEMS_OLD,
        TAOBAO_ORDERS_OLD,
        rows_for,
        taobao_item,
        taobao_order,
    )

    numbers = [f"39500000000{n:08d}" for n in range(600)]
    orders = [taobao_order(no, **({"订单状态": "等待买家付款"} if n % 20 == 7 else {}))
              for n, no in enumerate(numbers)]
    items = [taobao_item(no, "TEE-RED-M") for no in numbers]
    paths = [tmp / "ExportOrderList202611110001.csv", tmp / "ExportOrderDetailList202611110001.csv"]
    paths[0].write_bytes(csv_text(rows_for(TAOBAO_ORDERS_OLD, orders)).encode("gbk"))
    paths[1].write_bytes(csv_text(rows_for(TAOBAO_ITEMS_OLD, items)).encode("gbk"))
    return paths


def test_unpaid_orders_are_counted_as_skipped_in_json_text_and_progress(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """600 orders, 30 unpaid: 570 imported, and the 30 are told, not only logged."""
    paths = unpaid_report(tmp_path)
    db = Database.from_url(db_url)
    told: list[int] = []
    summary = import_files(db, paths, classifier(db), dry_run=True,
                           progress=lambda _done, _total, skipped: told.append(skipped))
    db.dispose()
    assert summary.orders_created == 570 and len(summary.skipped) == 30
    assert told[-1] == 30 and told == sorted(told)

    code, out, _ = run(capsys, "--db", db_url, "import", *map(str, paths), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["orders_created"] == 570 and len(doc["skipped"]) == 30
    first = doc["skipped"][0]
    assert set(first) == {"file", "row", "order_no", "reason"}
    assert (Path(first["file"]).name, first["row"], first["order_no"]) == (
        "ExportOrderList202611110001.csv", 9, "3950000000000000007")
    assert "未付款" in first["reason"] and "unpaid" in first["reason"]

    code, out, _ = run(capsys, "--db", db_url, "import", *map(str, paths))
    assert code == 0
    assert "skipped (left out on purpose): 30" in out
    assert "3950000000000000587" in out  # each skipped order is named


def test_a_product_catalogue_import_reports_products_created_and_updated(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = TEST_DATA / "products.csv"
    code, out, _ = run(capsys, "--db", db_url, "import", str(catalogue), "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["format"], doc["products_created"], doc["products_updated"]) == ("products", 5, 0)
    code, out, _ = run(capsys, "--db", db_url, "import", str(catalogue))
    assert code == 0 and "products created: 0  商品更新 / products updated: 0" in out

    changed = tmp_path / "products.csv"
    text = catalogue.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("陶瓷马克杯", "陶瓷马克杯 350ml")  # a new title
        .replace("6901234567908", "6901234567908|TEE-BLK-L-BOX*6")  # a new pack code
        + "HAT-01,棒球帽,6950000000040\n",  # a new product
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--db", db_url, "import", str(changed))
    assert code == 0
    assert "商品新建 / products created: 1  商品更新 / products updated: 2" in out
    code, out, _ = run(capsys, "--db", db_url, "import", str(changed), "--json")
    assert (json.loads(out)["products_created"], json.loads(out)["products_updated"]) == (0, 0)
