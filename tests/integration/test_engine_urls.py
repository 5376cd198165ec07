"""Database URLs: what is refused, and that opening one creates nothing unasked."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.storage import engine as engine_module
from packstation.storage.engine import default_url, make_engine


def test_a_sqlite_file_in_a_missing_folder_is_an_error_not_a_new_database(
    tmp_path: Path,
) -> None:
    with pytest.raises(UserError, match="does not exist"):
        make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_uri_creates_no_folder_named_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine(f"sqlite:///file:{tmp_path / 'u.db'}?mode=rwc&uri=true")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["u.db"]


def test_a_database_without_an_installed_driver_is_a_user_error() -> None:
    with pytest.raises(UserError, match="mysql"):
        make_engine("mysql://nobody@127.0.0.1/none")
    with pytest.raises(UserError, match="nosuchdb"):
        make_engine("nosuchdb://x")


def test_the_default_database_folder_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(engine_module.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = default_url()
    assert url == f"sqlite:///{tmp_path / 'data' / 'PackStation' / 'packstation.db'}"
    make_engine(url).dispose()
    assert (tmp_path / "data" / "PackStation").is_dir()
