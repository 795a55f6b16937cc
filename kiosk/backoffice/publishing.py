"""Publishing the catalogue centrally: one version for every kiosk of the district.

No Flask here. The operator publishes a catalogue file (the CLI or the upload page); it is
checked exactly as a kiosk checks its file at start-up (kiosk.catalogue), so a mistake is
refused with the same message naming the package, item and field. Every version is kept
(table catalogue_versions, with its SHA-256, who published it and when). Rolling back
withdraws the latest standing version, so the one before it stands again; kiosks compare
the version they run with the one that stands, not which is higher, so they follow a
rollback too.
"""
import datetime
import hashlib

from sqlalchemy import func, insert, select, update

from ..catalogue import read_catalogue_text
from ..errors import CatalogueError, KioskError
from .tables import catalogue_versions

# The district's catalogue is about 120 kB; ten times that is not a catalogue.
MAX_CATALOGUE_BYTES = 1024 * 1024


class PublishRefused(KioskError):
    """A catalogue cannot be published, or nothing can be rolled back; the message says why."""


def checked_text(data, source):
    """The catalogue's text from the bytes of a file, checked as at start-up; PublishRefused
    (with the start-up message for an invalid catalogue) otherwise."""
    if len(data) > MAX_CATALOGUE_BYTES:
        raise PublishRefused(f"{source}: the file is larger than "
                             f"{MAX_CATALOGUE_BYTES // 1024} kB; a catalogue is far smaller")
    if not data.strip():
        raise PublishRefused(f"{source}: the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PublishRefused(f"{source}: not UTF-8 text, so not a catalogue file") from None
    try:
        read_catalogue_text(text, source)
    except CatalogueError as error:
        raise PublishRefused(str(error)) from None
    return text


def digest(text):
    """The SHA-256 (hex) of a catalogue's text as UTF-8: what kiosks check a copy by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class CatalogueVersions:
    """The published versions of the catalogue, in the back office's database."""

    def __init__(self, database):
        self.database = database

    def publish(self, data, who, source="catalogue.toml", now=None):
        """Check and publish the catalogue in `data` (bytes); return its version number."""
        text = checked_text(data, source)
        sha256 = digest(text)
        with self.database.begin() as connection:
            standing = _standing(connection)
            if standing is not None and standing["sha256"] == sha256:
                raise PublishRefused(f"{source}: this catalogue is already published, as "
                                     f"version {standing['version']}")
            result = connection.execute(insert(catalogue_versions).values(
                published=now or _now(), published_by=who, sha256=sha256, body=text))
            return result.inserted_primary_key[0]

    def standing_version(self):
        """The number of the version that stands, or None: cheap enough for every request."""
        return self.database.scalar(
            select(catalogue_versions.c.version).where(catalogue_versions.c.withdrawn == "")
            .order_by(catalogue_versions.c.version.desc()).limit(1))

    def current(self):
        """The version that stands (number, sha256, body, ...) as a dict, or None."""
        with self.database.begin() as connection:
            return _standing(connection)

    def versions(self):
        """Every version, newest first, without its body."""
        columns = [column for column in catalogue_versions.c if column.name != "body"]
        return self.database.rows(select(*columns)
                                  .order_by(catalogue_versions.c.version.desc()))

    def rollback(self, who, now=None):
        """Withdraw the latest standing version so the one before it stands again; return
        (withdrawn, now standing). The first version is never withdrawn: kiosks would have
        nothing to go back to."""
        with self.database.begin() as connection:
            standing = _standing(connection)
            if standing is None:
                raise PublishRefused("no catalogue has been published yet")
            earlier = connection.execute(
                select(func.max(catalogue_versions.c.version))
                .where(catalogue_versions.c.withdrawn == "",
                       catalogue_versions.c.version < standing["version"])).scalar()
            if earlier is None:
                raise PublishRefused(f"version {standing['version']} is the only one standing: "
                                     "there is no earlier version to go back to")
            connection.execute(update(catalogue_versions)
                               .where(catalogue_versions.c.version == standing["version"])
                               .values(withdrawn=now or _now(), withdrawn_by=who))
            return standing["version"], earlier


def _standing(connection):
    row = connection.execute(
        select(catalogue_versions).where(catalogue_versions.c.withdrawn == "")
        .order_by(catalogue_versions.c.version.desc()).limit(1)).mappings().first()
    return dict(row) if row is not None else None
