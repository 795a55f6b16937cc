"""Checks on the audio a resident's browser sends: only 16 kHz mono 16-bit PCM, short, not silent.

No Flask here. Audio is only ever held in memory: never stored, never logged.
"""
import array
import io
import math
import wave

RATE = 16000
SAMPLE_WIDTH = 2
# Below this loudness (RMS of 16-bit samples) an utterance is silence: nobody spoke.
SILENCE_RMS = 60


class BadAudio(ValueError):
    """Audio the kiosk will not decode; `code` names why, for a clear 4xx JSON answer."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def pcm_from_upload(body, content_type, max_seconds):
    """The 16-bit mono PCM samples in a WAV or raw (audio/L16; rate=16000) upload."""
    if len(body) > max_bytes(max_seconds) + 1024:
        raise BadAudio("too_long", f"audio longer than {max_seconds} seconds")
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("audio/wav", "audio/x-wav", "audio/wave"):
        pcm = _pcm_from_wav(body)
    elif kind == "audio/l16":
        if _parameter(content_type, "rate") != str(RATE) or _parameter(content_type, "channels") not in (None, "1"):
            raise BadAudio("wrong_format", "raw audio must be audio/L16; rate=16000, mono")
        if len(body) % SAMPLE_WIDTH:
            raise BadAudio("malformed", "raw audio must be whole 16-bit samples")
        pcm = body
    else:
        raise BadAudio("wrong_type", "send audio/wav or audio/L16; rate=16000")
    if not pcm:
        raise BadAudio("empty", "the audio holds no sound")
    if len(pcm) > max_bytes(max_seconds):
        raise BadAudio("too_long", f"audio longer than {max_seconds} seconds")
    if loudness(pcm) < SILENCE_RMS:
        raise BadAudio("silent", "the audio is silent")
    return pcm


def max_bytes(max_seconds):
    return RATE * SAMPLE_WIDTH * max_seconds


def _pcm_from_wav(body):
    try:
        with wave.open(io.BytesIO(body)) as reader:
            shape = (reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
            if reader.getcomptype() != "NONE" or shape != (1, SAMPLE_WIDTH, RATE):
                raise BadAudio("wrong_format", "audio must be 16 kHz mono 16-bit PCM")
            return reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as error:
        raise BadAudio("malformed", f"not a readable WAV file: {error}") from None


def _parameter(content_type, name):
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == name:
            return value.strip()
    return None


def loudness(pcm):
    """Root mean square of 16-bit little-endian samples."""
    samples = array.array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % SAMPLE_WIDTH])
    if not samples:
        return 0.0
    return math.sqrt(sum(sample * sample for sample in samples) / len(samples))


def seconds(pcm):
    return len(pcm) / (RATE * SAMPLE_WIDTH)
