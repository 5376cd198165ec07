"""One language or both: `--lang zh|en`, the locale (LANG), else Chinese then English."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from packstation.cli import main

BOTH = "packstation: 找不到订单：NOPE / order not found: NOPE\n"
ENGLISH = "packstation: order not found: NOPE\n"
CHINESE = "packstation: 找不到订单：NOPE\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("option", "expected"), [("en", ENGLISH), ("zh", CHINESE)])
def test_lang_option_gives_one_line_in_one_language(
    db_url: str, capsys: pytest.CaptureFixture[str], option: str, expected: str
) -> None:
    assert run(capsys, "--lang", option, "--db", db_url, "pack", "NOPE") == (1, "", expected)


def test_by_default_chinese_then_english_on_one_line(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", db_url, "pack", "NOPE") == (1, "", BOTH)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en_US.UTF-8", ENGLISH), ("zh_CN.UTF-8", CHINESE), ("C.UTF-8", BOTH), ("", BOTH)],
)
def test_the_locale_picks_the_language_when_no_option_does(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    expected: str,
) -> None:
    monkeypatch.setenv("LANG", lang)
    assert run(capsys, "--db", db_url, "pack", "NOPE") == (1, "", expected)


def test_the_option_beats_the_locale(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run(capsys, "--lang", "zh", "--db", db_url, "pack", "NOPE") == (1, "", CHINESE)


def test_a_usage_error_comes_in_the_language_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--lang", "en", "no-such-command")
    assert (code, out) == (2, "")
    assert err.startswith("packstation: usage error: argument COMMAND: invalid choice")
    assert "命令" not in err and err.count("\n") == 1
    code, _, err = run(capsys, "--lang", "fr", "stats")
    assert code == 2 and "invalid choice: 'fr'" in err and "命令参数错误" in err


def test_address_output_in_one_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "address", "朝阳区 1号", "火星")
    ambiguous, unknown = out.splitlines()
    assert code == 0 and "\tambiguous: " in ambiguous and "需确认" not in ambiguous
    assert unknown.split("\t")[1:] == ["unknown", "ambiguous: anywhere (nothing_usable)"]
    code, out, _ = run(capsys, "--lang", "zh", "address", "北京市朝阳区建国路 1号")
    assert out.rstrip("\n").split("\t")[2] == "优先 京 2日达"
    code, out, _ = run(capsys, "address", "北京市朝阳区建国路 1号")
    assert out.rstrip("\n").split("\t")[2] == "优先 京 2日达 / priority beijing"
    code, _, err = run(capsys, "--lang", "en", "address")
    assert err == "packstation: Give at least one address, or a file with --csv.\n"


def test_the_installed_command_reads_lang_from_the_environment(db_url: str) -> None:
    """The real process: `LANG=en_US.UTF-8 packstation pack NOPE` says one English line."""
    env = {**os.environ, "LANG": "en_US.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "packstation", "--db", db_url, "pack", "NOPE"],
        env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", ENGLISH)
