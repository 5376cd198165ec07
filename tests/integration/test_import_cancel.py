"""The import dialog's Cancel button: a cancelled import changes nothing of the file under
way, whether it is cancelled while the file is read, while it is stored, or at the very
end of storing; files finished before it stay, and the error names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.bootstrap import classifier
from packstation.services import order_store
from packstation.services.importing import CancelToken, ImportCancelledError, import_files
from packstation.storage.database import Database
from tests.importers.conftest import GENERIC_HEADER, csv_text, generic_row
from tests.integration.helpers import row_counts

ORDERS = 1200


def big_file(path: Path, prefix: str, sku: str = "TEE-RED-M") -> Path:
    rows = [GENERIC_HEADER] + [generic_row(f"{prefix}{n:05d}", sku=sku) for n in range(ORDERS)]
    path.write_bytes(csv_text(rows).encode())
    return path


def cancel_when(token: CancelToken, should: object) -> object:
    """A progress callback that presses Cancel once `should(done, total)` is true."""
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int, _skipped: int) -> None:
        calls.append((done, total))
        if should(done, total):  # type: ignore[operator]
            token.cancel()

    return progress


@pytest.mark.parametrize(
    "moment",
    ["while_reading", "while_storing", "after_the_last_chunk"],
)
def test_a_cancelled_import_changes_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    monkeypatch.setattr(order_store, "CHUNK", 200)  # storing takes several steps
    first = big_file(tmp_path / "first.csv", "K")
    import_files(db, [first], classifier(db))  # known orders, to be updated below
    before = row_counts(db)
    changed = big_file(tmp_path / "changed.csv", "K", sku="MUG-01")  # every line changes
    token = CancelToken()
    storing: list[int] = []

    def should(done: int, total: int) -> bool:
        half = total // 2
        if moment == "while_reading":
            return 0 < done < half
        if done >= half:
            storing.append(done)
        if moment == "while_storing":
            return len(storing) == 2
        return done >= total - 1  # the bar's last step before `finish`

    with pytest.raises(ImportCancelledError) as cancelled:
        import_files(
            db, [changed], classifier(db), accept_changes=True,
            progress=cancel_when(token, should), cancel=token,  # type: ignore[arg-type]
        )  # fmt: skip
    assert "取消" in cancelled.value.zh and "cancelled" in cancelled.value.en
    assert row_counts(db) == before
    again = import_files(db, [changed], classifier(db), accept_changes=True)
    assert again.orders_updated == ORDERS  # nothing of the cancelled run was kept


def test_a_cancel_in_the_second_file_keeps_the_first_and_names_it(
    db: Database, tmp_path: Path
) -> None:
    first = big_file(tmp_path / "first.csv", "A")
    second = big_file(tmp_path / "second.csv", "B")
    token = CancelToken()
    seen: list[int] = []

    def should(done: int, total: int) -> bool:
        seen.append(done)
        return done > total * 3 // 4  # well into the second file

    with pytest.raises(ImportCancelledError) as cancelled:
        import_files(
            db, [first, second], classifier(db), progress=cancel_when(token, should),  # type: ignore[arg-type]
            cancel=token,
        )  # fmt: skip
    assert cancelled.value.stored == ["first.csv"]
    assert "first.csv" in cancelled.value.en
    assert row_counts(db)["orders"] == ORDERS


def test_a_token_cancelled_before_the_import_stores_nothing(db: Database, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(ImportCancelledError):
        import_files(db, [big_file(tmp_path / "a.csv", "C")], classifier(db), cancel=token)
    assert row_counts(db)["orders"] == 0
