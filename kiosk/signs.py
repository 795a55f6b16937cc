"""Sign-language clips: the library in signlang_videos/, its manifest, captions and coverage.

No Flask here. The manifest (manifest.json) maps a prompt key and sign language to a
clip file, its duration, signer, status ("sample" or "recorded") and recording date. It is
checked at start-up: a clip whose file is missing or whose key the kiosk does not use is
logged and left out, so one bad entry never stops the kiosk. Saving a clip writes the file
and then the manifest, each atomically, so a failed save leaves the previous clip intact.
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
from .prompts import KEY_PATTERN

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
VIDEO_TYPES = {".webm": "video/webm", ".mp4": "video/mp4"}
STATUSES = ("sample", "recorded")


class ManifestError(KioskError):
    """The manifest cannot be read at all; the message says where and why."""


class BadClip(KioskError):
    """An uploaded clip is refused; `code` names why, for a clear error."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Clip:
    key: str
    sign_language: str
    file: str          # relative to the library folder
    duration: float
    signer: str
    status: str        # "sample" or "recorded"
    recorded: str      # ISO date

    @property
    def version(self):
        """Changes whenever the clip is replaced: part of its URL, so caches stay right."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:12]


class SignLibrary:
    """The clips on disk and the manifest that describes them."""

    def __init__(self, folder, known_keys):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.known_keys = set(known_keys)
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
            clip = Clip(**{field: entry[field] for field in Clip.__dataclass_fields__})
            clips[(clip.key, clip.sign_language)] = clip
        return clips

    def _problem(self, entry):
        if not isinstance(entry, dict) or set(Clip.__dataclass_fields__) - set(entry):
            missing = sorted(set(Clip.__dataclass_fields__) - set(entry or {}))
            return f"missing fields: {', '.join(missing)}"
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
        return self.clips.get((key, sign_language))

    def path_of(self, clip):
        return self._inside(clip.file)

    def coverage(self, keys, sign_language):
        """{"recorded": [...], "sample": [...], "missing": [...]} for `keys` in a sign language."""
        report = {"recorded": [], "sample": [], "missing": []}
        for key in keys:
            clip = self.clip(key, sign_language)
            report[clip.status if clip else "missing"].append(key)
        return report

    def save(self, key, sign_language, video, signer, status="recorded", today=None):
        """Store `video` (a checked file path) as the clip for `key`, replacing any earlier one."""
        if key not in self.known_keys:
            raise BadClip("unknown_key", f"the kiosk has no prompt {key!r}")
        duration = probe(video)["duration"]
        suffix = Path(video).suffix if Path(video).suffix in VIDEO_TYPES else ".webm"
        relative = f"{sign_language}/{key}{suffix}"
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        clip = Clip(key, sign_language, relative, round(duration, 2), signer, status,
                    (today or datetime.date.today()).isoformat())
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
            clips[(key, sign_language)] = clip
            self._write(clips)
            self.clips = clips
        return clip

    def _write(self, clips):
        entries = [asdict(clip) for clip in sorted(clips.values(),
                                                   key=lambda c: (c.sign_language, c.key))]
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"clips": entries}, file, ensure_ascii=False, indent=1)
            file.write("\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, self.folder / MANIFEST)


def probe(path, max_seconds=None, max_bytes=None):
    """Check a video by its content with ffprobe: a real video stream, within the limits."""
    size = Path(path).stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise BadClip("too_large", f"the clip is larger than {max_bytes // (1024 * 1024)} MB")
    if size == 0:
        raise BadClip("empty", "the file is empty")
    try:
        result = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
             str(path)], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise BadClip("no_ffprobe", "ffprobe is not installed, so clips cannot be checked") from None
    if result.returncode != 0:
        raise BadClip("not_video", "the file is not a video the kiosk can play")
    info = json.loads(result.stdout or "{}")
    formats = info.get("format", {}).get("format_name", "")
    if not any(name in formats for name in ("webm", "matroska", "mp4", "mov")):
        raise BadClip("wrong_type", "clips must be WebM or MP4 video")
    if not any(stream.get("codec_type") == "video" for stream in info.get("streams", [])):
        raise BadClip("not_video", "the file has no video in it")
    duration = _duration(info, path)
    if max_seconds is not None and duration > max_seconds:
        raise BadClip("too_long", f"the clip is longer than {max_seconds} seconds")
    if duration <= 0.2:
        raise BadClip("too_short", "the clip is too short to show anything")
    return {"duration": duration, "format": formats}


def _duration(info, path):
    """The video's length; MediaRecorder's WebM files carry none, so count it then."""
    try:
        return float(info["format"]["duration"])
    except (KeyError, ValueError):
        pass
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
         "packet=pts_time", "-of", "csv=p=0", str(path)], capture_output=True, text=True,
        timeout=60)
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
