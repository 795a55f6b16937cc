"""Staff accounts for the hall's own pages (studio, back office): hashed passwords and
sign-in throttling.

No Flask here. Passwords are stored only as salted hashes (werkzeug's scrypt).
"""
import math
import re
import time

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..errors import KioskError

NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{2,40}")
MIN_PASSWORD_LENGTH = 10
# zxcvbn's guess-based score, 0 to 4: 3 means "safely unguessable" (about 10^8 guesses
# or more). aaaaaaaaaa, 1234567890 and password12 score 0 or 1.
MIN_PASSWORD_SCORE = 3


class StaffError(KioskError):
    """A staff account cannot be made as asked; the message says why."""


class Staff:
    """The staff table in the kiosk's database, and sign-in throttling.

    Sign-in cannot tell an attacker which names exist: an unknown name costs the same
    password check as a known one and gets the same answer. Wrong passwords are slowed,
    not locked: after `max_failed_logins` free tries, each further failure doubles the
    wait, per client (up to `lockout_minutes`) and per name (up to ACCOUNT_WAIT_CAP, so
    that someone elsewhere can delay the real clerk by a minute at most, never lock
    them out). Every failure is kept for the operator (`failed_sign_ins`).
    """

    ACCOUNT_WAIT_CAP = 60   # seconds

    def __init__(self, store, settings):
        self.store = store
        self.settings = settings
        store.db["staff"].create({"name": str, "password_hash": str, "failed": int,
                                  "locked_until": float}, pk="name", if_not_exists=True)
        store.db["sign_in_throttle"].create({"key": str, "failures": int, "wait_until": float},
                                            pk="key", if_not_exists=True)
        store.db["failed_sign_ins"].create({"at": float, "name": str, "client": str},
                                           if_not_exists=True)
        # An unknown name is checked against this, at the cost of a real check.
        self._dummy_hash = generate_password_hash("not anyone's password")

    def add(self, name, password):
        """Create or reset an account."""
        if not NAME_PATTERN.fullmatch(name):
            raise StaffError("a staff name is 2 to 40 letters, digits, dots, dashes or _")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise StaffError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        if name.lower() in password.lower():
            raise StaffError("the password must not contain the staff name")
        if zxcvbn(password[:100], user_inputs=[name])["score"] < MIN_PASSWORD_SCORE:
            raise StaffError("the password is too easy to guess (a common word, a pattern "
                             "or a repeat): use a few unrelated words")
        self.store.db["staff"].upsert({"name": name, "password_hash": generate_password_hash(password),
                                       "failed": 0, "locked_until": 0.0}, pk="name")

    def sign_in(self, name, password, client="", now=None):
        """("ok", 0), ("wrong", 0) or ("wait", seconds): the same for known and unknown names."""
        now = now or time.time()
        keys = [f"name:{name[:80]}", f"client:{client[:80]}"]
        wait = max(self._wait(key, now) for key in keys)
        if wait:
            return "wait", wait
        row = next(self.store.db.query("select password_hash from staff where name = ?",
                                       [name]), None)
        correct = check_password_hash(row["password_hash"] if row else self._dummy_hash,
                                      password)
        if correct and row is not None:
            for key in keys:
                self.store.db["sign_in_throttle"].delete_where("key = ?", [key])
            return "ok", 0
        self.store.db["failed_sign_ins"].insert({"at": now, "name": name[:80],
                                                 "client": client[:80]})
        self._fail(keys[0], now, self.ACCOUNT_WAIT_CAP)
        self._fail(keys[1], now, self.settings.lockout_minutes * 60)
        return "wrong", 0

    def _wait(self, key, now):
        row = next(self.store.db.query("select wait_until from sign_in_throttle where key = ?",
                                       [key]), None)
        return max(0, math.ceil(row["wait_until"] - now)) if row else 0

    def _fail(self, key, now, cap):
        row = next(self.store.db.query("select failures from sign_in_throttle where key = ?",
                                       [key]), None)
        failures = (row["failures"] if row else 0) + 1
        # From the last free try on: 4 s, 8 s, 16 s, ... up to the cap.
        beyond = failures - self.settings.max_failed_logins
        wait = min(cap, 2 ** (beyond + 2)) if beyond >= 0 else 0
        self.store.db["sign_in_throttle"].upsert(
            {"key": key, "failures": failures, "wait_until": now + wait}, pk="key")

    def failed_sign_ins(self, limit=50):
        """The latest failed sign-ins (when, name tried, client), newest first."""
        return list(self.store.db.query(
            "select at, name, client from failed_sign_ins order by at desc limit ?", [limit]))
