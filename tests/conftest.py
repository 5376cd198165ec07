"""Shared fixtures: real SQLite files and a real PostgreSQL schema, both migrated by Alembic.

PostgreSQL tests skip when the server is unreachable, unless PACKSTATION_REQUIRE_POSTGRES
is set (CI sets it): then they fail, and the run fails if any of them was skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from packstation.storage.database import Database
from packstation.storage.engine import make_engine
from packstation.storage.schema import upgrade
from packstation.storage.tables import Base

PG_URL = os.environ.get("PACKSTATION_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")
REQUIRE_PG = bool(os.environ.get("PACKSTATION_REQUIRE_POSTGRES"))
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
DATA = Path(__file__).resolve().parent / "data"


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With PostgreSQL required, a run in which its tests were skipped is a failed run."""
    if not REQUIRE_PG:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [r for r in reporter.stats.get("skipped", []) if "postgres" in r.keywords]
    passed = [r for r in reporter.stats.get("passed", []) if "postgres" in r.keywords]
    if skipped or not passed:
        reporter.write_line(
            f"PostgreSQL required: {len(passed)} passed, {len(skipped)} skipped -> failing run",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
