"""The house rules as tests: ruff clean, and the dependency rule (import-linter contracts)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_ruff_finds_nothing() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependency_rule_holds(tmp_path: Path) -> None:
    """import-linter over the package as installed: ui/ and printers/ inside packstation/.

    grimp finds modules by walking the package directory, so the setuptools package-dir
    mapping of the source tree is assembled here the way a wheel lays it out.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "packstation", tmp_path / "packstation", ignore=ignore)
    shutil.copytree(ROOT / "ui", tmp_path / "packstation" / "ui", ignore=ignore)
    shutil.copytree(ROOT / "printers", tmp_path / "packstation" / "printers", ignore=ignore)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_and_services_type_check_strictly(tmp_path: Path) -> None:
    """`mypy --strict` on the domain, the services and the packing SQL (pyproject's
    [tool.mypy] lists the modules owned by parallel branches, left out until they merge)."""
    result = subprocess.run(
        [
            _tool("mypy"), "--strict", "--cache-dir", str(tmp_path / "mypy"),
            "packstation/domain", "packstation/services", "packstation/storage/packing.py",
            "packstation/storage/failures.py",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
