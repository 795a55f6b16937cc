"""The kiosk's copy of the catalogue the centre publishes.

No Flask here. With [handoff] target = http, the background worker asks the centre every
`pull_seconds` whether another version stands (kiosk.centre: signed both ways). A new copy
is checked before anything else is done with it: the centre's signature, its SHA-256, and
the catalogue itself exactly as at start-up (kiosk.catalogue); a copy that fails any of
these is logged and ignored. A good copy is written beside the database
(catalogue/catalogue-N.toml, then catalogue/current.json naming it, each atomically with a
temporary file and os.replace), so a kiosk that restarts while the centre is unreachable
starts on its last good copy rather than kiosk.ini's file. The new catalogue is then
offered to kiosk.catalogue_switch, which puts it in use between residents.
"""
import hashlib
import json
import logging
from pathlib import Path

from .catalogue import load_catalogue, read_catalogue_text
from .centre import CentreRefused, CentreUnreachable
from .errors import CatalogueError
from .files import write_atomically

log = logging.getLogger(__name__)
SCHEMA = "kiosk.catalogue/1"
POINTER = "current.json"


def copy_folder(settings):
    """Where the kiosk keeps its pulled copy: beside its database."""
    return settings.database_path.parent / "catalogue"


def starting_catalogue(settings):
    """(catalogue, version) to start with: the last good copy pulled from the centre when
    there is one (target = http), else kiosk.ini's file (version None)."""
    if settings.handoff.target == "http":
        copy = last_good_copy(copy_folder(settings))
        if copy is not None:
            return copy
    return load_catalogue(settings.catalogue_path), None


def last_good_copy(folder):
    """(catalogue, version) of the pulled copy in `folder`, or None when there is none or it
    no longer checks out (logged: the kiosk then starts on kiosk.ini's file)."""
    pointer = Path(folder) / POINTER
    if not pointer.exists():
        return None
    try:
        record = json.loads(pointer.read_text(encoding="utf-8"))
        path = Path(folder) / record["file"]
        if hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
            raise CatalogueError(f"{path}: its SHA-256 is not the one {pointer} names")
        return load_catalogue(path), int(record["version"])
    except (OSError, ValueError, KeyError, TypeError, CatalogueError) as error:
        log.warning("the catalogue pulled from the centre cannot be used (%s); starting on "
                    "kiosk.ini's file", error)
        return None


class CatalogueUpdates:
    """Pulls the standing catalogue from the centre and keeps the last good copy."""

    def __init__(self, centre, folder, version=None):
        self.centre = centre
        self.folder = Path(folder)
        self.version = version      # the version on disk (None: kiosk.ini's file)

    def pull(self):
        """Ask the centre once: (catalogue, version) of a new good copy, now on disk; None
        when the kiosk has the standing version, the centre cannot be reached, or what
        came is refused (logged)."""
        params = {"have": self.version} if self.version is not None else None
        try:
            status, body = self.centre.get("/catalogue", params, max_bytes=2 * 1024 * 1024)
            if status == 204 or not body:
                return None
            return self._accept(body)
        except CentreUnreachable as error:
            log.info("the centre cannot be reached; the kiosk keeps catalogue version %s: %s",
                     self.version, error)
        except (CentreRefused, CatalogueError) as error:
            log.warning("a catalogue from the centre was refused: %s", error)
        return None

    def _accept(self, body):
        try:
            data = json.loads(body)
            version, sha256, text = int(data["version"]), data["sha256"], data["body"]
            if data["schema"] != SCHEMA or not isinstance(text, str):
                raise ValueError(f"not {SCHEMA}")
        except (ValueError, KeyError, TypeError) as error:
            raise CentreRefused(f"not a catalogue document: {error}") from None
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha256:
            raise CentreRefused(f"version {version}: the text's SHA-256 is not {sha256}")
        catalogue = read_catalogue_text(text, f"catalogue version {version} from the centre")
        self._keep(text, version, sha256)
        log.info("catalogue version %s pulled from the centre", version)
        return catalogue, version

    def _keep(self, text, version, sha256):
        """Write the copy, then the pointer to it, each atomically; remove older copies but
        the one before (it may still be in use, waiting for a resident to finish: the
        heartbeat reports its hash)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"catalogue-{version}.toml"
        before = f"catalogue-{self.version}.toml" if self.version else None
        write_atomically(self.folder / name, text.encode("utf-8"))
        write_atomically(self.folder / POINTER, json.dumps(
            {"version": version, "sha256": sha256, "file": name}).encode("utf-8"))
        self.version = version
        for old in self.folder.glob("catalogue-*.toml"):
            if old.name not in (name, before):
                old.unlink(missing_ok=True)
