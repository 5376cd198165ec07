"""`packstation gui` on a real X server (Xvfb), typed at by xdotool as a scanner and a person.

Fails instead of skipping when PACKSTATION_REQUIRE_GUI is set (CI) and Xvfb or xdotool is
missing: the window must be shown to run on a real display, not only offscreen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.storage.database import Database
from packstation.storage.tables import ScanEvent
from tests.factories import SOCKS, TEE, load, order
from tests.ui.conftest import REQUIRE_GUI

WAIT_S = 20.0


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install xvfb xdotool)"
        if REQUIRE_GUI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def display() -> Iterator[str]:
    """A private Xvfb server; its display name."""
    xvfb = _tool("Xvfb")
    _tool("xdotool")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        assert number, "Xvfb did not report a display"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def _xdotool(display: str, *args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=WAIT_S + 10,
        check=True,
    )
    return result.stdout.strip()


def _verdicts(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(ScanEvent.verdict).order_by(ScanEvent.id)))


def _wait_for(db: Database, count: int) -> list[str]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = _verdicts(db)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    return _verdicts(db)


def test_the_window_on_x11_takes_scanner_bursts_and_leaves_typing_alone(
    display: str, db_file: tuple[str, Database], tmp_path: Path
) -> None:
    url, db = db_file
    load(db, order("X11", TEE, SOCKS))
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packstation",
            "--db",
            url,
            "gui",
            "--bench",
            "X1",
            "--packer",
            "packer1",
            "--printer",
            "mock",
            "--lang",
            "en",
            "--size",
            "1366x768",
            "--settings",
            str(tmp_path / "bench.ini"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        window = _xdotool(
            display, "search", "--sync", "--onlyvisible", "--name", "PackStation"
        ).splitlines()[0]
        _xdotool(display, "windowfocus", "--sync", window)
        time.sleep(1.0)  # the worker opens the bench

        _xdotool(display, "type", "--delay", "4", "X11\n")
        assert _wait_for(db, 1) == ["order_opened"]
        _xdotool(display, "type", "--delay", "4", "SOCK5P-BOX\n")  # Shift held for capitals
        assert _wait_for(db, 2) == ["order_opened", "over_quantity"]  # 5 units, 2 wanted
        _xdotool(display, "type", "--delay", "4", "6901234567892\n")
        assert _wait_for(db, 3) == ["order_opened", "over_quantity", "ok"]

        _xdotool(display, "type", "--delay", "200", "6920000000012\n")  # a person typing
        time.sleep(1.0)
        assert _verdicts(db) == ["order_opened", "over_quantity", "ok"]

        _xdotool(display, "type", "--delay", "4", "6920000000012\n")
        assert _wait_for(db, 4)[3:] == ["ok"]
        time.sleep(0.4)  # past the bounce window: the second unit
        _xdotool(display, "type", "--delay", "4", "6920000000012\n")
        assert _wait_for(db, 5)[3:] == ["ok", "order_complete"]
        assert app.poll() is None, app.stdout.read() if app.stdout else ""
    finally:
        app.terminate()
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(5)
