"""A big CSV read in a worker process: same items as in this process, errors carried
over, the worker always stopped, and a worker that cannot start means reading here."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.importers import worker
from packstation.importers.reading import Table, open_table
from packstation.importers.worker import WorkerError, read_in_worker
from tests.importers.conftest import WriteCsv, WriteXlsx

ROWS = 5000  # more than one frame
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and scripts")


# Readers run in the worker: module-level, so they are sent by name.


def cells_with_pid(table: Table) -> Iterator[tuple[int, int, str, str]]:
    for row_no, row in table.rows:
        yield os.getpid(), row_no, row[0], row[1]


def refuse_row_4321(table: Table) -> Iterator[tuple[int, str]]:
    for row_no, row in table.rows:
        if row_no == 4321:
            raise UserError(f"第 {row_no} 行不行：{row[0]}", f"row {row_no} will not do: {row[0]}")
        yield row_no, row[0]


def fail_at_row_3000(table: Table) -> Iterator[int]:
    for row_no, _row in table.rows:
        if row_no == 3000:
            raise ValueError("a bug at row 3000")
        yield row_no


def die_at_row_3000(table: Table) -> Iterator[int]:
    for row_no, _row in table.rows:
        if row_no == 3000:
            os._exit(7)
        yield row_no


def hang_at_row_3000(table: Table) -> Iterator[tuple[int, int]]:
    for row_no, _row in table.rows:
        if row_no == 3000:
            time.sleep(3600)
        yield os.getpid(), row_no


def mark_the_end(table: Table) -> Iterator[tuple[int, int, list[str]]]:
    """Every row, then a file next to the table saying the worker has read them all."""
    count = 0
    for row_no, row in table.rows:
        count += 1
        yield os.getpid(), row_no, row * 4  # 5,000 of them fill a pipe several times over
    Path(table.name).with_suffix(".read").write_text(str(count))


@pytest.fixture(autouse=True)
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker for files of any size (a test may set MIN_ROWS again)."""
    monkeypatch.setattr(worker, "MIN_ROWS", 0)


@pytest.fixture
def big_csv(write_csv: WriteCsv) -> Path:
    rows = [["编号", "名称"]] + [[f"{n:06d}", f"商品“{n}”, 第二列"] for n in range(1, ROWS + 1)]
    return write_csv(rows, "big.csv", encoding="gbk")


def in_process(table_path: Path) -> list[tuple[int, str, str]]:
    return [(n, a, b) for _pid, n, a, b in cells_with_pid(open_table(table_path))]


def test_a_big_file_is_read_by_another_process_with_the_same_rows(big_csv: Path) -> None:
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} - {os.getpid()}, "no worker process read it"
    assert len({pid for pid, *_ in read}) == 1
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert read[0][1:] == (2, "000001", "商品“1”, 第二列")  # spreadsheet row numbers


def test_small_files_and_xlsx_are_read_in_this_process(
    big_csv: Path, write_xlsx: WriteXlsx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "MIN_ROWS", ROWS + 10)  # more rows than the file has
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        assert {pid for pid, *_ in items} == {os.getpid()}
    monkeypatch.setattr(worker, "MIN_ROWS", 0)
    sheet = write_xlsx([["编号", "名称"], ["000001", "一"], ["000002", "二"]], "small.xlsx")
    with read_in_worker(cells_with_pid, open_table(sheet)) as items:
        assert [(pid, n, a) for pid, n, a, _b in items] == [
            (os.getpid(), 2, "000001"),
            (os.getpid(), 3, "000002"),
        ]


def test_a_user_error_in_the_worker_is_raised_here_with_its_message(big_csv: Path) -> None:
    read: list[tuple[int, str]] = []
    with (
        pytest.raises(UserError) as raised,
        read_in_worker(refuse_row_4321, open_table(big_csv)) as items,
    ):
        read.extend(items)
    assert raised.value.zh == "第 4321 行不行：004320"
    assert raised.value.en == "row 4321 will not do: 004320"
    assert read == [(n, f"{n - 1:06d}") for n in range(2, 4321)]  # every row before it


def test_a_bug_in_the_worker_ends_in_worker_error_with_its_traceback_kept(
    big_csv: Path,
) -> None:
    with (
        pytest.raises(WorkerError) as raised,
        read_in_worker(fail_at_row_3000, open_table(big_csv)) as items,
    ):
        list(items)
    assert isinstance(raised.value, UserError)  # one clear line for the user, no traceback
    assert "ValueError: a bug at row 3000" in raised.value.en
    assert "请重新导入" in raised.value.zh and "Import it again" in raised.value.en
    assert "big.csv" in raised.value.zh
    assert "Traceback" in raised.value.details and "in fail_at_row_3000" in raised.value.details


def test_a_worker_that_dies_midway_is_an_error_not_a_short_file(big_csv: Path) -> None:
    read: list[int] = []
    with (
        pytest.raises(WorkerError) as raised,
        read_in_worker(die_at_row_3000, open_table(big_csv)) as items,
    ):
        read.extend(items)
    assert raised.value.en.startswith("The background process reading")
    assert "(the import worker stopped (exit code 7))" in raised.value.en  # no dangling ":"
    assert read == list(range(2, 2002))  # the one whole frame it sent before it died


@POSIX
def test_leaving_early_stops_the_worker(big_csv: Path) -> None:
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        pid = next(items)[0]
        assert pid != os.getpid()
        os.kill(pid, 0)  # still running (or at least not yet reaped)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped on the way out


@POSIX
def test_an_error_here_while_the_worker_runs_stops_it(big_csv: Path) -> None:
    pid = 0
    with (
        pytest.raises(KeyboardInterrupt),
        read_in_worker(cells_with_pid, open_table(big_csv)) as items,
    ):
        pid = next(items)[0]
        raise KeyboardInterrupt
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_without_a_python_to_start_the_file_is_read_here(
    big_csv: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} == {os.getpid()}
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert "cannot start the import worker" in caplog.text and "/nonexistent" in caplog.text


@POSIX
def test_a_worker_that_stops_before_sending_anything_means_reading_here(
    big_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = tmp_path / "python3"
    broken.write_text("#!/bin/sh\necho 'python3: broken install' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} == {os.getpid()}
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert "exit code 3" in caplog.text and "python3: broken install" in caplog.text


def test_the_worker_reads_on_while_nothing_is_asked_of_it(
    big_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The point of it: the whole file is read while this process does other work (the
    frames, far more than a pipe holds, wait here until they are asked for)."""
    monkeypatch.setattr(worker, "FRAME_ITEMS", 50)
    marker = big_csv.with_suffix(".read")
    with read_in_worker(mark_the_end, open_table(big_csv)) as items:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), "the worker stopped until its items were asked for"
        read = list(items)
    assert marker.read_text() == str(ROWS) and len(read) == ROWS
    assert read[0][0] != os.getpid()


@POSIX
def test_leaving_early_kills_a_worker_that_is_still_busy(big_csv: Path) -> None:
    pid = 0

    def leave_early() -> None:
        nonlocal pid
        with read_in_worker(hang_at_row_3000, open_table(big_csv)) as items:
            pid = next(items)[0]

    thread = threading.Thread(target=leave_early, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "leaving the block waited for a worker that never ends"
    assert pid not in (0, os.getpid())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@POSIX
def test_output_that_is_not_the_workers_means_reading_here(
    big_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Something printing on the worker's stdout before it starts (a site hook, a wrapper
    script) must neither hang the import nor be unpickled."""
    chatty = tmp_path / "python3"
    chatty.write_text(f"#!/bin/sh\necho 'Welcome to Python!'\nexec '{sys.executable}' \"$@\"\n")
    chatty.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(chatty))
    done = threading.Event()
    read: list[tuple[int, int, str, str]] = []

    def import_it() -> None:
        with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
            read.extend(items)
        done.set()

    threading.Thread(target=import_it, daemon=True).start()
    assert done.wait(30), "the import hung on the worker's output"
    assert {pid for pid, *_ in read} == {os.getpid()}
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert "something else than its frames" in caplog.text


def test_the_worker_imports_this_package_not_one_in_the_current_directory(
    big_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoy = tmp_path / "elsewhere" / "packstation"
    decoy.mkdir(parents=True)
    ran = tmp_path / "decoy-ran"
    (decoy / "__init__.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    monkeypatch.chdir(decoy.parent)
    monkeypatch.setenv("PYTHONPATH", str(decoy.parent))
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert not ran.exists(), "the worker imported the packstation of the current directory"
    assert {pid for pid, *_ in read} - {os.getpid()}
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)


def test_with_no_python_executable_known_the_file_is_read_here(
    big_csv: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "executable", None)  # documented as possible
    with read_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} == {os.getpid()}
    assert "cannot start the import worker" in caplog.text


def test_once_the_worker_sends_rows_this_process_lets_go_of_the_text(big_csv: Path) -> None:
    """The whole decoded file would otherwise stay here while the import stores it."""
    table = open_table(big_csv)
    assert table.source is not None and table.source() is not None
    with read_in_worker(cells_with_pid, table) as items:
        first = next(items)
        gc.collect()
        assert table.source() is None, "the table still holds its text"
        rest = list(items)
    assert first[0] != os.getpid() and len(rest) == ROWS - 1


def test_a_table_read_to_the_end_holds_no_text(big_csv: Path) -> None:
    """(So a table kept until the import ends costs nothing once read.)"""
    table = open_table(big_csv)
    assert table.csv_text() is not None
    assert sum(1 for _ in table.rows) == ROWS
    gc.collect()
    assert table.csv_text() is None
