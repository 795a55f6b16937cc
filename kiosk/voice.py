"""Voice input: Vosk models per language and grammar-restricted decoding of one utterance.

No Flask here. One Model per model folder, loaded once for the whole process and shared
by every thread (Vosk allows that); one KaldiRecognizer per utterance. Decodes are
bounded, so a burst of residents cannot exhaust the kiosk's two cores.

A model is first loaded in a separate process (check_model): Kaldi crashes the process on
some broken models, and one bad model must cost the kiosk its microphone in one language,
not its life. A model that fails is remembered with its reason for /status.
"""
import functools
import importlib.util
import json
import logging
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import KioskError
from .voice_grammar import command_words

# Vosk and the models shipped as Python packages come and go only with the software, and
# every screen asks whether the microphone can be offered: each is looked for once (a
# search of every folder on sys.path). Models installed at run time go to models_dir,
# which is looked at every time.
_find_package = functools.cache(importlib.util.find_spec)

log = logging.getLogger(__name__)
RATE = 16000
BUSY_WAIT_SECONDS = 5
_models = {}
_checked = set()  # (folder, language) checked by check_model
_models_lock = threading.Lock()


class VoiceUnavailable(KioskError):
    """No model for the language (or Vosk is missing): the screen shows no microphone."""


class VoiceBusy(KioskError):
    """Every decoding slot stayed busy: the resident is asked to try again."""


class VoiceFailed(KioskError):
    """The model is there but unusable (broken, or for another language); says why."""


# Loading a large model on a slow kiosk takes tens of seconds; a check stuck far beyond
# that is a failure.
CHECK_TIMEOUT_SECONDS = 180
# A model for the language knows nearly all its command words (the Korean one 13 of 15);
# one for another language knows next to none.
MIN_KNOWN_SHARE = 0.5
# The language names in English, for the operator (the screens name a language in itself).
LANGUAGE_NAMES = {"zh": "Chinese", "en": "English", "ko": "Korean"}
# Run by check_model in its own process; argv: model folder, command words as JSON.
_CHECK_SCRIPT = r"""
import json, sys, vosk
vosk.SetLogLevel(-1)
model = vosk.Model(sys.argv[1])
known = [word for word in json.loads(sys.argv[2]) if model.vosk_model_find_word(word) >= 0]
if known:  # else refused anyway (and Vosk crashes on an empty grammar)
    recogniser = vosk.KaldiRecognizer(model, 16000, json.dumps(known, ensure_ascii=False))
    recogniser.AcceptWaveform(bytes(16000))
    recogniser.FinalResult()
print(json.dumps(known))
"""


def check_model(path, language, timeout=CHECK_TIMEOUT_SECONDS):
    """Load the model at `path` and decode with it in a separate process; raise VoiceFailed
    (with a one-line reason) when it crashes, errs, hangs, or does not know the command
    words of `language`."""
    words = command_words(language)
    try:
        done = subprocess.run([sys.executable, "-c", _CHECK_SCRIPT, str(path), json.dumps(words)],
                              capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise VoiceFailed(f"loading it took more than {timeout:g} s") from None
    said = _engine_said(done.stderr)
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise VoiceFailed(f"the speech engine crashed on it ({name})"
                          + (f": {said}" if said else ""))
    if done.returncode != 0 or not done.stdout.strip():
        raise VoiceFailed(f"it does not load: {said or 'the speech engine gave no reason'}")
    known = set(json.loads(done.stdout.strip().splitlines()[-1]))
    if len(known) < MIN_KNOWN_SHARE * len(words):
        examples = ", ".join(f"'{word}'" for word in [w for w in words if w not in known][:3])
        raise VoiceFailed(f"this model does not know the {LANGUAGE_NAMES.get(language, language)} "
                          f"command words (e.g. {examples}): is it a model for another language?")


def _engine_said(stderr):
    """The engine's last error line, short and printable (Kaldi may quote binary garbage)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")] or lines[-1:]
    if not errors:
        return ""
    text = re.sub(r"^ERROR(?: \(.*?:\d+\))?:?\s*", "", errors[-1].strip())
    text = "".join(char if char.isprintable() and char.isascii() else "?" for char in text)
    return text[:160]


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


def _load(path, language):
    """The shared Model for a folder (loading takes seconds and half a gigabyte), checked
    in a separate process first."""
    with _models_lock:
        if (path, language) not in _checked:  # one folder may be named for two languages
            check_model(path, language)
            _checked.add((path, language))
        if path not in _models:
            import vosk
            vosk.SetLogLevel(-2)
            _models[path] = vosk.Model(str(path))
            log.info("voice model loaded from %s", path)
        return _models[path]


@dataclass(frozen=True)
class ModelStatus:
    """What /status and `flask voice list` say about one language's model."""
    state: str   # "installed", "missing" or "failed"
    where: str   # the model's folder, or where it is expected
    reason: str = ""  # why it failed to load


class Voice:
    """The voice models configured in kiosk.ini, and decoding with a grammar."""

    def __init__(self, settings):
        self.settings = settings
        self._decodes = threading.BoundedSemaphore(settings.max_concurrent_decodes)
        self._words = {}
        self._failed = {}  # language -> why its model failed to load

    def model_path(self, language):
        """Where the model for `language` is, or None when it is not installed."""
        configured = self.settings.models.get(language)
        if isinstance(configured, str) and configured.startswith("python:"):
            spec = _find_package(configured.removeprefix("python:"))
            path = Path(spec.origin).parent / "model" if spec and spec.origin else None
        else:
            path = configured or self.settings.models_dir / language
        return path if path and (path / "am").is_dir() else None

    def status(self):
        """{language: ModelStatus} for the status page and CLI."""
        report = {}
        for language, configured in self.settings.models.items():
            path = self.model_path(language)
            wanted = configured or self.settings.models_dir / language
            if path is None:
                report[language] = ModelStatus("missing", str(wanted))
            elif language in self._failed:
                report[language] = ModelStatus("failed", str(path), self._failed[language])
            else:
                report[language] = ModelStatus("installed", str(path))
        return report

    def failure(self, language):
        """Why the language's model failed to load, or None (not failed, or not tried yet)."""
        return self._failed.get(language)

    def available(self, language):
        """True when the microphone may be offered: enabled, installed, not failed."""
        if not self.settings.enabled or language in self._failed:
            return False
        if self.model_path(language) is None:
            return False
        return _find_package("vosk") is not None

    def model(self, language):
        """The loaded model; VoiceFailed (remembered) when it does not load."""
        if language in self._failed:
            raise VoiceFailed(self._failed[language])
        if not self.available(language):
            raise VoiceUnavailable(f"no voice model for {language}")
        path = self.model_path(language)
        try:
            return _load(path, language)
        except VoiceFailed as error:
            log.warning("voice model for %s at %s failed to load: %s", language, path, error)
            self._failed[language] = str(error)
            raise
        except Exception as error:  # the engine's own failure, seen in this process
            log.exception("voice model for %s at %s failed to load", language, path)
            self._failed[language] = " ".join(str(error).split())[:160] or type(error).__name__
            raise VoiceFailed(self._failed[language]) from error

    def verify(self, language):
        """Check the installed model in a separate process, as an install does (for
        `flask voice list`); a failure shows in status()."""
        path = self.model_path(language)
        if path is None:
            return
        try:
            check_model(path, language)
        except VoiceFailed as error:
            self._failed[language] = str(error)
        else:
            self._failed.pop(language, None)

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
        """Load every installed model now (in the background at start-up); one that fails
        is remembered with its reason and the others load all the same."""
        for language in self.settings.models:
            if self.available(language):
                try:
                    self.model(language)
                except VoiceFailed:
                    continue  # logged and remembered by model()
