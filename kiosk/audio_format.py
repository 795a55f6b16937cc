"""How cached prompts are stored: Ogg Opus, about a fourteenth of WAV's size, or WAV.

espeak-ng gives 22,050 Hz mono 16-bit WAV: the whole catalogue at both rates is about
780 MB as WAV and about 55 MB as Ogg Opus at 24 kbit/s, which Chromium plays. The encoder
is the system's libopus (Debian's libopus0) and its resampler libsoxr (libsoxr0), called
in-process through ctypes; the Ogg pages around the Opus packets are written here
(RFC 3533, RFC 7845). Where either library is missing the kiosk keeps WAV; which one is
decided once, at start.

Chosen by measurement on the 2-core kiosk PC (bench/speech.py, README "Read aloud"):
- 24 kHz: Opus takes 8, 12, 16, 24 or 48 kHz, so 22,050 Hz is resampled up by libsoxr
  (its default "high quality" filter); 24 kHz keeps all of espeak-ng's band.
- 24 kbit/s, constrained VBR, CELT only (the restricted low-delay application): SILK and
  hybrid modes, and FFmpeg's wrapper around libopus (PyAV), cost 2 to 7 times the CPU.
- Complexity 1: about 2.1 ms of CPU per second of speech here, resampling and Ogg pages
  included (complexity 3: 3.0; at 5, with CELT's pitch pre-filter, libopus alone takes
  3.2). It keeps CELT's transient analysis (no pre-echo before a consonant) and its
  normal spreading, which complexity 0 turns off; the warm-up encodes about five hours
  of speech, so each step up costs the warm-up seconds (README "Read aloud").
"""
import ctypes
import ctypes.util
import io
import logging
import struct
import wave
import zlib
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)
FORMATS = ("opus", "wav")
OPUS_RATE = 24000               # Hz; see the module docstring
OPUS_BITRATE = 24000            # bit/s: clear synthetic speech, mono
OPUS_COMPLEXITY = 1
FRAME = OPUS_RATE // 50         # 20 ms frames
PACKETS_PER_PAGE = 100          # 2 s of audio per Ogg page: little overhead, nothing to seek
GRANULE_RATE = 48000            # Ogg Opus counts samples at 48 kHz, whatever the input rate


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
    """Ogg Opus bytes (RFC 7845) for mono 16-bit WAV bytes: 24 kHz, 24 kbit/s."""
    with wave.open(io.BytesIO(audio)) as reader:
        channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
        samples = reader.readframes(reader.getnframes())
    if (channels, width) != (1, 2):
        raise ValueError(f"expected mono 16-bit WAV, got {channels} channels of {width} bytes")
    return _Libraries.loaded().ogg_opus(samples, rate)


OPUS = AudioFormat("opus", "ogg", "audio/ogg; codecs=opus", opus_from_wav,
                   tag=f"opus-{OPUS_RATE}-{OPUS_BITRATE}-celt{OPUS_COMPLEXITY}")
ALL = (OPUS, WAV)


class _Libraries:
    """libopus and libsoxr through ctypes, loaded once per process."""

    _loaded = None
    # libopus's constants (opus_defines.h).
    RESTRICTED_LOWDELAY, SET_BITRATE, SET_COMPLEXITY = 2051, 4002, 4010
    SET_VBR_CONSTRAINT, GET_LOOKAHEAD = 4020, 4027
    SOXR_INT16_I = 3                      # libsoxr's interleaved 16-bit samples

    class _SoxrIoSpec(ctypes.Structure):
        _fields_ = [("itype", ctypes.c_int), ("otype", ctypes.c_int),
                    ("scale", ctypes.c_double), ("e", ctypes.c_void_p),
                    ("flags", ctypes.c_ulong)]

    @classmethod
    def loaded(cls):
        if cls._loaded is None:
            cls._loaded = cls()
        return cls._loaded

    def __init__(self):
        self.opus = _library("opus")
        self.soxr = _library("soxr")
        self.opus.opus_encoder_create.restype = ctypes.c_void_p
        self.opus.opus_encoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.c_int,
                                                  ctypes.POINTER(ctypes.c_int)]
        self.opus.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
        self.opus.opus_encode.restype = ctypes.c_int32
        self.opus.opus_encode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                          ctypes.c_char_p, ctypes.c_int32]
        self.opus.opus_get_version_string.restype = ctypes.c_char_p
        self.vendor = self.opus.opus_get_version_string()
        self.soxr.soxr_oneshot.restype = ctypes.c_char_p   # an error message, or NULL
        self.soxr.soxr_oneshot.argtypes = [
            ctypes.c_double, ctypes.c_double, ctypes.c_uint, ctypes.c_char_p, ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_size_t), ctypes.c_char_p, ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(self._SoxrIoSpec),
            ctypes.c_void_p, ctypes.c_void_p]
        self.io_spec = self._SoxrIoSpec(self.SOXR_INT16_I, self.SOXR_INT16_I, 1.0, None, 0)

    def resampled(self, samples, rate):
        """16-bit mono `samples` at `rate`, resampled to OPUS_RATE."""
        if rate == OPUS_RATE:
            return samples
        count = len(samples) // 2
        room = count * OPUS_RATE // rate + 64
        output = ctypes.create_string_buffer(room * 2)
        done = ctypes.c_size_t()
        error = self.soxr.soxr_oneshot(rate, OPUS_RATE, 1, samples, count, None, output, room,
                                       ctypes.byref(done), ctypes.byref(self.io_spec), None, None)
        if error:
            raise RuntimeError(f"libsoxr: {error.decode()}")
        return output.raw[:done.value * 2]

    def ogg_opus(self, samples, rate):
        """A whole Ogg Opus stream for 16-bit mono `samples` at `rate`."""
        pcm = self.resampled(samples, rate)
        status = ctypes.c_int()
        encoder = self.opus.opus_encoder_create(OPUS_RATE, 1, self.RESTRICTED_LOWDELAY,
                                                ctypes.byref(status))
        if not encoder or status.value:
            raise RuntimeError(f"libopus could not make an encoder (error {status.value})")
        try:
            lookahead = ctypes.c_int32()
            for request, value in ((self.SET_BITRATE, OPUS_BITRATE),
                                   (self.SET_COMPLEXITY, OPUS_COMPLEXITY),
                                   (self.SET_VBR_CONSTRAINT, 1)):
                self.opus.opus_encoder_ctl(ctypes.c_void_p(encoder), request, ctypes.c_int32(value))
            self.opus.opus_encoder_ctl(ctypes.c_void_p(encoder), self.GET_LOOKAHEAD,
                                       ctypes.byref(lookahead))
            packets = self._packets(encoder, pcm, lookahead.value)
        finally:
            self.opus.opus_encoder_destroy(encoder)
        pre_skip = lookahead.value * GRANULE_RATE // OPUS_RATE
        length = len(pcm) // 2 * GRANULE_RATE // OPUS_RATE
        head = struct.pack("<8sBBHIhB", b"OpusHead", 1, 1, pre_skip, rate, 0, 0)
        tags = (b"OpusTags" + struct.pack("<I", len(self.vendor)) + self.vendor
                + struct.pack("<I", 0))
        return _ogg_stream([head, tags], packets, pre_skip, pre_skip + length)

    def _packets(self, encoder, pcm, lookahead):
        """Opus packets for all of `pcm`, padded with silence so its last sample comes out."""
        step = FRAME * 2
        total = len(pcm) + lookahead * 2
        pcm += bytes(-total % step + lookahead * 2)
        output = ctypes.create_string_buffer(1500)
        packets = []
        for start in range(0, len(pcm), step):
            size = self.opus.opus_encode(encoder, pcm[start:start + step], FRAME, output, 1500)
            if size < 0:
                raise RuntimeError(f"libopus could not encode (error {size})")
            packets.append(output.raw[:size])
        return packets


def _library(name):
    path = ctypes.util.find_library(name)
    if path is None:
        raise OSError(f"lib{name} is not installed (Debian: lib{name}0)")
    return ctypes.CDLL(path)


def _ogg_stream(headers, packets, pre_skip, end_granule):
    """Ogg pages (RFC 3533): each header packet on a page of its own (RFC 7845), then
    PACKETS_PER_PAGE audio packets a page; the last page's granule position trims the
    padding that let the encoder finish."""
    serial, pages = 0x4B494F53, []   # one stream per file: any serial number will do
    pages.append(_ogg_page(headers[0], 0x02, 0, serial, 0))
    pages.append(_ogg_page(headers[1], 0x00, 0, serial, 1))
    granule = 0   # 48 kHz samples encoded so far, the pre-skip included
    chunks = [packets[start:start + PACKETS_PER_PAGE]
              for start in range(0, len(packets), PACKETS_PER_PAGE)] or [[]]
    for number, chunk in enumerate(chunks):
        granule += len(chunk) * FRAME * GRANULE_RATE // OPUS_RATE
        last = number == len(chunks) - 1
        pages.append(_ogg_page(chunk, 0x04 if last else 0x00,
                               end_granule if last else granule, serial, number + 2))
    return b"".join(pages)


def _ogg_page(packets, flags, granule, serial, sequence):
    if isinstance(packets, bytes):
        packets = [packets]
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    if len(lacing) > 255:
        raise ValueError("too many segments for one Ogg page")
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, sequence, 0,
                         len(lacing)) + lacing
    page = bytearray(header + b"".join(packets))
    page[22:26] = struct.pack("<I", _ogg_crc(bytes(page)))
    return bytes(page)


# Each byte with its bits in reverse order (0x01 <-> 0x80): see _ogg_crc.
_BITS_REVERSED = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def _ogg_crc(data):
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, no initial or final XOR.

    zlib's CRC-32 is the same polynomial, reflected: run over bit-reversed bytes with its
    XORs undone, its result bit-reversed is Ogg's. This keeps the CRC in C (a Python loop
    over every byte took a sixth of the encoding time).
    """
    reflected = zlib.crc32(data.translate(_BITS_REVERSED), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{reflected:032b}"[::-1], 2)


def choose(wanted, encode=opus_from_wav):
    """(format, problem): Opus when wanted and it works here, else WAV and the reason why.

    Opus is tried on a tenth of a second of silence, so a missing or failing libopus or
    libsoxr is found at start rather than on a resident's first prompt. `encode` is the
    check's encoder (tests hand in one that fails as a missing library would).
    """
    if wanted == "wav":
        return WAV, None
    try:
        encoded = encode(silence(0.1))
        if not (encoded.startswith(b"OggS") and encoded[28:36] == b"OpusHead"):
            raise ValueError("the encoder did not write Ogg Opus")
    except Exception as error:  # a missing library, a broken one
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
