"""A big CSV read in a worker process: same items as in this process, errors carried
over, the worker always stopped, and a worker that cannot start means reading here."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.importers import worker
from packstation.importers.reading import Table, open_table
from packstation.importers.worker import WorkerError, rows_in_worker
from tests.importers.conftest import WriteCsv, WriteXlsx

ROWS = 5000  # more than one frame


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
    with rows_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} - {os.getpid()}, "no worker process read it"
    assert len({pid for pid, *_ in read}) == 1
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert read[0][1:] == (2, "000001", "商品“1”, 第二列")  # spreadsheet row numbers


def test_small_files_and_xlsx_are_read_in_this_process(
    big_csv: Path, write_xlsx: WriteXlsx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "MIN_ROWS", ROWS + 10)  # more rows than the file has
    with rows_in_worker(cells_with_pid, open_table(big_csv)) as items:
        assert {pid for pid, *_ in items} == {os.getpid()}
    monkeypatch.setattr(worker, "MIN_ROWS", 0)
    sheet = write_xlsx([["编号", "名称"], ["000001", "一"], ["000002", "二"]], "small.xlsx")
    with rows_in_worker(cells_with_pid, open_table(sheet)) as items:
        assert [(pid, n, a) for pid, n, a, _b in items] == [
            (os.getpid(), 2, "000001"),
            (os.getpid(), 3, "000002"),
        ]


def test_a_user_error_in_the_worker_is_raised_here_with_its_message(big_csv: Path) -> None:
    read: list[tuple[int, str]] = []
    with (
        pytest.raises(UserError) as raised,
        rows_in_worker(refuse_row_4321, open_table(big_csv)) as items,
    ):
        read.extend(items)
    assert raised.value.zh == "第 4321 行不行：004320"
    assert raised.value.en == "row 4321 will not do: 004320"
    assert read == [(n, f"{n - 1:06d}") for n in range(2, 4321)]  # every row before it


def test_a_bug_in_the_worker_ends_in_worker_error_with_its_traceback(big_csv: Path) -> None:
    with (
        pytest.raises(WorkerError, match="ValueError: a bug at row 3000"),
        rows_in_worker(fail_at_row_3000, open_table(big_csv)) as items,
    ):
        list(items)


def test_a_worker_that_dies_midway_is_an_error_not_a_short_file(big_csv: Path) -> None:
    read: list[int] = []
    with (
        pytest.raises(WorkerError, match="exit code 7"),
        rows_in_worker(die_at_row_3000, open_table(big_csv)) as items,
    ):
        read.extend(items)
    assert read == list(range(2, 2002))  # the one whole frame it sent before it died


def test_leaving_early_stops_the_worker(big_csv: Path) -> None:
    with rows_in_worker(cells_with_pid, open_table(big_csv)) as items:
        pid = next(items)[0]
        assert pid != os.getpid()
        os.kill(pid, 0)  # still running (or at least not yet reaped)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped on the way out


def test_an_error_here_while_the_worker_runs_stops_it(big_csv: Path) -> None:
    pid = 0
    with (
        pytest.raises(KeyboardInterrupt),
        rows_in_worker(cells_with_pid, open_table(big_csv)) as items,
    ):
        pid = next(items)[0]
        raise KeyboardInterrupt
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_without_a_python_to_start_the_file_is_read_here(
    big_csv: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    with rows_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} == {os.getpid()}
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert "cannot start the import worker" in caplog.text and "/nonexistent" in caplog.text


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
    with rows_in_worker(cells_with_pid, open_table(big_csv)) as items:
        read = list(items)
    assert {pid for pid, *_ in read} == {os.getpid()}
    assert [(n, a, b) for _pid, n, a, b in read] == in_process(big_csv)
    assert "exit code 3" in caplog.text and "python3: broken install" in caplog.text
