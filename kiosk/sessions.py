"""Server-side sessions for a shared public device.

The cookie carries only a random id; the resident's choices and answers stay in SQLite
and are wiped on completion, "Start over" and idle timeout.
"""
import json
import logging
import secrets
import sqlite3
import time

from flask import request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

COOKIE_NAME = "kiosk_session"
# A request that changes nothing still keeps its session alive, but writing that down
# (a write to SQLite, a request's biggest single cost) is needed only when the last
# one is this much out of date: a session then ends at most this early, well within the
# 30 seconds' margin after the idle dialog.
TOUCH_EVERY_SECONDS = 5
log = logging.getLogger(__name__)


def _serialised(data):
    return json.dumps(dict(data), sort_keys=True)


class ServerSession(CallbackDict, SessionMixin):
    """A dict that remembers whether it changed, keyed by a random id."""

    def __init__(self, session_id, data=None, new=False, expires=None):
        def on_update(session):
            session.modified = True
        super().__init__(data or {}, on_update)
        # As loaded, to tell at the end whether this request changed anything (nested
        # changes included, which on_update does not see).
        self.as_loaded = None if new else _serialised(self)
        self.session_id = session_id
        self.new = new
        self.expires = expires      # as stored when loaded (None: new)
        self.modified = False
        # True when the database could not be read: the page says so and nothing is saved,
        # so what the resident saved before stays as it was.
        self.unavailable = False

    def wipe(self):
        """Forget everything and take a new id, so an old cookie leads nowhere."""
        self.clear()
        self.rotate()

    def rotate(self):
        """Keep the data under a new id (a sign-in, a resident's start): whoever held
        the old id, a planted cookie say, holds nothing."""
        self.session_id = secrets.token_urlsafe(32)
        self.wiped = True
        self.modified = True


# Where kiosks, not people, send their requests (submissions, ratings, calls, heartbeats,
# the catalogue and clips): signed, and never with a session.
MACHINE_PATHS = ("/backoffice/api/",)


class SQLiteSessionInterface(SessionInterface):
    """Keeps session data in the kiosk's Store; a session idle too long is gone.

    A resident's session ends soon after the idle dialog; a signed-in clerk's or
    interpreter's lasts for the staff idle time, so their work is not lost to the
    residents' timer.
    """

    def __init__(self, store, resident_lifetime_seconds, staff_lifetime_seconds):
        self.store = store
        self.resident_lifetime_seconds = resident_lifetime_seconds
        self.staff_lifetime_seconds = staff_lifetime_seconds

    def open_session(self, app, request):
        now = time.time()
        session_id = request.cookies.get(COOKIE_NAME)
        try:
            if session_id:
                found = self.store.session_and_expiry(session_id, now)
                if found is not None:
                    data, expires = found
                    return ServerSession(session_id, data, expires=expires)
            # A new resident: wipe what earlier ones left when they walked away mid-journey.
            # (Not for kiosks' signed requests to a back office, which carry no session:
            # a write for each of them would only slow a centre receiving from many.)
            if not request.path.startswith(MACHINE_PATHS):
                self.store.purge_sessions(now)
        except sqlite3.Error as error:
            # Failing here would leave no session for the error page itself to render with.
            log.error("the session store cannot be used: %s", error)
            session = ServerSession(secrets.token_urlsafe(32), new=True)
            session.unavailable = True
            return session
        return ServerSession(secrets.token_urlsafe(32), new=True)

    def save_session(self, app, session, response):
        if getattr(session, "unavailable", False):
            return
        old_id = request.cookies.get(COOKIE_NAME)
        if getattr(session, "wiped", False) and old_id:
            self.store.delete_session(old_id)
        if not session:
            # Only the request that ended the session takes the cookie away. Prompt audio
            # still loading from the page before carries the id a resident's start has just
            # replaced (rotate): unknown now, but deleting the cookie in its answer would
            # take away the new id the browser has just been given.
            if old_id and getattr(session, "wiped", False):
                response.delete_cookie(COOKIE_NAME, path="/")
            return
        lifetime = (self.staff_lifetime_seconds if session.get("staff")
                    else self.resident_lifetime_seconds * (2 if session.get("more_time") else 1))
        if session.session_id == old_id and session.as_loaded == _serialised(session):
            # Prompt audio, clips and keep-alives run beside page requests: writing back
            # what they loaded would undo a choice saved in between.
            now = time.time()
            if session.expires is None or session.expires < now + lifetime - TOUCH_EVERY_SECONDS:
                self.store.touch_session(session.session_id, now, lifetime)
            return
        self.store.save_session(session.session_id, dict(session), time.time(), lifetime)
        if session.session_id != old_id:
            response.set_cookie(COOKIE_NAME, session.session_id, httponly=True,
                                samesite="Lax", path="/")

