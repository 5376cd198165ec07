"""Cue sounds: the generated files, what each sounds like, and the player with and without audio.

The player is tested three ways: QtMultimedia missing (the import made to fail, as without
libpulse0), QtMultimedia present but no audio output (this machine, or one told so), and a
real audio output: a PulseAudio null sink started for the test (skipped where the
`pulseaudio` binary is not installed), where every cue is heard to start playing.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from packstation.ui import sound
from packstation.ui.sound import CUES, SoundPlayer, clamp_volume, cue_path, resolve_cue
from PySide6.QtCore import QObject

RATE = 22050
MAKE_SOUNDS = Path(__file__).resolve().parents[2] / "assets" / "sounds" / "make_sounds.py"


def samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(float) / 32767


def dominant_hz(chunk: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(chunk * np.hanning(len(chunk))))
    return float(np.fft.rfftfreq(len(chunk), 1 / RATE)[np.argmax(spectrum)])


def tones(signal: np.ndarray, gap_s: float = 0.015) -> list[np.ndarray]:
    """The signal split at silences of at least `gap_s`."""
    loud = np.abs(signal) > 0.01
    parts, start, quiet = [], None, 0
    for i, on in enumerate(loud):
        if on:
            if start is None:
                start = i
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= gap_s * RATE:
                parts.append(signal[start : i - quiet + 1])
                start, quiet = None, 0
    if start is not None:
        parts.append(signal[start:])
    return parts


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sounds", MAKE_SOUNDS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the files -----------------------------------------------------------------------


def test_every_cue_has_a_short_wav_in_the_assets() -> None:
    assert set(load_script().CUES) == set(CUES)
    for cue in CUES:
        signal = samples(cue_path(cue))
        assert 0.02 < len(signal) / RATE <= 2.5, cue
        assert np.max(np.abs(signal)) <= 0.8, cue  # headroom: no clipping on any card


def test_committed_wavs_are_what_the_script_makes(tmp_path: Path) -> None:
    load_script().write_all(tmp_path)
    for cue in CUES:
        made, committed = samples(tmp_path / f"{cue}.wav"), samples(cue_path(cue))
        assert made.shape == committed.shape, cue
        assert np.max(np.abs(made - committed)) <= 2 / 32767, cue  # a libm ulp, no more


def test_ok_is_a_short_high_beep() -> None:
    signal = samples(cue_path("ok"))
    assert len(signal) / RATE <= 0.12
    assert dominant_hz(signal) > 1500


def test_error_is_a_low_harsh_buzz() -> None:
    signal = samples(cue_path("error"))
    assert len(signal) / RATE >= 0.5
    assert dominant_hz(signal) < 300
    spectrum = np.abs(np.fft.rfft(signal))
    freqs = np.fft.rfftfreq(len(signal), 1 / RATE)
    harsh = spectrum[freqs > 400].sum() / spectrum.sum()
    assert harsh > 0.3  # square-wave overtones, not a soft hum


def test_priority_is_three_rising_tones() -> None:
    parts = tones(samples(cue_path("priority")))
    assert len(parts) == 3
    pitches = [dominant_hz(part) for part in parts]
    assert pitches[0] * 1.2 < pitches[1] and pitches[1] * 1.2 < pitches[2]


def test_intercept_is_a_long_alternating_siren() -> None:
    signal = samples(cue_path("intercept"))
    assert len(signal) / RATE >= 1.5
    step = round(0.25 * RATE)
    pitches = [dominant_hz(signal[i : i + step]) for i in range(0, len(signal) - step + 1, step)]
    assert len(pitches) >= 6
    high, low = max(pitches), min(pitches)
    assert high > 1.3 * low
    for a, b in itertools.pairwise(pitches):
        assert {round(a), round(b)} == {round(high), round(low)}  # hi, lo, hi, lo …


def test_opened_and_complete_rise_and_duplicate_is_a_quiet_tick() -> None:
    opened = [dominant_hz(p) for p in tones(samples(cue_path("opened")))]
    assert len(opened) == 2 and opened[0] < opened[1]
    complete = samples(cue_path("complete"))
    assert 0.3 < len(complete) / RATE < 1.0
    duplicate, ok = samples(cue_path("duplicate")), samples(cue_path("ok"))
    assert len(duplicate) < len(ok)
    assert np.max(np.abs(duplicate)) < 0.6 * np.max(np.abs(ok))


def test_cues_sound_different() -> None:
    """No two cues share both length and pitch: each is told apart by ear."""
    seen = {}
    for cue in CUES:
        signal = samples(cue_path(cue))
        seen[cue] = (round(len(signal) / RATE, 2), round(dominant_hz(signal), -1))
    assert len(set(seen.values())) == len(CUES), seen


# --- mapping and volume --------------------------------------------------------------


@pytest.mark.parametrize("cue", CUES)
def test_known_cues_map_to_their_own_file(cue: str) -> None:
    assert resolve_cue(cue) == cue
    assert cue_path(cue).name == f"{cue}.wav"


@pytest.mark.parametrize("cue", ["", "OK", "beep", "wrong_item", "../error"])
def test_an_unknown_cue_plays_the_error_cue(cue: str) -> None:
    assert resolve_cue(cue) == "error"
    assert cue_path(cue) == cue_path("error")


@pytest.mark.parametrize(
    ("given", "expected"),
    [(0.5, 0.5), (0, 0.0), (1, 1.0), (1.7, 1.0), (-0.3, 0.0), (float("inf"), 1.0),
     (float("-inf"), 0.0), (float("nan"), None)],
)
def test_volume_is_clamped(given: float, expected: float | None) -> None:
    assert clamp_volume(given) == expected


# --- the player without sound ---------------------------------------------------------


@pytest.fixture
def no_multimedia(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing QtMultimedia fails, as it does where libpulse0 is missing."""
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)


def test_without_qtmultimedia_the_player_is_silent_and_never_raises(
    qtbot: object, no_multimedia: None
) -> None:
    with pytest.raises(ImportError):
        importlib.import_module("PySide6.QtMultimedia")
    player = SoundPlayer()
    assert player.available is False
    played: list[str] = []
    player.cue_played.connect(played.append)
    for cue in [*CUES, "nonsense", ""]:
        player.play(cue)
    assert played == [*CUES, "error", "error"]


def test_without_an_audio_output_the_player_is_silent(
    qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtMultimedia import QAudioDevice, QMediaDevices

    monkeypatch.setattr(QMediaDevices, "defaultAudioOutput", staticmethod(QAudioDevice))
    player = SoundPlayer()
    assert player.available is False
    player.play("intercept")  # nothing to play on, nothing raised


def test_volume_is_kept_clamped_and_nan_ignored(qtbot: object, no_multimedia: None) -> None:
    parent = QObject()
    player = SoundPlayer(volume=3.0, parent=parent)
    assert player.parent() is parent
    assert player.volume == 1.0
    player.set_volume(0.25)
    assert player.volume == 0.25
    player.set_volume(-1)
    assert player.volume == 0.0
    player.set_volume(float("nan"))
    assert player.volume == 0.0
    assert SoundPlayer(volume=float("nan")).volume == sound.DEFAULT_VOLUME


def test_cue_files_are_found_where_the_assets_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed app finds its sounds beside its fonts ($PACKSTATION_ASSETS or share/)."""
    monkeypatch.setenv("PACKSTATION_ASSETS", str(tmp_path))
    assert cue_path("ok") == tmp_path / "sounds" / "ok.wav"
    assert cue_path("nonsense") == tmp_path / "sounds" / "error.wav"


# --- the player on a real audio output -------------------------------------------------


PLAY_SCRIPT = """
import json, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from PySide6.QtMultimedia import QSoundEffect
from packstation.ui.sound import CUES, SoundPlayer
player = SoundPlayer(volume=2.0)
effects = player._effects
deadline = time.monotonic() + 10
while time.monotonic() < deadline and any(
    e.status() == QSoundEffect.Status.Loading for e in effects.values()
):
    app.processEvents()
report = {"available": player.available,
          "ready": sorted(c for c, e in effects.items() if e.status() == QSoundEffect.Status.Ready),
          "volumes": sorted({e.volume() for e in effects.values()})}
player.set_volume(0.3)
report["volumes_after"] = sorted({round(e.volume(), 3) for e in effects.values()})
heard = {}
for cue in [*CUES, "nonsense"]:
    for e in effects.values():
        e.stop()
    app.processEvents()
    player.play(cue)
    app.processEvents()
    heard[cue] = sorted(c for c, e in effects.items() if e.isPlaying())
report["heard"] = heard
print(json.dumps(report))
"""


@pytest.fixture
def audio_output(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A PulseAudio server with a null sink, private to this test; the env to reach it."""
    binary = shutil.which("pulseaudio")
    if binary is None:
        pytest.skip("needs the pulseaudio binary for a real (null) audio output")
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)}
    server = subprocess.Popen(
        [binary, "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm",
         "--load=module-null-sink sink_name=test", "--load=module-native-protocol-unix"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    socket = runtime / "pulse" / "native"
    try:
        deadline = time.monotonic() + 15
        while not socket.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"pulseaudio did not start (exit {server.poll()})")
            time.sleep(0.05)
        yield {**env, "PULSE_SERVER": f"unix:{socket}", "QT_QPA_PLATFORM": "offscreen"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_on_a_real_audio_output_every_cue_is_preloaded_and_plays(
    audio_output: dict[str, str],
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PLAY_SCRIPT], env=audio_output, capture_output=True,
        text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["available"] is True
    assert report["ready"] == sorted(CUES)
    assert report["volumes"] == [1.0]  # 2.0 clamped
    assert report["volumes_after"] == [0.3]
    for cue in CUES:
        assert report["heard"][cue] == [cue]
    assert report["heard"]["nonsense"] == ["error"]
