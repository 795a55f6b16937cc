"""The district's clip library at the centre: sign-language clips from every kiosk's studio.

No Flask here. A kiosk uploads each clip it records with its manifest entry; the file is kept
once, named by the SHA-256 of its content, in the centre's folder, and table `clips` says
which prompt and sign language it signs, when it came and from which kiosk. Kiosks list what
came since they last asked and fetch each file by its hash, which they check.

An upload is one signed body (kiosk.clip/1): the manifest entry as one line of JSON, a
newline, then the video's bytes. The entry names the file's hash, so a body cut short or
altered on the way is refused.
"""
import datetime
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from sqlalchemy import select

from ..errors import KioskError
from ..prompts import KEY_PATTERN
from ..signs import STATUSES, VIDEO_TYPES, probe
from .database import insert_if_new
from .tables import clips

SCHEMA = "kiosk.clip/1"
SHA256 = re.compile(r"[0-9a-f]{64}")
SIGN_LANGUAGE = re.compile(r"[A-Za-z]{2,8}")
PAGE = 500          # clips listed per answer; a kiosk asks again from the last one
ENTRY_FIELDS = {"key": str, "sign_language": str, "suffix": str, "duration": (int, float),
                "signer": str, "status": str, "recorded": str, "text_sha256": str,
                "sha256": str}


class ClipRefused(KioskError):
    """An uploaded clip is refused; `code` names why (for the JSON refusal)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def upload_body(entry, video):
    """The kiosk.clip/1 body for `entry` (a manifest entry with sha256 and suffix) and the
    video's bytes."""
    line = json.dumps({"schema": SCHEMA, **entry}, ensure_ascii=False, sort_keys=True)
    return line.encode("utf-8") + b"\n" + video


def read_upload(body):
    """(entry, video) from a kiosk.clip/1 body; ClipRefused when it is not one."""
    line, newline, video = body.partition(b"\n")
    if not newline:
        raise ClipRefused("bad_body", "the body must be a line of JSON, a newline, then the video")
    try:
        entry = json.loads(line)
    except ValueError:
        raise ClipRefused("bad_json", "the first line is not JSON") from None
    if not isinstance(entry, dict) or entry.get("schema") != SCHEMA:
        raise ClipRefused("bad_schema", f"the entry's schema must be {SCHEMA}")
    problem = entry_problem(entry)
    if problem:
        raise ClipRefused("invalid", problem)
    if hashlib.sha256(video).hexdigest() != entry["sha256"]:
        raise ClipRefused("hash_mismatch", "the video's SHA-256 is not the one its entry names")
    return entry, video


def entry_problem(entry):
    """What is wrong with a clip's entry (from a kiosk, or from the centre), or None."""
    for name, kind in ENTRY_FIELDS.items():
        if not isinstance(entry.get(name), kind) or isinstance(entry.get(name), bool):
            return f"field {name!r} is missing or of the wrong type"
    if not KEY_PATTERN.fullmatch(entry["key"]):
        return "key is not a prompt key"
    if not SIGN_LANGUAGE.fullmatch(entry["sign_language"]):
        return "sign_language must be 2 to 8 letters"
    if entry["suffix"] not in VIDEO_TYPES:
        return "suffix must be .webm or .mp4"
    if entry["status"] not in STATUSES:
        return "status must be sample or recorded"
    if not SHA256.fullmatch(entry["sha256"]):
        return "sha256 must be 64 hexadecimal digits"
    if entry["text_sha256"] and not SHA256.fullmatch(entry["text_sha256"]):
        return "text_sha256 must be empty or 64 hexadecimal digits"
    try:
        datetime.date.fromisoformat(entry["recorded"])
    except ValueError:
        return "recorded must be a date (YYYY-MM-DD)"
    if not 0 < entry["duration"] < 3600 or len(entry["signer"]) > 100:
        return "duration or signer is out of range"
    return None


class ClipLibrary:
    """The clip files (named by hash) in `folder`, and table `clips` that lists them."""

    def __init__(self, database, folder, max_bytes, max_seconds):
        self.database = database
        self.folder = Path(folder)
        self.max_bytes, self.max_seconds = max_bytes, max_seconds

    def receive(self, body, kiosk_id, now=None):
        """Keep an uploaded clip: "created", or "exists" when the centre already has it."""
        entry, video = read_upload(body)
        if len(video) > self.max_bytes:
            raise ClipRefused("too_large", "the clip is larger than the studio accepts")
        path = self.path(entry["sha256"])
        if not path.exists():
            self._keep(video, entry)
        manifest = {name: entry[name] for name in ENTRY_FIELDS if name != "sha256"}
        with self.database.begin() as connection:
            added = insert_if_new(connection, clips, ["sha256", "prompt_key", "sign_language"], {
                "sha256": entry["sha256"], "prompt_key": entry["key"],
                "sign_language": entry["sign_language"], "filename": entry["sha256"],
                "size": len(video), "uploaded": _now(now), "kiosk_id": kiosk_id[:20],
                "manifest": json.dumps(manifest, ensure_ascii=False, sort_keys=True)})
        return "created" if added else "exists"

    def _keep(self, video, entry):
        """Check the clip plays to the end, as the studio does, then write it atomically:
        every kiosk will show it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=entry["suffix"])
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(video)
            try:
                probe(temporary, self.max_seconds, self.max_bytes)
            except KioskError as error:
                raise ClipRefused(getattr(error, "code", "bad_clip"), str(error)) from None
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.path(entry["sha256"]))
        finally:
            Path(temporary).unlink(missing_ok=True)

    def path(self, sha256):
        """Where the clip with this content hash is kept (whether or not it is)."""
        if not SHA256.fullmatch(sha256):
            raise ClipRefused("bad_hash", "not a SHA-256")
        return self.folder / sha256

    def since(self, moment="", limit=PAGE):
        """The clips that came at or after `moment` (ISO time; "" for all), oldest first, as
        manifest entries with their sha256 and when they came."""
        rows = self.database.rows(
            select(clips).where(clips.c.uploaded >= moment)
            .order_by(clips.c.uploaded, clips.c.sha256, clips.c.prompt_key).limit(limit))
        return [{**json.loads(row["manifest"]), "sha256": row["sha256"],
                 "uploaded": row["uploaded"], "size": row["size"]} for row in rows]

    def version(self):
        """The library's version: when its newest clip came ("" while it is empty)."""
        return self.database.scalar(select(clips.c.uploaded).order_by(
            clips.c.uploaded.desc()).limit(1)) or ""


def _now(now=None):
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    return moment.isoformat(timespec="microseconds")
