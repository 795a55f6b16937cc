"""Voice input: Vosk models per language and grammar-restricted decoding of one utterance.

No Flask here. One Model per model folder, loaded once for the whole process and shared
by every thread (Vosk allows that); one KaldiRecognizer per utterance. Decodes are
bounded, so a burst of residents cannot exhaust the kiosk's two cores.
"""
import importlib.util
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import KioskError

log = logging.getLogger(__name__)
RATE = 16000
BUSY_WAIT_SECONDS = 5
_models = {}
_models_lock = threading.Lock()


class VoiceUnavailable(KioskError):
    """No model for the language (or Vosk is missing): the screen shows no microphone."""


class VoiceBusy(KioskError):
    """Every decoding slot stayed busy: the resident is asked to try again."""


# A word at either end of an utterance below this confidence is taken for a breath or a
# mumble and dropped (the recogniser now and then hears "네" in the lead-in).
EDGE_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Heard:
    """A decoded utterance: its words and the recogniser's confidence in each."""
    text: str
    confidences: tuple

    @property
    def confidence(self):
        """The least sure word decides: one doubtful word makes the whole phrase doubtful."""
        return min(self.confidences, default=0.0)

    def trimmed(self):
        """The utterance without doubtful words at its start and end."""
        words, sure = self.text.split(), list(self.confidences)
        if len(words) != len(sure):
            return self
        while len(words) > 1 and sure[0] < EDGE_CONFIDENCE:
            words, sure = words[1:], sure[1:]
        while len(words) > 1 and sure[-1] < EDGE_CONFIDENCE:
            words, sure = words[:-1], sure[:-1]
        return Heard(" ".join(words), tuple(sure))


def _load(path):
    """The shared Model for a folder (loading takes seconds and half a gigabyte)."""
    with _models_lock:
        if path not in _models:
            import vosk
            vosk.SetLogLevel(-2)
            _models[path] = vosk.Model(str(path))
            log.info("voice model loaded from %s", path)
        return _models[path]


class Voice:
    """The voice models configured in kiosk.ini, and decoding with a grammar."""

    def __init__(self, settings):
        self.settings = settings
        self._decodes = threading.BoundedSemaphore(settings.max_concurrent_decodes)
        self._words = {}

    def model_path(self, language):
        """Where the model for `language` is, or None when it is not installed."""
        configured = self.settings.models.get(language)
        if isinstance(configured, str) and configured.startswith("python:"):
            spec = importlib.util.find_spec(configured.removeprefix("python:"))
            path = Path(spec.origin).parent / "model" if spec and spec.origin else None
        else:
            path = configured or self.settings.models_dir / language
        return path if path and (path / "am").is_dir() else None

    def status(self):
        """{language: (installed?, where or what is missing)} for the status page and CLI."""
        report = {}
        for language, configured in self.settings.models.items():
            path = self.model_path(language)
            wanted = configured or self.settings.models_dir / language
            report[language] = (path is not None, str(path or wanted))
        return report

    def available(self, language):
        if not self.settings.enabled or self.model_path(language) is None:
            return False
        return importlib.util.find_spec("vosk") is not None

    def model(self, language):
        if not self.available(language):
            raise VoiceUnavailable(f"no voice model for {language}")
        return _load(self.model_path(language))

    def knows(self, language, word):
        """True when the model can hear `word` (grammar words it does not know are dropped)."""
        cache = self._words.setdefault(language, {})
        if word not in cache:
            cache[word] = self.model(language).vosk_model_find_word(word) >= 0
        return cache[word]

    def has_unknown_word(self, language):
        """Some models have "[unk]" for speech outside the grammar; the Korean one has not."""
        return self.knows(language, "[unk]")

    def decode(self, language, pcm, phrases):
        """What was said in 16 kHz PCM, restricted to `phrases` (and [unk] where the model has it)."""
        import vosk
        model = self.model(language)
        if not phrases:
            # Nothing on this screen can be heard by this model; and Vosk crashes the
            # whole process when given an empty grammar.
            return Heard("", ())
        grammar = list(phrases) + (["[unk]"] if self.has_unknown_word(language) else [])
        if not self._decodes.acquire(timeout=BUSY_WAIT_SECONDS):
            raise VoiceBusy("all decoders are busy")
        try:
            recogniser = vosk.KaldiRecognizer(model, RATE, json.dumps(grammar, ensure_ascii=False))
            recogniser.SetWords(True)
            recogniser.AcceptWaveform(pcm)
            result = json.loads(recogniser.FinalResult())
        finally:
            self._decodes.release()
        words = [word for word in result.get("result", []) if word.get("word") != "[unk]"]
        unknown = any(word.get("word") == "[unk]" for word in result.get("result", []))
        text = "" if unknown else " ".join(word["word"] for word in words)
        return Heard(text, tuple(word.get("conf", 0.0) for word in words))

    def preload(self):
        """Load every installed model now (in the background at start-up)."""
        for language in self.settings.models:
            if self.available(language):
                self.model(language)
