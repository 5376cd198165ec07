"""Generate the bench's cue sounds: `python assets/sounds/make_sounds.py [OUT_DIR]`.

Every cue is synthesised here from sine, square and triangle tones, so the project ships
no sound it did not make (see README.md). Each is made to be told apart without looking
at the screen: by pitch (high = fine, low = wrong), by length and by rhythm. Output is
16-bit mono PCM WAV at 22.05 kHz, deterministic (the same bytes on every run), so the
committed files can be checked against this script.

Standard library only: the script is a build step, not an app dependency.
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path

RATE = 22050
FADE_S = 0.006  # attack and release: no clicks at the edges of a tone

Wave = Callable[[float], float]  # phase in cycles -> sample in -1..1


def sine(phase: float) -> float:
    return math.sin(2 * math.pi * phase)


def square(phase: float) -> float:
    return 1.0 if phase % 1.0 < 0.5 else -1.0


def triangle(phase: float) -> float:
    p = phase % 1.0
    return 4 * p - 1 if p < 0.5 else 3 - 4 * p


def bright(phase: float) -> float:
    """Sine with odd harmonics: carries through warehouse noise better than a pure sine."""
    return 0.75 * sine(phase) + 0.2 * sine(3 * phase) + 0.05 * sine(5 * phase)


def tone(freq: float, seconds: float, level: float, shape: Wave = sine) -> list[float]:
    """One tone with a short linear fade in and out."""
    n = round(seconds * RATE)
    fade = max(1, round(FADE_S * RATE))
    out = []
    for i in range(n):
        envelope = min(1.0, i / fade, (n - 1 - i) / fade)
        out.append(level * envelope * shape(freq * i / RATE))
    return out


def buzz(seconds: float, level: float) -> list[float]:
    """Two detuned low square waves: a harsh, beating buzz nobody takes for a beep."""
    a = tone(150.0, seconds, 1.0, square)
    b = tone(157.0, seconds, 1.0, square)
    return [level * 0.5 * (x + y) for x, y in zip(a, b, strict=True)]


def silence(seconds: float) -> list[float]:
    return [0.0] * round(seconds * RATE)


def join(*parts: Iterable[float]) -> list[float]:
    return [sample for part in parts for sample in part]


CUES: dict[str, Callable[[], list[float]]] = {
    # A unit went in: one short high beep, heard a thousand times a day, so not loud.
    "ok": lambda: tone(1976.0, 0.08, 0.45),
    # An order opened: two quick rising notes.
    "opened": lambda: join(tone(1319.0, 0.07, 0.5), silence(0.02), tone(1760.0, 0.09, 0.5)),
    # The box is complete: a bright rising arpeggio (C6 E6 G6 C7).
    "complete": lambda: join(
        *(tone(f, 0.09, 0.5, bright) for f in (1047.0, 1319.0, 1568.0)),
        tone(2093.0, 0.2, 0.5, bright),
    ),
    # Wrong, unknown, over-quantity: a low harsh buzz, twice.
    "error": lambda: join(buzz(0.28, 0.6), silence(0.07), buzz(0.28, 0.6)),
    # A priority parcel: three rising tones a fifth and a fourth apart, triangle timbre.
    "priority": lambda: join(
        tone(587.0, 0.16, 0.7, triangle),
        silence(0.04),
        tone(880.0, 0.16, 0.7, triangle),
        silence(0.04),
        tone(1175.0, 0.3, 0.7, triangle),
    ),
    # Stop the parcel: a long two-tone siren (hi-lo), 2 s, the loudest cue.
    "intercept": lambda: join(
        *(tone(f, 0.25, 0.75, bright) for _ in range(4) for f in (988.0, 659.0))
    ),
    # A scanner double read, ignored: a soft, very short low tick.
    "duplicate": lambda: tone(440.0, 0.035, 0.25),
}


def write_wav(path: Path, samples: list[float]) -> None:
    pcm = array("h", (round(max(-1.0, min(1.0, s)) * 32767) for s in samples))
    if sys.byteorder == "big":
        pcm.byteswap()  # WAV is little-endian
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def write_all(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in CUES.items():
        path = out_dir / f"{name}.wav"
        write_wav(path, make())
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for written in write_all(target):
        print(written)
