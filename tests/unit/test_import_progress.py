"""The import's one progress bar: forward only, whatever order reading and storing report in."""

from __future__ import annotations

import pytest

from packstation.services.import_progress import CancelToken, ImportCancelledError, ImportProgress


def bar() -> tuple[ImportProgress, list[tuple[int, int]]]:
    told: list[tuple[int, int]] = []
    progress = ImportProgress(lambda done, total, _skipped: told.append((done, total)))
    progress.size(100)  # two files: 60 rows, then 40
    return progress, told


def test_reading_and_storing_two_files_fill_the_bar_in_order() -> None:
    progress, told = bar()
    progress.start_file(60)
    progress.reading(30, 100)  # half of file one read
    progress.reading(60, 100)
    progress.storing(50, 100)
    progress.storing(100, 100)
    progress.file_done()
    progress.start_file(40)
    progress.reading(100, 100)
    progress.storing(40, 40)
    progress.file_done()
    progress.finish()
    assert told == [(30, 200), (60, 200), (90, 200), (120, 200), (160, 200), (199, 200),
                    (200, 200)]  # fmt: skip


def test_a_total_that_turns_out_larger_never_moves_the_bar_back() -> None:
    progress, told = bar()
    progress.start_file(60)
    progress.storing(90, 100)  # against the estimate…
    progress.storing(90, 300)  # …then the exact total: a smaller share, told nothing
    progress.storing(300, 300)
    assert [done for done, _ in told] == [54, 60]


def test_without_a_callback_nothing_is_called_and_nothing_fails() -> None:
    progress = ImportProgress(None)
    progress.size(0)
    progress.start_file(0)
    progress.reading(1, 1)
    progress.storing(1, 1)
    progress.file_done()
    progress.finish()
    assert progress.total == 2


def test_skipped_rows_are_told_with_the_progress_and_at_the_end() -> None:
    told: list[tuple[int, int, int]] = []
    progress = ImportProgress(lambda done, total, skipped: told.append((done, total, skipped)))
    progress.size(100)
    progress.start_file(100)
    progress.reading(100, 100)
    progress.add_skipped(30)  # told at once, though the bar did not move
    progress.storing(10, 10)
    progress.file_done()
    progress.finish()
    assert told == [(100, 200, 0), (100, 200, 30), (199, 200, 30), (200, 200, 30)]


def test_a_cancelled_token_stops_at_the_next_step() -> None:
    token = CancelToken()
    progress = ImportProgress(None, token)
    progress.reading(1, 10)
    token.cancel()
    with pytest.raises(ImportCancelledError):
        progress.reading(2, 10)
