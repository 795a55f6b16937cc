"""The kiosk's SQLite database (sqlite-utils, WAL): sessions and submissions.

The hand-off's outbox lives in the same file but belongs to kiosk.handoff.outbox, which
joins each submission's transaction through `on_submission`.

No Flask here. Each thread gets its own connection, because the web server answers
residents on several threads and a SQLite connection must stay on the thread that made it.
"""
import datetime
import json
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

import sqlite_utils

from .errors import StorageError
from .files import one_process_at_a_time
from .references import new_reference


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


class Store:
    """Sessions and submissions, in one SQLite file."""

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()
        self._submission_hooks = []
        self._check_writable()
        try:
            # One process at a time: several starting at once (a back office's gunicorn
            # workers) would meet "database is locked" switching the file to WAL.
            with one_process_at_a_time(f"{self.path}.setting-up"):
                self._create_tables()
        except sqlite3.Error as error:
            raise StorageError(f"the database {self.path} cannot be used: {error}") from None

    def _check_writable(self):
        """Stop start-up with one clear line when the database or its folder cannot be
        written (a restore with the wrong owner, say): otherwise the kiosk would start and
        every resident would meet a bare error on every page."""
        folder = self.path.parent
        whoami = f"the kiosk runs as user id {os.geteuid()}" if hasattr(os, "geteuid") else ""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Not os.access: a real write is the only answer that is true for every user,
            # file system and mount.
            with tempfile.TemporaryFile(dir=folder, prefix=".write-check-"):
                pass
        except OSError as error:
            raise StorageError(f"the database folder {folder} cannot be written "
                               f"({error.strerror}; {whoami}): give the folder to that user, "
                               f"or set [database] path to another folder") from None
        # SQLite writes the WAL and shared-memory files beside the database as well.
        for path in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            if not path.exists():
                continue
            try:
                with path.open("r+b"):
                    pass
            except OSError as error:
                raise StorageError(f"the database file {path} cannot be written "
                                   f"({error.strerror}; {whoami}): give the file to that "
                                   f"user") from None

    @property
    def db(self):
        db = getattr(self._local, "db", None)
        if db is None:
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db = sqlite_utils.Database(connection)
            db.execute("PRAGMA busy_timeout = 10000")
            # Deleted rows are overwritten, not just unlinked: a wiped resident's answers
            # must not stay readable in the file (nor, after the checkpoint below, the WAL).
            db.execute("PRAGMA secure_delete = ON")
            self._local.db = db
        return db

    def _create_tables(self):
        db = self.db
        db.enable_wal()
        db["sessions"].create({"id": str, "data": str, "updated": float, "expires": float},
                              pk="id", if_not_exists=True)
        db["submissions"].create({
            "reference": str, "kiosk_id": str, "created": str, "language": str,
            "modes": str, "package": str, "items": str, "answers": str,
            "documents": str, "eligibility": str,
        }, pk="reference", if_not_exists=True)
        # Columns added by later versions, for a kiosk whose database is older.
        if "expires" not in db["sessions"].columns_dict:
            db["sessions"].add_column("expires", float, not_null_default=0.0)
        db["sessions"].create_index(["expires"], if_not_exists=True)

    # Sessions: the cookie holds only the random id; everything else lives here.

    def load_session(self, session_id, now):
        """The session's data, or None when it is unknown or has expired by `now`."""
        found = self.session_and_expiry(session_id, now)
        return found and found[0]

    def session_and_expiry(self, session_id, now):
        """(data, when it expires) of the session, or None when it is unknown or has
        expired by `now`."""
        row = next(self.db.query("select data, expires from sessions where id = ?",
                                 [session_id]), None)
        if row is None or row["expires"] < now:
            return None
        return json.loads(row["data"]), row["expires"]

    def save_session(self, session_id, data, now, lifetime_seconds):
        """Keep a session until `lifetime_seconds` after `now` (its last request)."""
        self.db["sessions"].upsert({"id": session_id, "data": json.dumps(data), "updated": now,
                                    "expires": now + lifetime_seconds}, pk="id")

    def touch_session(self, session_id, now, lifetime_seconds):
        """Keep an unchanged session longer, without writing its data back: a request that
        changed nothing must not undo what a request beside it saved (and a wiped session
        stays wiped)."""
        self.db.execute("update sessions set updated = ?, expires = ? where id = ?",
                        [now, now + lifetime_seconds, session_id])

    def delete_session(self, session_id):
        """Wipe one session, on disk too."""
        self.db.execute("delete from sessions where id = ?", [session_id])
        self._forget_old_pages()

    def resident_sessions(self, now):
        """The data of every resident's session still open at `now` that holds anything (a
        language chosen, a journey, a confirmation on screen); staff sessions are not
        counted, nor one holding only its anti-forgery token: that is the home screen
        waiting for somebody (every page load, and every wipe, leaves one)."""
        rows = self.db.query("select data from sessions where expires >= ?", [now])
        sessions = (json.loads(row["data"]) for row in rows)
        return [data for data in sessions
                if set(data) - {"csrf_token"} and "staff" not in data]

    def purge_sessions(self, now):
        """Wipe sessions expired by `now` (the resident or clerk has walked away)."""
        wiped = self.db.execute("delete from sessions where expires < ?", [now]).rowcount
        if wiped:
            self._forget_old_pages()
        return wiped

    def _forget_old_pages(self):
        """Copy the WAL into the database and empty it: earlier versions of a wiped
        session's pages live in the WAL until then."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # Submissions: written with their outbox entry in one transaction, before the
    # resident sees the reference, so nothing confirmed is ever lost.

    def on_submission(self, hook):
        """Call `hook(reference, now, db=db)` inside the transaction that stores each new
        submission (the outbox queues it there); if the hook fails, nothing is stored."""
        self._submission_hooks.append(hook)

    def create_submission(self, kiosk_id, record, now=None, attempts=20):
        """Store a submission, and what `on_submission` hooks write with it, atomically;
        return the new reference."""
        now = now or utc_now()
        local_now = now.astimezone()
        for _ in range(attempts):
            reference = new_reference(kiosk_id, local_now)
            row = {"reference": reference, "kiosk_id": kiosk_id,
                   "created": local_now.isoformat(timespec="seconds"),
                   **{key: json.dumps(value, ensure_ascii=False) if key != "language" else value
                      for key, value in record.items()}}
            try:
                with self.db.conn:
                    self.db.execute("begin immediate")
                    self.db["submissions"].insert(row)
                    for hook in self._submission_hooks:
                        hook(reference, now, db=self.db)
            except sqlite3.IntegrityError as error:
                if "submissions.reference" not in str(error):
                    raise
                continue  # the same random reference again: draw another
            return reference
        raise RuntimeError("could not draw an unused reference number")

    def get_submission(self, reference):
        """The stored submission with its JSON columns decoded, or None."""
        row = next(self.db.query("select * from submissions where reference = ?",
                                 [reference]), None)
        if row is None:
            return None
        return {key: json.loads(value) if key in self._json_columns else value
                for key, value in row.items()}

    _json_columns = ("modes", "package", "items", "answers", "documents", "eligibility")

    def forget_answers(self, references_query, values=()):
        """Empty the answers of the submissions `references_query` (SQL selecting a
        reference column) names, keeping the record; return how many were forgotten."""
        return self.db.execute(
            "update submissions set answers = '{}' where answers != '{}' and reference in "
            f"({references_query})", list(values)).rowcount
