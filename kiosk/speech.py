"""Read aloud: pyttsx3 synthesis through one worker thread, and a disk cache of prompts.

No Flask here. pyttsx3 (with espeak-ng) crashes the process when two threads
synthesise at once, and espeak-ng can be initialised only once per process: so each
process has exactly one engine, driven by one worker thread that sets voice and rate for
every job. Prompts are cached on disk by a hash of (engine, voice, rate, format, text), as
Ogg Opus (WAV where Opus is unavailable: kiosk.audio_format); text a resident typed is
synthesised on demand as WAV, never cached.
"""
import contextlib
import hashlib
import io
import logging
import os
import queue
import tempfile
import threading
import wave
from concurrent.futures import Future
from pathlib import Path

from . import audio_format
from .errors import KioskError

log = logging.getLogger(__name__)
MAX_TEXT_LENGTH = 1000          # characters; prompts are a few sentences at most
SYNTHESIS_TIMEOUT = 30          # seconds a request waits for the worker
ATTEMPTS = 3                    # espeak-ng now and then returns an empty utterance: try again
WARM_BATCH = 20                 # warm-up jobs handed to a worker process at a time
# Audio of a resident's own answers is written only to memory-backed storage when there is one.
PRIVATE_TEMP = "/dev/shm" if os.path.isdir("/dev/shm") else None


class SpeechUnavailable(KioskError):
    """The speech engine (or the voice for a language) is missing: the kiosk works by touch."""


class Engine:
    """The process's one pyttsx3 engine, owned by one worker thread."""

    _shared = {}
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls, driver=None):
        """The engine for `driver`, started on first use and then reused by every app."""
        with cls._shared_lock:
            if driver not in cls._shared:
                cls._shared[driver] = cls(driver)
            return cls._shared[driver]

    def __init__(self, driver=None):
        self.driver = driver
        self.name = f"pyttsx3-{driver or 'default'}"
        self.voices = set()
        self.error = None
        self._jobs = queue.Queue()
        ready = threading.Event()
        threading.Thread(target=self._work, args=(ready,), name="speech-engine",
                         daemon=True).start()
        ready.wait(timeout=30)

    def _work(self, ready):
        try:
            engine = _start_pyttsx3(self.driver)
            for voice in engine.getProperty("voices"):
                self.voices.update({voice.id, voice.id.rsplit("/", 1)[-1], voice.name})
        except Exception as error:  # a missing library or driver: speech is simply off
            self.error = f"{type(error).__name__}: {error}"
            log.warning("speech engine unavailable: %s", self.error)
            return
        finally:
            ready.set()
        while True:
            text, voice, rate, future = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(self._synthesise(engine, text, voice, rate))
                except Exception as error:
                    future.set_exception(error)

    @staticmethod
    def _synthesise(engine, text, voice, rate):
        handle, path = tempfile.mkstemp(suffix=".wav", dir=PRIVATE_TEMP)
        os.close(handle)
        try:
            engine.setProperty("voice", voice)
            engine.setProperty("rate", rate)
            _wait_for_espeak()
            # The espeak driver prints "Audio saved to <path>" for every file; keep logs clean.
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, path)
                engine.runAndWait()
            _wait_for_espeak()
            return Path(path).read_bytes()
        finally:
            os.remove(path)

    @property
    def available(self):
        return self.error is None

    def has_voice(self, voice):
        return voice in self.voices

    def synthesise(self, text, voice, rate):
        """WAV bytes for `text`; waits for the worker, which does one job at a time."""
        if not self.available:
            raise SpeechUnavailable(self.error)
        for attempt in range(1, ATTEMPTS + 1):
            future = Future()
            self._jobs.put((text, voice, rate, future))
            audio = future.result(timeout=SYNTHESIS_TIMEOUT)
            if audio.startswith(b"RIFF") and len(audio) > 44:
                return audio
            log.warning("speech engine gave no audio for voice %s (attempt %d)", voice, attempt)
        raise SpeechUnavailable(f"the engine returned no audio for voice {voice}")


def _start_pyttsx3(driver):
    """A pyttsx3 engine: the named driver, else the fixed espeak-ng driver on Linux."""
    import platform

    import pyttsx3
    if driver is None and platform.system() == "Linux":
        from . import espeak_driver
        espeak_driver.register()
        driver = espeak_driver.DRIVER_NAME
    return pyttsx3.init(driver) if driver else pyttsx3.init()


def _wait_for_espeak():
    """Wait until espeak-ng's own thread has done everything asked of it so far.

    espeak-ng queues voice and rate changes and synthesis on a thread of its own; a
    synthesis started while a voice change is still queued now and then comes out empty
    (seen about once in a hundred utterances before this wait).
    """
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError):
        return  # another driver (SAPI5, NSSpeechSynthesizer): nothing to wait for
    _espeak.Synchronize()


class SpeechCache:
    """Synthesised prompts on disk: atomic writes, least recently used pruned past a size.

    Files are named KEY.EXTENSION (.ogg or .wav). Audio in the other format is removed
    when the cache opens: it would never be served again, and a switch back to it makes
    it anew (the cache keys differ too, so a file is never read as the wrong format).
    """

    def __init__(self, folder, max_bytes, extension="wav"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.extension = extension
        self._lock = threading.Lock()
        self.removed_other_format = self._remove_other_formats()
        self._size = sum(stat.st_size for _, stat in self._listing())

    def path(self, key):
        return self.folder / f"{key}.{self.extension}"

    def _remove_other_formats(self):
        """Remove prompt audio of the formats not in use; return how many files went."""
        removed = 0
        for extension in {format.extension for format in audio_format.ALL} - {self.extension}:
            for path in self.folder.glob(f"*.{extension}"):
                path.unlink(missing_ok=True)   # another process may be doing the same
                removed += 1
        if removed:
            log.info("speech cache: removed %d prompts kept in another format", removed)
        return removed

    def get(self, key):
        """The cached file for `key`, marked as just used, or None."""
        path = self.path(key)
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def put(self, key, audio):
        """Store `audio` under `key` so that no reader ever sees half a file."""
        path = self.path(key)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(audio)
        existed = path.exists()
        os.replace(temporary, path)
        with self._lock:
            if not existed:
                self._size += len(audio)
            if self._size > self.max_bytes:
                self._prune()
        return path

    def _prune(self):
        """Remove the least recently used audio until the cache is 90% of its limit."""
        files = sorted(self._listing(), key=lambda entry: entry[1].st_mtime)
        self._size = sum(stat.st_size for _, stat in files)
        for path, stat in files:
            if self._size <= self.max_bytes * 0.9:
                break
            path.unlink(missing_ok=True)
            self._size -= stat.st_size
            log.info("speech cache pruned %s", path.name)

    def _listing(self):
        """(path, stat) of each cached file; another process may remove files meanwhile."""
        for path in self.folder.glob(f"*.{self.extension}"):
            try:
                yield path, path.stat()
            except FileNotFoundError:
                continue

    @property
    def size(self):
        return self._size

    def recount(self):
        """Measure the folder again (after other processes wrote to it)."""
        with self._lock:
            self._size = sum(stat.st_size for _, stat in self._listing())


class Speech:
    """Speech in the screen's language: cached prompts and uncached private read-backs."""

    def __init__(self, settings, engine_factory=Engine.shared, choose_format=audio_format.choose):
        self.settings = settings
        # Decided once: Ogg Opus where it works, else WAV, and why (for /status).
        self.format, self.format_problem = choose_format(settings.cache_format)
        self.cache = SpeechCache(settings.cache_dir, settings.cache_max_bytes,
                                 self.format.extension)
        self.engine = engine_factory(settings.driver) if settings.enabled else None
        self.missing_voices = sorted(
            language for language, voice in settings.voices.items()
            if self.engine and self.engine.available and not self.engine.has_voice(voice.voice))
        for language in self.missing_voices:
            log.warning("speech: no voice %r for %s", settings.voices[language].voice, language)

    def available(self, language=None):
        """True when prompts can be spoken (in `language`, if given)."""
        if self.engine is None or not self.engine.available:
            return False
        return language not in self.missing_voices if language else True

    def voice(self, language, slow=False):
        voice = self.settings.voices[language]
        return voice.voice, voice.slow_rate if slow else voice.rate

    def key(self, text, language, slow=False):
        """The cache key: a hash of everything that changes the sound and its encoding."""
        voice, rate = self.voice(language, slow)
        engine = self.engine.name if self.engine else "none"
        # WAV has no tag, so a WAV cache made before Opus keeps its keys.
        encoding = f"\0{self.format.tag}" if self.format.tag else ""
        return hashlib.sha256(f"{engine}\0{voice}\0{rate}{encoding}\0{text}".encode()
                              ).hexdigest()[:32]

    def prompt_audio(self, text, language, slow=False):
        """(key, path) of the cached audio for a prompt, synthesising it on a miss."""
        key = self.key(text, language, slow)
        path = self.cache.get(key)
        if path is None:
            audio = self.format.encode(self._synthesise(text, language, slow))
            path = self.cache.put(key, audio)
        return key, path

    def private_audio(self, text, language, slow=False):
        """WAV bytes for a resident's own answer: synthesised now, never cached, never logged.

        WAV, not Opus: it is made while the resident waits, and encoding would add
        about a tenth to the wait for audio that is never stored.
        """
        return self._synthesise(text, language, slow)

    def _synthesise(self, text, language, slow):
        if not self.available(language):
            raise SpeechUnavailable(f"speech is not available for {language}")
        if not text or len(text) > MAX_TEXT_LENGTH:
            raise ValueError("text is empty or too long to speak")
        voice, rate = self.voice(language, slow)
        return self.engine.synthesise(text, voice, rate)

    def warm(self, prompts, progress=None):
        """Synthesise every (text, language, slow) not yet cached; return how many were made."""
        made = 0
        for text, language, slow in prompts:
            if not self.available(language):
                continue
            if self.cache.get(self.key(text, language, slow)) is None:
                try:
                    self.prompt_audio(text, language, slow)
                    made += 1
                except SpeechUnavailable as error:  # made on demand later instead
                    log.warning("warm-up skipped a %s prompt: %s", language, error)
            if progress:
                progress()
        return made


def warm_processes():
    """How many warm-up processes: two per core. Each engine idles about half the time
    between utterances (pyttsx3 polls espeak-ng every 10 ms), which the Opus encoding in
    the other processes fills: bench/speech.py on 2 cores, the whole catalogue as Opus,
    took 132 s with two processes on a loaded machine and 55 s with three, 48 s with four
    on a quiet one."""
    return 2 * (os.cpu_count() or 1)


def warm_in_processes(settings, jobs, processes=None, progress=None):
    """Warm the cache with two engines per core, each in its own process.

    pyttsx3 allows one synthesis at a time per process, so a second core only helps
    from a second process; the cache's atomic writes make the shared folder safe.
    `progress(count)`, if given, is called in this process as each batch of `count` jobs
    is done. Returns how many prompts were made.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    processes = processes or warm_processes()
    jobs = list(jobs)
    # Small batches handed out as workers free up: the load stays even, and the caller
    # hears of progress every second or so instead of once at the end.
    batches = [jobs[start:start + WARM_BATCH] for start in range(0, len(jobs), WARM_BATCH)]
    context = multiprocessing.get_context("spawn")  # a fresh espeak-ng in each process
    made = 0
    with ProcessPoolExecutor(max_workers=processes, mp_context=context,
                             initializer=_start_warm_worker, initargs=(settings,)) as pool:
        done = {pool.submit(_warm_batch, batch): len(batch) for batch in batches}
        try:
            for future in as_completed(done):
                made += future.result()
                if progress:
                    progress(done[future])
        except BaseException:  # Ctrl+C or a failed batch: drop the batches not started
            pool.shutdown(cancel_futures=True)
            raise
    return made


_warm_speech = None    # the worker process's own Speech, made once by its initializer


def _start_warm_worker(settings):
    global _warm_speech
    _warm_speech = Speech(settings)


def _warm_batch(jobs):
    return _warm_speech.warm(jobs)


def wav_duration(audio):
    """Seconds of sound in WAV bytes."""
    with wave.open(io.BytesIO(audio)) as reader:
        return reader.getnframes() / reader.getframerate()
