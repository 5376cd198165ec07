"""Shared fixtures: real SQLite files and a real PostgreSQL schema, both migrated by Alembic.

PostgreSQL tests skip when the server is unreachable, unless PACKSTATION_REQUIRE_POSTGRES
is set (CI sets it): then they fail, and the run fails if any of them was skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import create_engine, text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from packstation.storage.database import Database
from packstation.storage.engine import make_engine
from packstation.storage.schema import upgrade
from packstation.storage.tables import Base

# Hypothesis keeps its examples and caches outside the checkout (not in ./.hypothesis).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "packstation-hypothesis")

PG_URL = os.environ.get("PACKSTATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")
REQUIRE_PG = bool(os.environ.get("PACKSTATION_REQUIRE_POSTGRES"))
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
CHECKOUT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI answers in the locale's language (LANG): pin a locale that names none, so
    tests see the default Chinese-then-English answers wherever they run."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A private schema per test run, so parallel runs on one server never collide."""
    schema = f"pstest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # server down or unreachable
        admin.dispose()
        message = f"PostgreSQL at {PG_URL} is unreachable: {exc}"
        if REQUIRE_PG:
            pytest.fail(message)
        pytest.skip(message)
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "packstation.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_schema_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.from_url(db_url)
    yield database
    database.dispose()


def _untracked() -> set[str] | None:
    """Files in the checkout that git neither tracks nor ignores; None outside a git
    checkout (an installed copy)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-standard", "--directory"],
            cwd=CHECKOUT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return set(listed.stdout.splitlines())


_UNTRACKED_BEFORE: set[str] | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _UNTRACKED_BEFORE
    _UNTRACKED_BEFORE = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that leaves new files in the checkout fails (tests write to tmp_path); with
    PostgreSQL required, a run in which its tests were skipped is a failed run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    after = _untracked()
    if reporter is not None and _UNTRACKED_BEFORE is not None and after is not None:
        left = sorted(after - _UNTRACKED_BEFORE)
        if left:
            reporter.write_line(f"The tests left files in the checkout: {left}", red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if not REQUIRE_PG or reporter is None:
        return
    skipped = [r for r in reporter.stats.get("skipped", []) if "postgres" in r.keywords]
    passed = [r for r in reporter.stats.get("passed", []) if "postgres" in r.keywords]
    if skipped or not passed:
        reporter.write_line(
            f"PostgreSQL required: {len(passed)} passed, {len(skipped)} skipped -> failing run",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
