"""`packstation gui --replay --screenshot` as scripts use it, and per-bench settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from packstation.ui.bench_settings import BenchSettings, SettingsStore
from packstation.ui.texts import visible
from PIL import Image

from packstation.storage.database import Database
from tests.factories import TEE, load, order


def test_replay_prints_one_verdict_per_code_and_saves_the_window(
    db_file: tuple[str, Database], tmp_path: Path
) -> None:
    url, db = db_file
    load(db, order("RP1", TEE))
    script = tmp_path / "scans.txt"
    script.write_text(
        "# a training script\nRP1\n6930000000028  # not in this order\n6901234567892\n",
        encoding="utf-8",
    )
    png = tmp_path / "shot.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "packstation",
            "--db",
            url,
            "gui",
            "--packer",
            "packer1",
            "--printer",
            "mock",
            "--lang",
            "en",
            "--size",
            "1366x768",
            "--replay",
            str(script),
            "--replay-interval",
            "0.35",
            "--screenshot",
            str(png),
            "--settings",
            str(tmp_path / "bench.ini"),
        ],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines == [
        {"code": "RP1", "verdict": "order_opened"},
        {"code": "6930000000028", "verdict": "unknown_code"},
        {"code": "6901234567892", "verdict": "order_complete"},
    ]
    with Image.open(png) as image:
        assert image.size == (1366, 768)


def test_gui_refuses_a_supervisor_as_the_fixed_packer(
    db_file: tuple[str, Database], tmp_path: Path
) -> None:
    url, _db = db_file
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "packstation",
            "--db",
            url,
            "gui",
            "--packer",
            "boss",
            "--screenshot",
            str(tmp_path / "x.png"),
        ],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "supervisor cannot be a bench's fixed packer" in result.stderr


def test_each_bench_keeps_its_own_settings_with_their_types(tmp_path: Path) -> None:
    path = tmp_path / "benches.ini"
    SettingsStore("B1", path).update(
        printer_spec="tcp:10.0.0.5:9100",
        volume=0.3,
        sounds=False,
        scanner_max_gap_ms=35,
        language="en",
    )
    SettingsStore("B2", path).update(label_size="76x130")
    b1, b2 = SettingsStore("B1", path).load(), SettingsStore("B2", path).load()
    assert b1 == BenchSettings(
        printer_spec="tcp:10.0.0.5:9100",
        volume=0.3,
        sounds=False,
        scanner_max_gap_ms=35,
        language="en",
    )
    assert b1.timing.max_gap_ms == 35 and b1.lang == "en"
    assert b2 == BenchSettings(label_size="76x130")


def test_control_characters_of_a_code_are_made_visible() -> None:
    assert visible("AB\x1dC\r\t\x00 é") == "AB<0x1D>C<CR><TAB><NUL><SP>é"
