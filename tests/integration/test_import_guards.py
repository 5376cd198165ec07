"""Issue 11 §1: a re-import must not quietly damage known orders.

The issue's exact steps (import orders_generic.csv, pack T1001, import the same file
after it went through the wrong encoding) now end in a refusal that names the cause,
with nothing changed; a re-import that would change many known orders' destinations or
lines waits for `--accept-changes`; a 50 MB file of junk is refused early, its report
bounded."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from packstation.bootstrap import classifier
from packstation.domain.verdicts import Verdict
from packstation.errors import UserError
from packstation.services.importing import import_files
from packstation.storage.database import Database
from packstation.storage.tables import Order
from tests.conftest import DATA
from tests.importers.conftest import GENERIC_HEADER, csv_text, generic_row
from tests.integration.helpers import row_counts, station

SHARED = Path(__file__).resolve().parents[3] / "shared" / "samples" / "orders_generic.csv"
SAMPLE = SHARED if SHARED.exists() else DATA / "orders_generic.csv"  # the same file


def orders_table(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction() as conn:
        return [tuple(r) for r in conn.execute(select(Order).order_by(Order.id))]


def pack_t1001(db: Database) -> None:
    bench = station(db)
    scans = ("T1001", "6901234567892", "6920000000012", "6920000000012")
    assert [bench.scan(c).verdict for c in scans][-1] is Verdict.ORDER_COMPLETE


def test_the_issues_steps_a_mis_decoded_re_import_is_refused_and_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    assert import_files(db, [SAMPLE], classifier(db)).orders_created == 9
    pack_t1001(db)
    # UTF-8 bytes decoded as GBK and written back as GBK, as a spreadsheet round trip does
    garbled = tmp_path / SAMPLE.name
    text = SAMPLE.read_bytes().decode("gbk", errors="replace")
    garbled.write_bytes(text.encode("gbk", errors="replace"))
    counts, orders = row_counts(db), orders_table(db)
    with pytest.raises(UserError) as refused:
        import_files(db, [garbled], classifier(db))
    assert "UTF-8" in refused.value.en and "GBK" in refused.value.en
    assert "orders_generic.csv" in refused.value.en and "乱码" in refused.value.zh
    assert row_counts(db) == counts and orders_table(db) == orders
    with db.transaction() as conn:
        t1001 = conn.execute(
            select(Order.status, Order.intercept_reason, Order.recipient)
            .where(Order.order_no == "T1001")
        ).one()  # fmt: skip
    assert tuple(t1001) == ("packed", None, "张伟")


def moved(n: int, count: int) -> list[list[str]]:
    """`n` orders; the first `count` of them to another street."""
    street = "浙江省 杭州市 西湖区 文三路"
    return [GENERIC_HEADER] + [
        generic_row(f"G{i:04d}", address=f"{street} {i + (500 if i < count else 0)}号")
        for i in range(n)
    ]


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "packstation", "--db", db_url, "import", *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_re_import_changing_many_known_orders_waits_for_accept_changes(
    db_url: str, tmp_path: Path
) -> None:
    first, changed = tmp_path / "first.csv", tmp_path / "changed.csv"
    first.write_bytes(csv_text(moved(200, 0)).encode())
    changed.write_bytes(csv_text(moved(200, 15)).encode())  # 15 > 10 and 7.5% > 5%
    assert cli(db_url, str(first)).returncode == 0
    db = Database.from_url(db_url)
    before = orders_table(db)

    refused = cli(db_url, str(changed))
    assert refused.returncode == 1
    assert "15/200" in refused.stderr and "--accept-changes" in refused.stderr
    listed = [line.strip() for line in refused.stdout.splitlines() if line.startswith("  G")]
    assert listed == [f"G{i:04d}: destination" for i in range(15)]
    as_json = cli(db_url, str(changed), "--json")
    assert as_json.returncode == 1
    assert [c["order_no"] for c in json.loads(as_json.stdout)["changes"]] == [
        f"G{i:04d}" for i in range(15)]  # fmt: skip

    preview = cli(db_url, str(changed), "--dry-run", "--json")
    assert preview.returncode == 0
    assert json.loads(preview.stdout)["changes"] == [
        {"order_no": f"G{i:04d}", "changed": ["destination"]} for i in range(15)]
    text_preview = cli(db_url, str(changed), "--dry-run")
    assert "G0014: destination" in text_preview.stdout
    assert orders_table(db) == before  # neither the refusals nor the dry runs changed a thing

    accepted = cli(db_url, str(changed), "--accept-changes", "--json")
    assert accepted.returncode == 0 and json.loads(accepted.stdout)["orders_updated"] == 15
    db.dispose()


@pytest.mark.parametrize(("known", "changed"), [(200, 10), (400, 15)])
def test_a_few_changes_need_no_acceptance(
    db: Database, tmp_path: Path, known: int, changed: int
) -> None:
    """At most 10 orders, or at most 5% of the known ones: imported as before."""
    first, again = tmp_path / "first.csv", tmp_path / "again.csv"
    first.write_bytes(csv_text(moved(known, 0)).encode())
    again.write_bytes(csv_text(moved(known, changed)).encode())
    import_files(db, [first], classifier(db))
    assert import_files(db, [again], classifier(db)).orders_updated == changed


def junk(path: Path, size: int) -> Path:
    """A generic order file's header, then `size` bytes of random printable junk lines
    (no `e`, so no cell reads as Excel's scientific notation)."""
    raw = base64.encodebytes(os.urandom(size * 3 // 4))
    path.write_bytes(csv_text([GENERIC_HEADER]).encode() + raw.translate(bytes.maketrans(
        b"eE+/", b"x,;'")))  # fmt: skip
    return path


_PEAK_REPORTER = (
    "import sys\n"
    "from packstation.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[2:])\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    peak = next(l for l in status.splitlines() if l.startswith('VmHWM:'))\n"
    "    open(sys.argv[1], 'w').write(peak.split()[1])\n"
    "sys.exit(code)\n"
)


def measured(tmp: Path, db_url: str, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`cli(…)`, and the peak RSS in MB of that process alone.

    The child reads its own VmHWM: exec gives it a fresh address space, whereas the
    rusage of a child forked from a large pytest process can carry the parent's peak.
    """
    peak_file = tmp / "peak_kb"
    command = [
        sys.executable, "-c", _PEAK_REPORTER, str(peak_file),
        "--db", db_url, "import", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    return result, int(peak_file.read_text()) / 1024


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # it never reaches the database
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_50_mb_junk_file_is_refused_early_with_a_bounded_report(
    db_url: str, tmp_path: Path, as_json: bool
) -> None:
    path = junk(tmp_path / "junk.csv", 50 * 1024 * 1024)
    result, peak_mb = measured(tmp_path, db_url, str(path), *(["--json"] if as_json else []))
    assert result.returncode == 1
    assert peak_mb < 400  # the whole process; reading all of it once took 1.75 GB
    if as_json:
        doc = json.loads(result.stdout)
        rejected, total = doc["rejected"], doc["rejected_total"]
    else:
        lines = result.stdout.splitlines()
        assert len(lines) < 110
        rejected = [line for line in lines if line.startswith("  ") and "junk.csv:" in line]
        total = int(result.stderr.split()[1])
        assert f"and {total - len(rejected)} more rejected rows not listed" in result.stdout
    assert len(rejected) == 101 and 1000 < total < 2000
    last = rejected[-1]
    stop = last["reason"] if as_json else last
    assert "does not look like an order file" in stop and "rows were not checked" in stop
    assert row_counts(Database.from_url(db_url))["orders"] == 0
