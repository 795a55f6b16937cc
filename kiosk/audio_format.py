"""How cached prompts are stored: Ogg Opus, about a fifteenth of WAV's size, or WAV.

espeak-ng gives 22,050 Hz mono 16-bit WAV: the whole catalogue at both rates is about
780 MB as WAV and about 55 MB as Ogg Opus at 24 kbit/s, which Chromium plays. Opus comes
from PyAV (FFmpeg's libopus and resampler, in-process: no subprocess per prompt). Where
PyAV or its libopus is missing the kiosk keeps WAV; which one is decided once, at start.

The encoder settings were chosen by measurement on the 2-core kiosk PC (bench/speech.py):
- 24 kHz: Opus takes 8, 12, 16, 24 or 48 kHz, so 22,050 Hz is resampled up (swresample's
  windowed-sinc filter); 24 kHz keeps all of espeak-ng's band.
- 24 kbit/s, CELT ("lowdelay") at complexity 5: SILK and hybrid modes cost 4 to 7 times
  the CPU here (the warm-up would take twice as long), and complexity 5 is the lowest that
  keeps CELT's pitch pre-filter, which is what keeps voiced speech clean at this rate.
"""
import io
import logging
import wave
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)
FORMATS = ("opus", "wav")
OPUS_RATE = 24000               # Hz; see the module docstring
OPUS_BITRATE = 24000            # bit/s: clear synthetic speech, mono
OPUS_OPTIONS = {"application": "lowdelay", "compression_level": "5", "vbr": "constrained",
                "b": str(OPUS_BITRATE)}


@dataclass(frozen=True)
class AudioFormat:
    """One way of storing prompt audio: its name, file extension, MIME type and encoder."""
    name: str
    extension: str
    mimetype: str
    encode: Callable[[bytes], bytes]   # WAV bytes -> stored bytes
    # Part of every cache key: changing how audio is encoded gives new URLs and files.
    tag: str = ""


def _as_is(audio):
    return audio


WAV = AudioFormat("wav", "wav", "audio/wav", _as_is)


def opus_from_wav(audio):
    """Ogg Opus bytes (RFC 7845) for WAV bytes: mono, 24 kHz, 24 kbit/s."""
    import av  # here, not at the top: the kiosk runs without PyAV, storing WAV

    with wave.open(io.BytesIO(audio)) as reader:
        channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
        samples = reader.readframes(reader.getnframes())
    if (channels, width) != (1, 2):
        raise ValueError(f"expected mono 16-bit WAV, got {channels} channels of {width} bytes")
    layout = "mono"
    frame = av.AudioFrame(format="s16", layout=layout, samples=len(samples) // 2)
    frame.planes[0].update(samples)
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="s16", layout=layout, rate=OPUS_RATE)
    output = io.BytesIO()
    with av.open(output, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_RATE, options=OPUS_OPTIONS)
        stream.layout = layout
        for resampled in resampler.resample(frame) + resampler.resample(None):
            container.mux(stream.encode(resampled))
        container.mux(stream.encode(None))
    return output.getvalue()


OPUS = AudioFormat("opus", "ogg", "audio/ogg; codecs=opus", opus_from_wav,
                   tag=f"opus-{OPUS_RATE}-{OPUS_BITRATE}-celt5")


ALL = (OPUS, WAV)


def choose(wanted, encode=opus_from_wav):
    """(format, problem): Opus when wanted and it works here, else WAV and the reason why.

    Opus is tried on a tenth of a second of silence, so a PyAV without libopus, or a
    libopus that fails, is found at start rather than on a resident's first prompt.
    `encode` is the check's encoder (tests hand in one that fails as a missing PyAV would).
    """
    if wanted == "wav":
        return WAV, None
    try:
        encoded = encode(silence(0.1))
        if not (encoded.startswith(b"OggS") and b"OpusHead" in encoded[:64]):
            raise ValueError("the encoder did not write Ogg Opus")
    except Exception as error:  # ImportError, a missing codec, a broken library
        problem = f"{type(error).__name__}: {error}"
        log.warning("speech cache keeps WAV: Ogg Opus is not available (%s)", problem)
        return WAV, problem
    return OPUS, None


def silence(seconds, rate=22050):
    """WAV bytes of `seconds` of silence, as espeak-ng would give them."""
    output = io.BytesIO()
    with wave.open(output, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\0\0" * round(seconds * rate))
    return output.getvalue()


def duration(audio):
    """Seconds of sound in stored prompt audio, WAV or Ogg Opus (decoded to count them)."""
    if audio.startswith(b"RIFF"):
        with wave.open(io.BytesIO(audio)) as reader:
            return reader.getnframes() / reader.getframerate()
    import av

    with av.open(io.BytesIO(audio), format="ogg") as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.codec_context.sample_rate
