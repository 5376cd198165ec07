"""`packstation dashboard --screenshot` through the real command, and its wall mode."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from packstation.storage.database import Database
from tests.ui.dashboard_shift import build_shift


@pytest.mark.parametrize(("extra", "size"), [([], (1366, 768)), (["--wall"], (1920, 1080))])
def test_the_dashboard_command_saves_a_screenshot(
    db: Database, db_url: str, tmp_path: Path, extra: list[str], size: tuple[int, int]
) -> None:
    build_shift(db, datetime.now(UTC), troubled=True)
    png = tmp_path / "board.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "packstation",
            "dashboard",
            "--db",
            db_url,
            "--lang",
            "en",
            "--size",
            f"{size[0]}x{size[1]}",
            "--screenshot",
            str(png),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    with Image.open(png) as image:
        assert image.size == size
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50  # drawn, not blank


def test_a_bad_size_is_a_usage_error(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from packstation.cli import main

    assert main(["--db", db_url, "dashboard", "--size", "big"]) == 1
    assert "invalid size" in capsys.readouterr().err
