"""The kiosk's heartbeat: every minute, how this machine is, for the back office's fleet page.

No Flask here. A report ("kiosk.heartbeat/1", kiosk/data/heartbeat.schema.json) says which
software, catalogue and clip library the kiosk runs, how its outbox is, whether speech,
voice input and sign clips are ready, how much disk is free, the printer's state where it
is known, and when a resident last used the screens. It describes the machine only: no
answer, name, reference number or anything else a resident gave is read into it.

It goes where submissions go (kiosk.ini [handoff] target): over HTTP to `{base}/heartbeats`
beside the submissions URL, signed as submissions are, or to the built-in back office in
this process through the same document checks. A heartbeat is never queued or retried:
the next one says the same, fresher.
"""
import contextlib
import datetime
import functools
import hashlib
import importlib.metadata
import logging
import shutil
import subprocess
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from .backoffice.inbox import Rejected, load_document
from .handoff import HttpTarget, beside, body_of, signed_headers
from .catalogue_updates import copy_folder
from .readiness import unspoken_prompts
from .signs import MANIFEST

log = logging.getLogger(__name__)
SCHEMA = "kiosk.heartbeat/1"
ROOT = Path(__file__).resolve().parent.parent
# Where the kiosk cannot tell how its printer is (kiosk/printing/printer.py says when).
PRINTER_UNKNOWN = "unknown"


class HeartbeatFailed(Exception):
    """The back office did not take the heartbeat; the message says why."""


def heartbeats_url(submissions_url):
    """`https://cases.example.gov/kiosk/submissions` -> `https://cases.example.gov/kiosk/heartbeats`."""
    return beside(submissions_url, "heartbeats")


@functools.cache
def software_version():
    """The kiosk package's version, with `git describe` when the code is a git checkout
    (asked once: it does not change while the kiosk runs). An installed release says it
    in its VERSION file, written by `make bundle` (a release has no .git)."""
    with contextlib.suppress(OSError):
        if stamped := (ROOT / "VERSION").read_text(encoding="utf-8").strip():
            return stamped[:80]
    try:
        version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
            "project"]["version"]
    except (OSError, KeyError, ValueError):
        try:
            version = importlib.metadata.version("kiosk")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
    if (ROOT / ".git").exists():
        try:
            described = subprocess.run(
                ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            described = ""
        if described:
            version = f"{version}+{described}"
    return version[:80]


def file_sha256(path):
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


class Heartbeat:
    """Makes this kiosk's reports from its services (kiosk.Services) and remembers the last
    resident activity it has seen: a finished resident's session is wiped, their time is not."""

    def __init__(self, services, distribution=None):
        self.services = services
        self.distribution = distribution    # kiosk.distribution.Distribution: the versions
        self._last_activity = None   # a UTC datetime

    def report(self, now=None):
        """This kiosk's kiosk.heartbeat/1 document at `now`."""
        now = now or datetime.datetime.now(datetime.timezone.utc)
        kiosk = self.services
        settings = kiosk.settings
        outbox = kiosk.outbox.status(now)
        disk = shutil.disk_usage(settings.database_path.parent)
        activity = self.last_resident_activity()
        return {
            "schema": SCHEMA, "kiosk_id": settings.kiosk_id, "kiosk_name": settings.kiosk_name,
            "sent": now.isoformat(timespec="seconds"),
            "software_version": software_version(),
            "catalogue": self._catalogue(),
            "clip_library": {"sha256": file_sha256(kiosk.signs.folder / MANIFEST),
                             "version": self._clip_library_version()},
            "outbox": {"pending": outbox["pending"], "dead": outbox["dead"],
                       "oldest_pending_seconds": None if outbox["oldest_pending_seconds"] is None
                       else round(max(0.0, outbox["oldest_pending_seconds"]), 1)},
            "speech": self._speech(),
            "voice": self._voice(),
            "signs": self._signs(),
            "disk": {"free_bytes": disk.free, "total_bytes": disk.total},
            "printer": {"state": self._printer_state()},
            "last_resident_activity": activity.isoformat(timespec="seconds") if activity else None,
        }

    def _printer_state(self):
        """The receipt printer's state (ok, out_of_paper, offline, error or unknown)."""
        printer = getattr(self.services, "printer", None)
        return printer.state() if printer else PRINTER_UNKNOWN

    def _catalogue(self):
        """The catalogue in use: the centre's version and its copy, or kiosk.ini's file
        (version null) when none was pulled or the back office is built in."""
        settings = self.services.settings
        version = self.distribution.switch.version if self.distribution else None
        path = copy_folder(settings) / f"catalogue-{version}.toml" if version \
            else settings.catalogue_path
        return {"version": version, "sha256": file_sha256(path)}

    def _clip_library_version(self):
        """When the newest clip this kiosk took in from the centre came ("" for none yet)."""
        sync = self.distribution.clip_sync if self.distribution else None
        return sync.version() if sync is not None else ""

    def last_resident_activity(self):
        """When a resident's session last changed (staff sessions are not residents), or when
        the last application was made, whichever is later; None if never since start."""
        latest = [self._last_activity] if self._last_activity else []
        db = self.services.store.db
        # Only the sessions' keys are looked at, never what a resident typed: a staff
        # session is not a resident, and one holding only its anti-forgery token is the home
        # screen showing after a wipe, not somebody using it.
        updated = next(db.query(
            "select max(updated) as updated from sessions where json_extract(data, '$.staff') "
            "is null and exists (select 1 from json_each(sessions.data) "
            "where json_each.key != 'csrf_token')"))["updated"]
        if updated:
            latest.append(datetime.datetime.fromtimestamp(updated, datetime.timezone.utc))
        created = next(db.query("select max(created) as created from submissions"))["created"]
        if created:
            latest.append(datetime.datetime.fromisoformat(created).astimezone(
                datetime.timezone.utc))
        self._last_activity = max(latest) if latest else None
        return self._last_activity

    def _speech(self):
        speech, settings = self.services.speech, self.services.settings.speech
        working = speech.available()
        unspoken = sum(map(len, unspoken_prompts(speech, self.services.prompts).values()))
        return {"enabled": settings.enabled, "engine_ready": working,
                "unspoken_prompts": unspoken,
                "ready": not settings.enabled or (working and not unspoken)}

    def _voice(self):
        enabled = self.services.settings.voice.enabled
        models = {language: status.state
                  for language, status in self.services.voice.status().items()}
        # A model an operator has not installed is a choice (/status says so too); a failed one is not.
        return {"enabled": enabled, "models": models,
                "ready": not enabled or "failed" not in models.values()}

    def _signs(self):
        kiosk = self.services
        keys = kiosk.prompts.keys()
        coverage = {}
        for sign_language in sorted(set(kiosk.settings.signs.sign_languages.values())):
            report = kiosk.signs.coverage(keys, sign_language)
            coverage[sign_language] = {"recorded": len(keys) - len(report["missing"]),
                                       "total": len(keys)}
        return coverage


# Where heartbeats go: beside the submissions.

class HttpHeartbeats:
    """A back office over HTTP(S): POST the signed report to its heartbeats URL."""

    def __init__(self, url, secret, timeout, kiosk_id=None):
        self.url, self.secret, self.timeout = url, secret, timeout
        self.kiosk_id = kiosk_id    # sent as X-Kiosk-Id: whose key signs

    def send(self, report):
        body = body_of(report)
        key = f"{report['kiosk_id']}.heartbeat.{report['sent']}"
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers=signed_headers(self.secret, body, key,
                                                                kiosk_id=self.kiosk_id))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            raise HeartbeatFailed(f"HTTP {error.code}: "
                                  f"{error.read(300).decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise HeartbeatFailed(f"{type(error).__name__}: "
                                  f"{getattr(error, 'reason', error)}") from None


class BuiltInHeartbeats:
    """This kiosk's own back office: the report goes through the receiving API's checks."""

    def __init__(self, fleet):
        self.fleet = fleet

    def send(self, report):
        try:
            self.fleet.receive(load_document(body_of(report)))
        except Rejected as error:
            raise HeartbeatFailed(f"the back office refused the heartbeat: {error}") from None
        return 200


def heartbeat_receiver(target, fleet):
    """Where this kiosk's heartbeats go: beside the hand-off target's submissions for http,
    else this kiosk's own back office."""
    if isinstance(target, HttpTarget):
        return HttpHeartbeats(heartbeats_url(target.url), target.secret,
                              min(target.timeout, 10), kiosk_id=target.kiosk_id)
    return BuiltInHeartbeats(fleet)


def beat(heartbeat, receiver, now=None):
    """Send one report; True when the back office took it. A failure is logged, never raised:
    nothing the kiosk does for residents waits on it."""
    try:
        receiver.send(heartbeat.report(now))
        return True
    except HeartbeatFailed as error:
        log.warning("heartbeat not taken: %s", error)
    except Exception:
        log.exception("heartbeat failed")
    return False
