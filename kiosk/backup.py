"""Backups of the kiosk's SQLite database, and restoring one (no Flask here).

A backup is made with SQLite's online backup API from the live database, never by copying
the file: in WAL mode the file alone can miss committed transactions that are still in the
-wal file, and a copy taken while the kiosk writes can be torn. The backup reads one
consistent snapshot while the kiosk keeps serving and writing.

Each backup is `kiosk-YYYYMMDD-HHMMSS.db` (UTC), a self-contained file (rollback journal,
not WAL), checked with `PRAGMA integrity_check`, flushed to disk and renamed into place, so
a crash leaves a whole backup or none. It holds residents' answers and the kiosk's keys:
mode 0600 in a folder of mode 0700.

The server holds a shared lock on `<database>.in-use` while it runs (`hold_database`); a
restore takes it exclusively, so it refuses while the kiosk runs against that database.
"""
import datetime
import fcntl
import os
import re
import shutil
import sqlite3
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import BackupError

NAME = re.compile(r"kiosk-(\d{8}-\d{6})\.db")
STAMP = "%Y%m%d-%H%M%S"
SQLITE_HEADER = b"SQLite format 3\x00"
KIOSK_TABLES = {"sessions", "submissions"}   # what makes a SQLite file a kiosk's database
STALE_DRAFT_SECONDS = 3600   # a half-made backup this old was left by a crash or a kill
PROBLEMS_SHOWN = 3           # integrity_check lines quoted in an error


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime.datetime     # UTC, from the name
    size: int                    # bytes


@dataclass(frozen=True)
class Contents:
    """What a database holds, in the words an operator checks a restore by."""
    submissions: int
    newest_submission: str | None    # its `created` time, as stored (the hall's local time)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def take_backup(database_path, folder, now=None):
    """Back up the live database at `database_path` into `folder`; return the Backup."""
    database_path, folder = Path(database_path), Path(folder)
    if not database_path.is_file():
        raise BackupError(f"there is no database at {database_path} to back up")
    now = now or utc_now()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    final = folder / f"kiosk-{now.strftime(STAMP)}.db"
    if final.exists():
        raise BackupError(f"{final} already exists: one backup a second at most, try again")
    draft = folder / f".{final.name}.part"
    _copy_database(_live(database_path), draft)
    try:
        try:
            _check_database(draft, "the new backup")
        except BackupError as error:
            # The copy is faithful, so the database itself is damaged. Nothing is pruned:
            # the older backups are what a restore will need.
            raise BackupError(f"the database {database_path} looks damaged: {error}; the "
                              "older backups are all kept") from None
        os.replace(draft, final)
        _sync_folder(folder)
    finally:
        draft.unlink(missing_ok=True)
    return Backup(final, now, final.stat().st_size)


def _live(path):
    """The URI of a database in use (mode=rw never creates an empty one where it is missing)."""
    return f"{Path(path).resolve().as_uri()}?mode=rw"


def _as_is(path):
    """The URI of a file read exactly as it is (immutable: no locks, no -wal or -shm made
    beside it, so a backup on a read-only stick can be read too)."""
    return f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"


def _copy_database(source_uri, target_path, uid=None, gid=None):
    """One consistent snapshot of the database at `source_uri` into a new file `target_path` (mode 0600),
    in rollback-journal mode so the copy is one self-contained file, flushed to disk."""
    target_path.unlink(missing_ok=True)
    # Made 0600 before a byte is written: never readable by others, even for a moment.
    os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if uid is not None:
        os.chown(target_path, uid, gid)
    source = sqlite3.connect(source_uri, uri=True, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        # All pages in one step: one read transaction, one snapshot. In WAL mode the kiosk's
        # writers are not blocked meanwhile (a stepwise copy would restart on each write).
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        target.close()
        target_path.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {source_uri.split('?')[0]}: {error}") from None
    finally:
        source.close()
    target.close()
    with open(target_path, "rb") as file:
        os.fsync(file.fileno())


def _sync_folder(folder):
    """Make a rename in `folder` survive a power cut."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def backups(folder):
    """The backups in `folder`, newest first; other files there are none of ours."""
    found = []
    for path in Path(folder).glob("kiosk-*.db"):
        match = NAME.fullmatch(path.name)
        if not match or not path.is_file() or path.is_symlink():
            continue
        taken = datetime.datetime.strptime(match.group(1), STAMP).replace(
            tzinfo=datetime.timezone.utc)
        found.append(Backup(path, taken, path.stat().st_size))
    return sorted(found, key=lambda backup: backup.taken, reverse=True)


def prune(folder, keep_days, now=None):
    """Delete backups taken more than `keep_days` ago, except the newest one, and drafts a
    crash left behind; return the deleted paths. Nothing else in `folder` is touched."""
    now = now or utc_now()
    oldest_kept = now - datetime.timedelta(days=keep_days)
    deleted = []
    for backup in backups(folder)[1:]:      # the newest stays, however old
        if backup.taken < oldest_kept:
            backup.path.unlink()
            deleted.append(backup.path)
    for draft in Path(folder).glob(".kiosk-*.db.part"):
        if NAME.fullmatch(draft.name[1:-len(".part")]) and \
                time.time() - draft.stat().st_mtime > STALE_DRAFT_SECONDS:
            draft.unlink()
            deleted.append(draft)
    return deleted


def check_backup(path):
    """Refuse anything that is not a whole, readable kiosk database; return its Contents."""
    path = Path(path)
    # Not a regular file (a folder, a device, a pipe that would never end): refuse unread.
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with open(path, "rb") as file:
        header = file.read(100)
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise BackupError(f"{path} is not a SQLite database, so not a kiosk backup "
                          "(those are kiosk-YYYYMMDD-HHMMSS.db files)")
    if Path(f"{path}-wal").exists():
        # Its last transactions may be in the WAL, which a restore would not take with it.
        raise BackupError(f"{path} has a {path.name}-wal file beside it: it is a database in "
                          "use, or a file copy of one, not a backup (make one with "
                          "`backup now`)")
    if _header_size(header) > path.stat().st_size:
        raise BackupError(f"{path} is cut short ({path.stat().st_size} bytes of "
                          f"{_header_size(header)}): it is not a whole backup")
    return _check_database(path, path)


def _header_size(header):
    """The database's size in bytes by its own header, or 0 when the header does not say."""
    page_size, = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for, = struct.unpack(">I", header[92:96])
    return pages * page_size if valid_for == change_counter else 0


def _check_database(path, name):
    """integrity_check and the kiosk's tables; the Contents of `path`."""
    try:
        connection = sqlite3.connect(_as_is(path), uri=True)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{name} is damaged (SQLite's integrity check: "
                                  f"{'; '.join(problems[:PROBLEMS_SHOWN])})")
            tables = {row[0] for row in connection.execute(
                "select name from sqlite_master where type = 'table'")}
            if not KIOSK_TABLES <= tables:
                raise BackupError(f"{name} is a SQLite database, but not a kiosk's (it has no "
                                  f"{' or '.join(sorted(KIOSK_TABLES - tables))} table)")
            count, newest = connection.execute(
                "select count(*), max(created) from submissions").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"{name} is damaged: SQLite cannot read it ({error})") from None
    return Contents(count, newest)


# The server's claim on its database, and the restore's check of it.

def lock_path(database_path):
    return Path(f"{database_path}.in-use")


def hold_database(database_path):
    """Hold a shared lock saying "a kiosk process uses this database" until this process
    ends (a kill or a power cut included: the kernel drops it). Returns the open file,
    which the caller keeps (None when the folder cannot be written: the database then
    stops start-up with its own clear message). Waits while a restore replaces the database."""
    try:
        Path(database_path).parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path(database_path), "a")
    except OSError:
        return None
    fcntl.flock(lock, fcntl.LOCK_SH)
    return lock


def processes_using(database_path):
    """Other processes that have the database (or its WAL) open, as "PID (command)" (Linux:
    /proc; processes of other users are only seen by root)."""
    names = {str(Path(database_path).resolve()), str(Path(f"{database_path}-wal").resolve())}
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        if int(process.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) in names for fd in (process / "fd").iterdir()):
                command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    errors="replace").strip()
                found.append(f"{process.name} ({command[:80]})")
        except OSError:     # gone meanwhile, or another user's
            continue
    return found


def restore(backup_path, database_path, now=None):
    """Replace the database at `database_path` by the backup at `backup_path`, keeping the
    current one as `<database>.before-restore-YYYYMMDD-HHMMSS`. Returns (Contents, kept path
    or None). Refuses, changing nothing, when the backup is not a whole kiosk database or a
    process uses the database."""
    backup_path, database_path = Path(backup_path), Path(database_path)
    if database_path.exists() and backup_path.exists() and \
            os.path.samefile(backup_path, database_path):
        raise BackupError(f"{backup_path} is the database itself, not a backup of it")
    contents = check_backup(backup_path)
    database_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(database_path), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(_STOP_FIRST.format(what="the kiosk is running on this database"))
        users = processes_using(database_path)
        if users:
            raise BackupError(_STOP_FIRST.format(
                what=f"other processes have {database_path} open: {', '.join(users)}"))
        now = now or utc_now()
        kept = _keep_current(database_path, now)
        owner = os.stat(kept) if kept else None
        draft = database_path.with_name(f".{database_path.name}.restoring")
        _copy_database(_as_is(backup_path), draft, *(owner.st_uid, owner.st_gid)
                       if owner and os.geteuid() == 0 else ())
        # The old WAL goes first: beside the new file it would be replayed into it. What it
        # held is in the kept copy.
        for leftover in (f"{database_path}-wal", f"{database_path}-shm"):
            Path(leftover).unlink(missing_ok=True)
        os.replace(draft, database_path)
        _sync_folder(database_path.parent)
    return contents, kept


_STOP_FIRST = ("cannot restore while {what}: stop the kiosk first (systemctl stop "
               "kiosk-server kiosk-handoff, or Ctrl+C where `make run` runs), then restore")


def _keep_current(database_path, now):
    """Keep the database being replaced beside it; None when there is none."""
    if not database_path.exists():
        return None
    kept = database_path.with_name(f"{database_path.name}.before-restore-{now.strftime(STAMP)}")
    stat = database_path.stat()
    owner = (stat.st_uid, stat.st_gid) if os.geteuid() == 0 else ()
    try:
        _copy_database(_live(database_path), kept, *owner)
    except BackupError:
        # Too damaged for SQLite to read (often why one restores): nobody has it open, so
        # a plain copy of the file and its WAL is whole. SQLite pairs "X" with "X-wal".
        kept.unlink(missing_ok=True)
        for suffix in ("", "-wal"):
            if Path(f"{database_path}{suffix}").exists():
                shutil.copyfile(f"{database_path}{suffix}", f"{kept}{suffix}")
                os.chmod(f"{kept}{suffix}", 0o600)
    return kept
