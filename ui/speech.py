"""Optional spoken prompts ("3 件", "优先：杭州", "订单已退款") where the machine has a voice.

QtTextToSpeech (PySide6-Addons) speaks through the platform's engine: speech-dispatcher
on Linux, SAPI or WinRT on Windows. A prompt is spoken only by a voice for its language;
without one, without an engine, or when speech is switched off, nothing is said and
nothing fails: speech is a help on top of the screen and the cue sounds, never needed.
The engine is loaded on first use, so a bench with speech off pays nothing for it.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import Any

from PySide6.QtCore import QLocale, QObject, Signal

log = logging.getLogger(__name__)

TEST_ENGINE = "mock"  # Qt's test plugin ships in the wheel; it must never speak at a bench


def _load_speech() -> ModuleType | None:
    try:
        return importlib.import_module("PySide6.QtTextToSpeech")
    except ImportError as exc:
        log.info("speech off: QtTextToSpeech cannot be loaded (%s)", exc)
        return None


class Speaker(QObject):
    """Says short prompts in the packer's language when enabled and a voice exists."""

    said = Signal(str, str)  # text, lang: handed to a voice (not emitted when silent)

    def __init__(
        self, enabled: bool = False, parent: QObject | None = None, *, engine: str | None = None
    ) -> None:
        super().__init__(parent)
        self._enabled = bool(enabled)
        self._engine_name = engine  # None: the first real engine the platform offers
        self._tts: Any = None
        self._loaded = False
        self._voices: dict[QLocale.Language, tuple[QLocale, Any] | None] = {}
        self._current: QLocale.Language | None = None

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = bool(enabled)
        if not self._enabled:
            self.stop()

    @property
    def available(self) -> bool:
        """True when a text-to-speech engine is ready (a voice per language: `can_say`)."""
        return self._engine() is not None

    @property
    def speaking(self) -> bool:
        tts = self._tts
        try:
            return tts is not None and tts.state() == type(tts).State.Speaking
        except Exception:
            return False

    def can_say(self, lang: str) -> bool:
        """True if the engine has a voice for `lang` ("zh", "en", "zh_CN" …)."""
        try:
            return self._voice_for(lang) is not None
        except Exception:
            log.exception("speech: looking up a voice for %r failed", lang)
            return False

    def say(self, text: str, lang: str) -> None:
        """Speak `text` with a voice for `lang`, interrupting the previous prompt.

        Silent when disabled, when the text is blank or when no voice speaks `lang`.
        Never raises.
        """
        if not self._enabled or not text.strip():
            return
        try:
            found = self._voice_for(lang)
            if found is None:
                return
            tts = self._tts
            language = found[0].language()
            if self._current != language:
                tts.setLocale(found[0])
                tts.setVoice(found[1])
                self._current = language
            tts.say(text)
        except Exception:
            log.exception("speech: could not say %r", text)
            return
        self.said.emit(text, lang)

    def stop(self) -> None:
        try:
            if self._tts is not None:
                self._tts.stop()
        except Exception:
            log.exception("speech: stop failed")

    def _engine(self) -> Any:
        if not self._loaded:
            self._loaded = True
            try:
                self._tts = self._load_engine()
            except Exception:
                log.exception("speech off: the text-to-speech engine failed to load")
                self._tts = None
        return self._tts

    def _load_engine(self) -> Any:
        module = _load_speech()
        if module is None:
            return None
        engine_cls = module.QTextToSpeech
        if self._engine_name is not None:
            names = [self._engine_name]
        else:
            names = [n for n in engine_cls.availableEngines() if n != TEST_ENGINE]
        for name in names:
            tts = engine_cls(name, self)
            if tts.state() != engine_cls.State.Error:
                log.info("speech: using the %s engine", name)
                return tts
            log.info("speech: engine %s unusable: %s", name, tts.errorString())
            tts.deleteLater()
        return None

    def _voice_for(self, lang: str) -> tuple[QLocale, Any] | None:
        """(locale, voice) of the first voice for the language of `lang`, looked up once."""
        language = QLocale(lang.replace("-", "_")).language()
        if language in (QLocale.Language.C, QLocale.Language.AnyLanguage):
            return None
        if language in self._voices:
            return self._voices[language]
        tts = self._engine()
        found = None
        if tts is not None:
            for locale in tts.availableLocales():
                if locale.language() != language:
                    continue
                tts.setLocale(locale)
                voices = tts.availableVoices()
                if voices:
                    found = (locale, voices[0])
                    break
            self._current = None  # the lookup moved the engine's locale
        self._voices[language] = found
        return found
