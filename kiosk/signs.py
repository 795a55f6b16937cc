"""Sign-language clips: the library in signlang_videos/, its manifest, captions and coverage.

No Flask here. The manifest (manifest.json) maps a prompt key and sign language to a
clip file, its duration, signer, status ("sample" or "recorded") and recording date. It is
checked at start-up: a clip whose file is missing or whose key the kiosk does not use is
logged and left out, so one bad entry never stops the kiosk. A clip is saved only if the
kiosk's browser can play it (container, codec, decoded to the end). Saving writes the file and
then the manifest, each atomically, so a failed save leaves the previous clip intact; the
file a clip replaced (say KEY.webm, now KEY.mp4) is removed after.

A clip remembers the text it signs (`text_sha256`, the SHA-256 of the signed wording when it
was saved): once the wording changes the clip is *outdated*. It still plays (better than
nothing) but counts as needing work. An entry without the hash (older manifests) is taken
as up to date, since nobody can tell. A templated prompt (`error.FIELD.too_long`) without a
clip of its own is shown with its shared clip (`shared.error.too_long`).
"""
import datetime
import hashlib
import json
import logging
import os
import re
import subprocess
import tempfile
import threading
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

from .errors import KioskError
from .prompts import KEY_PATTERN, shared_key

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
VIDEO_TYPES = {".webm": "video/webm", ".mp4": "video/mp4"}
STATUSES = ("sample", "recorded")
# What the studio and the coverage report say of a prompt's clip.
STATES = ("recorded", "sample", "outdated", "missing")
OPTIONAL_FIELDS = {"text_sha256"}     # manifests from before it are still read
# What the kiosk's Chromium plays; it refuses anything else (DEMUXER_ERROR_NO_SUPPORTED_STREAMS).
PLAYABLE_CODECS = {".webm": ("vp8", "vp9", "av1"), ".mp4": ("h264",)}
CONTAINER_NAMES = {".webm": "WebM", ".mkv": "Matroska", ".mp4": "MP4"}
# Decoding a 30-second clip takes a second or two (bench/clip_check.py); far longer is a bomb.
DECODE_SECONDS = 120


class ManifestError(KioskError):
    """The manifest cannot be read at all; the message says where and why."""


class BadClip(KioskError):
    """An uploaded clip is refused; `code` names why, `details` fill in the clear error."""

    def __init__(self, code, message, **details):
        super().__init__(message)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Clip:
    key: str
    sign_language: str
    file: str          # relative to the library folder
    duration: float
    signer: str
    status: str        # "sample" or "recorded"
    recorded: str      # ISO date
    text_sha256: str = ""   # of the wording it signs; "" when unknown (an older entry)

    def outdated(self, text):
        """True when the wording has changed since the clip was saved; unknown is not."""
        return bool(self.text_sha256) and text is not None \
            and self.text_sha256 != text_digest(text)

    def state(self, text):
        """"recorded", "sample" or "outdated" against the prompt's current `text`."""
        return "outdated" if self.outdated(text) else self.status

    @property
    def version(self):
        """Changes whenever the clip is replaced: part of its URL, so caches stay right."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:12]


class SignLibrary:
    """The clips on disk and the manifest that describes them."""

    def __init__(self, folder, known_keys):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # The shared clips of templated keys (shared.error.too_long) are known with them.
        self.known_keys = set(known_keys)
        self.known_keys |= set(filter(None, map(shared_key, self.known_keys)))
        self._lock = threading.Lock()
        self.problems = []
        self.clips = self._read()

    def _read(self):
        path = self.folder / MANIFEST
        if not path.exists():
            return {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            entries = raw["clips"]
        except (ValueError, KeyError, TypeError) as error:
            raise ManifestError(f"{path}: not a valid sign-language manifest: {error}") from None
        clips = {}
        for number, entry in enumerate(entries, 1):
            problem = self._problem(entry)
            if problem:
                self.problems.append(f"{path} entry {number}: {problem}")
                log.warning("sign-language manifest entry %d left out: %s", number, problem)
                continue
            clip = Clip(**{field: entry[field] for field in Clip.__dataclass_fields__
                           if field in entry})
            clips[(clip.key, clip.sign_language)] = clip
        return clips

    def _problem(self, entry):
        required = set(Clip.__dataclass_fields__) - OPTIONAL_FIELDS
        if not isinstance(entry, dict) or required - set(entry):
            missing = sorted(required - set(entry if isinstance(entry, dict) else {}))
            return f"missing fields: {', '.join(missing)}"
        if not isinstance(entry.get("text_sha256", ""), str):
            return "text_sha256 must be a string"
        if not KEY_PATTERN.fullmatch(str(entry["key"])) or entry["key"] not in self.known_keys:
            return f"unknown prompt key {entry['key']!r}"
        if entry["status"] not in STATUSES:
            return f"status must be sample or recorded, not {entry['status']!r}"
        file = self._inside(entry["file"])
        if file is None or not file.is_file():
            return f"clip file {entry['file']!r} is missing"
        if file.suffix not in VIDEO_TYPES:
            return f"clip file {entry['file']!r} is not .webm or .mp4"
        return None

    def _inside(self, relative):
        """The file inside the library, or None for any path that would leave it."""
        path = (self.folder / str(relative)).resolve()
        return path if path.is_relative_to(self.folder.resolve()) else None

    def clip(self, key, sign_language):
        """The clip recorded for `key` itself, or None."""
        return self.clips.get((key, sign_language))

    def shown_clip(self, key, sign_language):
        """What a resident sees for `key`: its own clip, else its template's shared clip."""
        own = self.clip(key, sign_language)
        shared = shared_key(key)
        return own or (self.clip(shared, sign_language) if shared else None)

    def path_of(self, clip):
        return self._inside(clip.file)

    def coverage(self, keys, sign_language, wording=None):
        """{"recorded": [...], "sample": [...], "outdated": [...], "missing": [...]}: what a
        deaf resident sees for each of `keys` in a sign language, a templated key covered by
        its shared clip (Prompts.keys()); or, for Prompts.recording_keys(), which clips the
        interpreter has recorded and has still to record.

        `wording(key)` gives the signed text a clip is checked against; without it no clip
        counts as outdated."""
        report = {state: [] for state in STATES}
        for key in keys:
            clip = self.shown_clip(key, sign_language)
            state = clip.state(wording(clip.key) if wording else None) if clip else "missing"
            report[state].append(key)
        return report

    def save(self, key, sign_language, video, signer, status="recorded", today=None, checked=None,
             text=None):
        """Store `video` as the clip for `key`, replacing any earlier one (and its file).

        `checked` is what probe() said of `video`, when the caller has just checked it; without
        it the clip is checked here, so nothing unplayable reaches the library either way.
        `text` is the wording the clip signs: its hash is kept, so a later change shows.
        """
        if key not in self.known_keys:
            raise BadClip("unknown_key", f"the kiosk has no prompt {key!r}")
        checked = checked or probe(video)
        duration, suffix = checked["duration"], checked["suffix"]
        relative = f"{sign_language}/{key}{suffix}"
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        clip = Clip(key, sign_language, relative, round(duration, 2), signer, status,
                    (today or datetime.date.today()).isoformat(),
                    text_digest(text) if text is not None else "")
        with self._lock:
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
            os.close(handle)
            try:
                Path(temporary).write_bytes(Path(video).read_bytes())
                os.chmod(temporary, 0o644)
                os.replace(temporary, target)
            finally:
                Path(temporary).unlink(missing_ok=True)
            clips = dict(self.clips)
            previous = clips.get((key, sign_language))
            clips[(key, sign_language)] = clip
            self._write(clips)
            self.clips = clips
            self._remove_replaced(clip, previous)
        return clip

    def adopt(self, clip):
        """Add `clip`, whose file is already in place in the library (fetched from the
        centre and checked by its hash), replacing any earlier clip of its prompt; the
        manifest is written atomically, as by `save`."""
        path = self._inside(clip.file)
        if clip.key not in self.known_keys or path is None or not path.is_file():
            raise BadClip("unknown_key", f"the kiosk has no prompt {clip.key!r} or no file")
        with self._lock:
            clips = dict(self.clips)
            previous = clips.get((clip.key, clip.sign_language))
            clips[(clip.key, clip.sign_language)] = clip
            self._write(clips)
            self.clips = clips
            self._remove_replaced(clip, previous)

    def _remove_replaced(self, clip, previous):
        """Delete the files a new clip replaced, e.g. KEY.webm once KEY.mp4 is saved.

        Only after the manifest names the new file, so a failure keeps a playable clip; a
        file another manifest entry still uses is kept.
        """
        stem = Path(clip.file).with_suffix("")
        candidates = {f"{stem.as_posix()}{suffix}" for suffix in VIDEO_TYPES}
        if previous:
            candidates.add(previous.file)
        in_use = {other.file for other in self.clips.values()}
        for relative in sorted(candidates - in_use):
            path = self._inside(relative)
            try:
                if path is not None and path.is_file():
                    path.unlink()
            except OSError as error:
                log.warning("replaced sign-language clip %s not removed: %s", relative, error)

    def _write(self, clips):
        entries = [_entry(clip) for clip in sorted(clips.values(),
                                                   key=lambda c: (c.sign_language, c.key))]
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"clips": entries}, file, ensure_ascii=False, indent=1)
            file.write("\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, self.folder / MANIFEST)


def _entry(clip):
    """A clip as its manifest entry; an unknown text hash is left out rather than written empty."""
    entry = asdict(clip)
    if not entry["text_sha256"]:
        del entry["text_sha256"]
    return entry


def text_digest(text):
    """The SHA-256 (hex) of a clip's signed wording, as the manifest keeps it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def probe(path, max_seconds=None, max_bytes=None):
    """Check a video by its content: a container and codec the kiosk plays, within the limits,
    that decodes from start to end.

    The container must match the file's name (.webm or .mp4); a name that is neither is
    judged by the content alone. Returns the duration, format, codec and the suffix to keep.
    """
    size = Path(path).stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise BadClip("too_large", f"the clip is larger than {max_bytes // (1024 * 1024)} MB")
    if size == 0:
        raise BadClip("empty", "the file is empty")
    result = _run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                   "-show_streams", str(path)], timeout=30)
    if result.returncode != 0:
        raise BadClip("not_video", "the file is not a video the kiosk can play")
    try:
        info = json.loads(result.stdout or "{}")
    except ValueError:
        raise BadClip("not_video", "the file is not a video the kiosk can play") from None
    formats = info.get("format", {}).get("format_name", "")
    container = _container(formats, path)
    if container is None:
        raise BadClip("wrong_type", "clips must be WebM or MP4 video")
    video = next((stream for stream in info.get("streams", [])
                  if stream.get("codec_type") == "video"), None)
    if video is None:
        raise BadClip("not_video", "the file has no video in it")
    codec = str(video.get("codec_name", "unknown"))
    family = ".mp4" if container == ".mp4" else ".webm"
    if codec not in PLAYABLE_CODECS[family]:
        raise BadClip("unplayable_codec",
                      f"the clip is coded as {codec}, which the kiosk's browser cannot play",
                      codec=codec)
    named = Path(path).suffix.lower()
    if named in VIDEO_TYPES and container != named:
        raise BadClip("wrong_container", f"the file is named {named} but holds "
                      f"{CONTAINER_NAMES[container]} video",
                      named=CONTAINER_NAMES[named], found=CONTAINER_NAMES[container])
    if container not in VIDEO_TYPES:
        raise BadClip("wrong_type", "clips must be WebM or MP4 video")
    duration = _duration(info, path)
    if max_seconds is not None and duration > max_seconds:
        raise BadClip("too_long", f"the clip is longer than {max_seconds} seconds")
    _decode(path, _claimed_duration(info, video))   # before too_short: a cut-off clip is damaged
    if duration <= 0.2:
        raise BadClip("too_short", "the clip is too short to show anything")
    return {"duration": duration, "format": formats, "codec": codec, "suffix": container}


def _run(command, timeout):
    """Run ffprobe or ffmpeg; a missing tool or one that never finishes is a clear refusal."""
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace",
                              timeout=timeout)
    except FileNotFoundError:
        code = "no_ffprobe" if command[0] == "ffprobe" else "no_ffmpeg"
        raise BadClip(code, f"{command[0]} is not installed, so clips cannot be checked") from None
    except subprocess.TimeoutExpired:
        raise BadClip("check_timeout", f"{command[0]} did not finish checking the clip "
                      f"within {timeout} seconds") from None


def _container(formats, path):
    """".webm", ".mkv" or ".mp4": what the file really is, whatever its name says."""
    names = formats.split(",")
    if "matroska" in names:
        # ffprobe names WebM and Matroska alike; the EBML header's DocType tells them apart.
        return ".webm" if _ebml_doctype(path) == "webm" else ".mkv"
    if "mp4" in names or "mov" in names:
        return ".mp4"
    return None


def _ebml_doctype(path):
    """The DocType in a Matroska file's EBML header ("webm" or "matroska"), or None."""
    with open(path, "rb") as file:
        head = file.read(256)
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    try:
        size, position = _vint(head, 4)
        end = min(position + size, len(head))
        while position < end:
            element, position = _vint(head, position, keep_marker=True)
            size, position = _vint(head, position)
            if element == 0x4282:
                return head[position:position + size].rstrip(b"\0").decode("ascii", "replace")
            position += size
    except IndexError:
        return None
    return None


def _vint(data, position, keep_marker=False):
    """An EBML variable-length integer at `position`: (value, position after it)."""
    first = data[position]
    length = 9 - first.bit_length()
    if not 1 <= length <= 8 or position + length > len(data):
        raise IndexError("not an EBML number")
    value = int.from_bytes(data[position:position + length], "big")
    return (value if keep_marker else value & ((1 << (7 * length)) - 1)), position + length


def _claimed_duration(info, video):
    """How long the file says its video is, or None (MediaRecorder's WebM files say nothing)."""
    for value in (video.get("duration"), info.get("format", {}).get("duration")):
        try:
            return float(value)
        except (TypeError, ValueError):
            continue
    return None


def _decode(path, claimed):
    """Decode the whole video stream, as the kiosk would play it; refuse a damaged clip.

    ffmpeg exits 0 on a truncated WebM, saying only "File ended prematurely", so any error it
    reports counts, and so does a picture that stops well before the length the file claims.
    """
    result = _run(["ffmpeg", "-nostdin", "-v", "error", "-xerror", "-i", str(path),
                   "-map", "0:v:0", "-f", "null", "-progress", "pipe:1", "-nostats", "-"],
                  timeout=DECODE_SECONDS)
    progress = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    try:
        frames = int(progress.get("frame", ""))
        shown = int(progress.get("out_time_us", "")) / 1_000_000
    except ValueError:
        frames, shown = 0, 0.0
    short = claimed is not None and shown + max(0.5, 0.05 * claimed) < claimed
    if result.returncode != 0 or result.stderr.strip() or frames == 0 or short:
        log.warning("clip refused as damaged: ffmpeg exit %s, %d frames to %.2f s of %s s: %s",
                    result.returncode, frames, shown, claimed, result.stderr.strip()[:300])
        raise BadClip("damaged", "the clip is damaged or incomplete: it does not play to the end")


def _duration(info, path):
    """The video's length; MediaRecorder's WebM files carry none, so count it then."""
    try:
        return float(info["format"]["duration"])
    except (KeyError, ValueError):
        pass
    result = _run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0",
                   "-show_entries", "packet=pts_time", "-of", "csv=p=0", str(path)], timeout=60)
    times = [float(line) for line in result.stdout.split() if line.replace(".", "", 1).isdigit()]
    return max(times, default=0.0)


def webvtt(text, duration):
    """Captions for a clip: its prompt text, one cue per sentence, spread over the clip."""
    sentences = [part.strip() for part in re.split(r"(?<=[.?!。？！])\s*", text) if part.strip()]
    sentences = sentences or [text]
    total = sum(len(sentence) for sentence in sentences) or 1
    start, cues = 0.0, ["WEBVTT", ""]
    for number, sentence in enumerate(sentences, 1):
        end = duration if number == len(sentences) else start + duration * len(sentence) / total
        cues += [str(number), f"{_timestamp(start)} --> {_timestamp(end)}", sentence, ""]
        start = end
    return "\n".join(cues)


def _timestamp(seconds):
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{rest:06.3f}"
