"""One clip library for every kiosk: send the clips recorded here, fetch the others'.

No Flask here. Each pass of the background worker (target = http) first uploads the clips
recorded in this kiosk's studio that the centre has not confirmed yet (kiosk.clip/1, signed;
the sample clips every kiosk ships are not sent), then asks
the centre for the clips that came since the last pass and fetches the new ones by their
content hash. A clip is never half-written: it is downloaded to a temporary file in the
folder it goes to, its SHA-256 checked, then renamed into place, and only then is the
manifest (manifest.json, itself written atomically) changed to name it. The newest upload
of a prompt wins, from whichever kiosk it came; a sample never replaces a recording, and a
recording made here that the centre has not taken yet is never replaced.

What has been done is kept in clip-sync.json beside the database: the time of the newest
centre clip taken in (the library's version, which heartbeats report) and the hashes the
centre has confirmed.
"""
import datetime
import hashlib
import json
import logging
from pathlib import Path

from .backoffice.clip_library import PAGE, entry_problem, upload_body
from .centre import CentreRefused, CentreUnreachable
from .files import write_atomically
from .signs import Clip

log = logging.getLogger(__name__)
STATE = "clip-sync.json"
CONTENT_TYPE = "application/x-kiosk-clip"


def file_digest(path):
    """The SHA-256 (hex) of a file's content, read in pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for piece in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(piece)
    return digest.hexdigest()


class ClipSync:
    """Sends this kiosk's clips to the centre and takes in the district's."""

    def __init__(self, centre, state_path, max_bytes):
        self.centre = centre
        self.state_path = Path(state_path)
        self.max_bytes = max_bytes
        self._digests = {}          # (path, mtime, size) -> sha256, so files are read once
        state = self._read_state()
        self.since = state.get("since", "")
        self.confirmed = set(state.get("confirmed", []))

    def version(self):
        """The library's version: when the newest clip taken in from the centre came."""
        return self.since

    def look_again(self):
        """After a catalogue switch: list everything again, for clips of prompts the kiosk
        did not know before (those already here are not fetched twice)."""
        self.since = ""

    def run(self, signs):
        """One pass: upload, then fetch. Returns (uploaded, fetched); an unreachable centre
        ends the pass quietly, to be tried again at the next."""
        try:
            return self.upload(signs), self.fetch(signs)
        except CentreUnreachable as error:
            log.info("the centre cannot be reached for clips: %s", error)
        except CentreRefused as error:
            log.warning("clip library: %s", error)
        return 0, 0

    def upload(self, signs):
        """Send the library's clips the centre has not confirmed; how many were sent."""
        sent = 0
        for clip in list(signs.clips.values()):
            if clip.status != "recorded":
                continue    # every kiosk ships the samples: only a recording is news
            path = signs.path_of(clip)
            if path is None or not path.is_file():
                continue
            sha256 = self._digest(path)
            if sha256 in self.confirmed:
                continue
            entry = {"key": clip.key, "sign_language": clip.sign_language,
                     "suffix": path.suffix, "duration": clip.duration, "signer": clip.signer,
                     "status": clip.status, "recorded": clip.recorded,
                     "text_sha256": clip.text_sha256, "sha256": sha256}
            try:
                self.centre.post("/clips", upload_body(entry, path.read_bytes()), CONTENT_TYPE)
            except CentreRefused as error:
                log.warning("clip %s (%s) refused by the centre: %s", clip.key,
                            clip.sign_language, error)
                continue
            self.confirmed.add(sha256)
            sent += 1
        self._save_state()
        return sent

    def fetch(self, signs):
        """Take in the clips that came since the last pass; how many files were fetched."""
        entries = self._listing()
        latest = {}
        for entry in entries:       # oldest first: the newest of each prompt wins
            latest[(entry["key"], entry["sign_language"])] = entry
        fetched, failed = 0, False
        for entry in latest.values():
            if entry["key"] not in signs.known_keys:
                continue    # a prompt of another catalogue: taken in after a switch to it
            try:
                fetched += self._take_in(signs, entry)
            except CentreRefused as error:
                log.warning("clip %s (%s) not taken in: %s", entry["key"],
                            entry["sign_language"], error)
                failed = True   # the same list again next time, so it is tried again
        if entries and not failed:
            self.since = max(self.since, max(entry["uploaded"] for entry in entries))
        self._save_state()
        return fetched

    def _listing(self):
        """Every clip entry that came since the last pass, page by page."""
        # A minute back: an upload committed a moment after a later one is not missed
        # (what is here already is not fetched again).
        entries, since = [], _earlier(self.since, seconds=60)
        while True:
            _, body = self.centre.get("/clips", {"since": since} if since else None)
            try:
                page = json.loads(body)["clips"]
                good = [entry for entry in page if isinstance(entry, dict)
                        and not entry_problem(entry) and isinstance(entry.get("uploaded"), str)]
            except (ValueError, KeyError, TypeError) as error:
                raise CentreRefused(f"the clip list is not one: {error}") from None
            entries += good
            if len(page) < PAGE or not good or good[-1]["uploaded"] == since:
                return entries
            since = good[-1]["uploaded"]

    def _take_in(self, signs, entry):
        """Fetch one clip by its hash into its place, then name it in the manifest; False
        when the kiosk already has it."""
        relative = f"{entry['sign_language']}/{entry['key']}{entry['suffix']}"
        target = signs.folder / relative
        current = signs.clip(entry["key"], entry["sign_language"])
        path = signs.path_of(current) if current is not None else None
        here = self._digest(path) if path is not None and path.is_file() else None
        if here == entry["sha256"] and current.file == relative:
            self.confirmed.add(entry["sha256"])
            return False
        if here is not None and current.status == "recorded" and (
                entry["status"] == "sample" or here not in self.confirmed):
            # Never a sample over a recording, nor over one recorded here that the centre
            # has not taken yet (it goes up at the next pass and then counts as newest).
            return False
        self.download(entry["sha256"], target)
        signs.adopt(Clip(entry["key"], entry["sign_language"], relative,
                         float(entry["duration"]), entry["signer"], entry["status"],
                         entry["recorded"], entry["text_sha256"]))
        self.confirmed.add(entry["sha256"])
        return True

    def download(self, sha256, target):
        """Fetch the clip with `sha256` to `target`: a temporary file in the same folder,
        checked, then renamed into place. A clip cut short or altered is refused and leaves
        nothing behind; the clip already at `target` stays as it was."""
        _, body = self.centre.get(f"/clips/{sha256}", max_bytes=self.max_bytes, signed=False)
        if hashlib.sha256(body).hexdigest() != sha256:
            raise CentreRefused(f"clip {sha256[:12]}: what came is not the clip asked for "
                                f"(cut short or altered); nothing was written")
        write_atomically(target, body)

    def _digest(self, path):
        status = path.stat()
        key = (str(path), status.st_mtime_ns, status.st_size)
        if key not in self._digests:
            self._digests[key] = file_digest(path)
        return self._digests[key]

    def _read_state(self):
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_state(self):
        state = json.dumps({"since": self.since, "confirmed": sorted(self.confirmed)})
        write_atomically(self.state_path, state.encode("utf-8"), mode=0o600)


def _earlier(moment, seconds):
    """An ISO time `seconds` before `moment` ("" stays "": everything)."""
    try:
        return (datetime.datetime.fromisoformat(moment)
                - datetime.timedelta(seconds=seconds)).isoformat(timespec="microseconds")
    except ValueError:
        return ""
