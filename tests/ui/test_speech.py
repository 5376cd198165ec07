"""Spoken prompts: silent without an engine, a voice or consent; speaks where it can.

The "speaks" path uses Qt's own mock text-to-speech engine (shipped in the PySide6 wheel,
English voices only), which goes through the real QTextToSpeech states.
"""

from __future__ import annotations

import sys

import pytest
from packstation.ui.speech import TEST_ENGINE, Speaker
from PySide6.QtCore import QObject
from PySide6.QtTextToSpeech import QTextToSpeech

needs_mock_engine = pytest.mark.skipif(
    TEST_ENGINE not in QTextToSpeech.availableEngines(),
    reason="Qt's mock text-to-speech engine is not installed",
)


@pytest.fixture
def no_speech_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtTextToSpeech", None)


def test_is_off_by_default_and_loads_nothing(qtbot: object) -> None:
    parent = QObject()
    speaker = Speaker(parent=parent)
    assert speaker.parent() is parent
    assert speaker.enabled is False
    said: list[tuple[str, str]] = []
    speaker.said.connect(lambda text, lang: said.append((text, lang)))
    speaker.say("3 件", "zh")
    assert said == []
    assert speaker._tts is None  # no engine loaded for a bench with speech off


def test_without_qttexttospeech_it_is_silent_and_never_raises(
    qtbot: object, no_speech_module: None
) -> None:
    speaker = Speaker(enabled=True)
    assert speaker.available is False
    assert speaker.can_say("zh") is False
    said: list[tuple[str, str]] = []
    speaker.said.connect(lambda text, lang: said.append((text, lang)))
    speaker.say("优先：杭州", "zh")
    speaker.say("priority: Hangzhou", "en")
    speaker.stop()
    assert said == []
    assert speaker.speaking is False


def test_never_speaks_through_the_test_engine_at_a_bench(
    qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a real engine (speech-dispatcher, SAPI) there is no speech, even though
    the wheel carries the mock engine."""
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: [TEST_ENGINE]))
    speaker = Speaker(enabled=True)
    assert speaker.available is False
    speaker.say("hello", "en")
    assert speaker.speaking is False


def test_an_engine_that_fails_to_start_means_silence(qtbot: object) -> None:
    speaker = Speaker(enabled=True, engine="no-such-engine")
    assert speaker.available is False
    speaker.say("订单已退款", "zh")
    assert speaker.speaking is False


@needs_mock_engine
def test_speaks_with_a_voice_for_the_language(qtbot: object) -> None:
    speaker = Speaker(enabled=True, engine=TEST_ENGINE)
    assert speaker.available is True
    assert speaker.can_say("en") and speaker.can_say("en_GB") and speaker.can_say("en-US")
    with qtbot.waitSignal(speaker.said, timeout=1000) as said:
        speaker.say("three items", "en")
    assert said.args == ["three items", "en"]
    qtbot.waitUntil(lambda: speaker.speaking, timeout=2000)
    speaker.stop()
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=2000)


@needs_mock_engine
def test_is_silent_for_a_language_without_a_voice(qtbot: object) -> None:
    speaker = Speaker(enabled=True, engine=TEST_ENGINE)
    assert speaker.can_say("zh") is False  # the mock engine has no Chinese voice
    said: list[tuple[str, str]] = []
    speaker.said.connect(lambda text, lang: said.append((text, lang)))
    for lang in ("zh", "zh_CN", "", "nonsense"):
        speaker.say("优先：杭州", lang)
    assert said == []
    assert speaker.speaking is False


@needs_mock_engine
def test_switching_off_stops_and_silences(qtbot: object) -> None:
    speaker = Speaker(enabled=True, engine=TEST_ENGINE)
    speaker.say("a long prompt that takes a while to say", "en")
    qtbot.waitUntil(lambda: speaker.speaking, timeout=2000)
    speaker.set_enabled(False)
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=2000)
    said: list[tuple[str, str]] = []
    speaker.said.connect(lambda text, lang: said.append((text, lang)))
    speaker.say("hello", "en")
    speaker.say("   ", "en")
    assert said == []


@needs_mock_engine
def test_blank_text_is_not_spoken(qtbot: object) -> None:
    speaker = Speaker(enabled=True, engine=TEST_ENGINE)
    said: list[tuple[str, str]] = []
    speaker.said.connect(lambda text, lang: said.append((text, lang)))
    speaker.say(" \n", "en")
    assert said == []
