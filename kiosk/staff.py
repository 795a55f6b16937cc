"""Staff accounts for the hall's own pages (the recording studio): hashed passwords, lockout.

No Flask here. Passwords are stored only as salted hashes (werkzeug's scrypt); after
`max_failed_logins` wrong passwords in a row the account is locked for `lockout_minutes`.
"""
import re
import time

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .errors import KioskError

NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{2,40}")
MIN_PASSWORD_LENGTH = 10
# zxcvbn's guess-based score, 0 to 4: 3 means "safely unguessable" (about 10^8 guesses
# or more). aaaaaaaaaa, 1234567890 and password12 score 0 or 1.
MIN_PASSWORD_SCORE = 3


class StaffError(KioskError):
    """A staff account cannot be made as asked; the message says why."""


class Staff:
    """The staff table in the kiosk's database."""

    def __init__(self, store, settings):
        self.store = store
        self.settings = settings
        store.db["staff"].create({"name": str, "password_hash": str, "failed": int,
                                  "locked_until": float}, pk="name", if_not_exists=True)

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

    def sign_in(self, name, password, now=None):
        """"ok", "wrong" or "locked" (a locked account is refused even with the right password)."""
        now = now or time.time()
        row = next(self.store.db.query("select * from staff where name = ?", [name]), None)
        if row is None:
            check_password_hash(generate_password_hash("x"), password)  # same time as a real check
            return "wrong"
        if row["locked_until"] > now:
            return "locked"
        if check_password_hash(row["password_hash"], password):
            self.store.db["staff"].update(name, {"failed": 0, "locked_until": 0.0})
            return "ok"
        failed = row["failed"] + 1
        locked_until = 0.0
        if failed >= self.settings.max_failed_logins:
            failed, locked_until = 0, now + self.settings.lockout_minutes * 60
        self.store.db["staff"].update(name, {"failed": failed, "locked_until": locked_until})
        return "locked" if locked_until else "wrong"
