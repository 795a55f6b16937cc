"""Staff accounts for the hall's own pages (back office, studio): names in any script,
roles, hashed passwords and sign-in throttling.

No Flask here. Passwords are stored only as salted hashes (werkzeug's scrypt).
"""
import math
import time
import unicodedata

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from sqlalchemy import delete, insert, select, update

from ..errors import KioskError
from . import tables
from .database import count_one_more, upsert

# Who does what: each role sees only its own pages.
ROLES = ("clerk", "interpreter", "operator")
# Accounts made before roles existed could open every staff page; they keep that.
EARLIER_ROLES = ",".join(ROLES)
NAME_LENGTH = (2, 40)
# Besides letters, digits and marks of any script: the joiners real names use
# (买买提·艾力, Jean-Luc, O'Neil, Kim Min-jun) and the dot and underscore of user names.
NAME_PUNCTUATION = set(" ·.-_'")
MIN_PASSWORD_LENGTH = 10
# zxcvbn's guess-based score, 0 to 4: 3 means "safely unguessable" (about 10^8 guesses
# or more). aaaaaaaaaa, 1234567890 and password12 score 0 or 1.
MIN_PASSWORD_SCORE = 3


class StaffError(KioskError):
    """A staff account cannot be made as asked; the message says why."""


def name_key(name):
    """The form of a name that sign-in compares: Unicode-normalised (NFKC, so a full-width
    Ｗang is Wang) and case-folded, so "Wang Li" and "wang li" are one account."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def check_name(name):
    """Raise StaffError unless `name` is a name a person could have, in any script."""
    low, high = NAME_LENGTH
    if not low <= len(name) <= high:
        raise StaffError(f"a staff name is {low} to {high} characters")
    if name != name.strip() or "  " in name:
        raise StaffError("a staff name has no spaces at its ends and no double spaces")
    for char in name:
        if not (unicodedata.category(char)[0] in "LNM" or char in NAME_PUNCTUATION):
            raise StaffError(f"a staff name is letters (of any script), digits, spaces and "
                             f"· . - _ ' only, not {char!r}")


class Staff:
    """The staff table in the back office's database, and sign-in throttling.

    Sign-in cannot tell an attacker which names exist: an unknown name costs the same
    password check as a known one and gets the same answer. Wrong passwords are slowed,
    not locked: after `max_failed_logins` free tries, each further failure doubles the
    wait, per client (up to `lockout_minutes`) and per name (up to ACCOUNT_WAIT_CAP, so
    that someone elsewhere can delay the real clerk by a minute at most, never lock
    them out). Every failure is kept for the operator (`failed_sign_ins`).
    """

    ACCOUNT_WAIT_CAP = 60   # seconds

    def __init__(self, database, settings):
        self.database = database
        self.settings = settings
        # An unknown name is checked against this, at the cost of a real check.
        self._dummy_hash = generate_password_hash("not anyone's password")

    def add(self, name, password, roles=("clerk",), reset=False):
        """Create an account with `roles`; an existing name is refused unless `reset`, which
        sets a new password (and the roles) for it."""
        name = unicodedata.normalize("NFC", name)
        check_name(name)
        roles = tuple(dict.fromkeys(roles))
        if not roles or any(role not in ROLES for role in roles):
            raise StaffError(f"each role is one of {', '.join(ROLES)}")
        existing = self.account(name)
        if existing and not reset:
            raise StaffError(f"there is already a staff account {existing['name']}: "
                             "say --reset to give it a new password")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise StaffError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        if name_key(name) in name_key(password):
            raise StaffError("the password must not contain the staff name")
        if zxcvbn(password[:100], user_inputs=[name])["score"] < MIN_PASSWORD_SCORE:
            raise StaffError("the password is too easy to guess (a common word, a pattern "
                             "or a repeat): use a few unrelated words")
        if existing:
            name = existing["name"]       # a reset keeps the account's own spelling
        with self.database.begin() as connection:
            upsert(connection, tables.staff, ["name"], {
                "name": name, "name_key": name_key(name),
                "password_hash": generate_password_hash(password), "roles": ",".join(roles),
                "failed": 0, "locked_until": 0.0})
        self.unlock(name)

    def account(self, name):
        """{"name", "roles"} of the account `name` (any case or width), or None."""
        staff = tables.staff.c
        row = self.database.row(select(staff.name, staff.roles)
                                .where(staff.name_key == name_key(name)))
        return {"name": row["name"], "roles": tuple(row["roles"].split(","))} if row else None

    def accounts(self):
        """Every account: name, roles, and seconds its name must still wait to sign in."""
        now = time.time()
        return [{"name": row["name"], "roles": tuple(row["roles"].split(",")),
                 "wait": self._wait(f"name:{row['name_key']}", now)}
                for row in self.database.rows(
                    select(tables.staff.c.name, tables.staff.c.name_key, tables.staff.c.roles)
                    .order_by(tables.staff.c.name_key))]

    def names(self, role):
        """The names of the accounts that have `role`, for choosing whom to assign: one
        query (an application's page asks on every view, and needs no sign-in waits)."""
        staff = tables.staff.c
        return [row["name"] for row in self.database.rows(
                    select(staff.name, staff.roles).order_by(staff.name_key))
                if role in row["roles"].split(",")]

    def remove(self, name):
        """Delete an account; its open sessions end at their next request."""
        account = self.account(name)
        if account is None:
            raise StaffError(f"there is no staff account {name}")
        self.database.run(delete(tables.staff).where(tables.staff.c.name == account["name"]))
        return account["name"]

    def unlock(self, name):
        """Let `name` sign in again at once: clear the waits on the name and on the devices
        that failed for it."""
        key = name_key(name)
        failed = tables.failed_sign_ins.c
        clients = {row["client"] for row in self.database.rows(
            select(failed.name, failed.client).distinct()) if name_key(row["name"]) == key}
        self._clear([f"name:{key}"] + [f"client:{client}" for client in clients])

    def _clear(self, keys):
        throttle = tables.sign_in_throttle
        self.database.run(delete(throttle).where(throttle.c.key.in_(keys)))

    def sign_in(self, name, password, client="", now=None):
        """("ok", account name), ("wrong", 0) or ("wait", seconds): the same for known and
        unknown names. The name may be typed in any case or width."""
        now = now or time.time()
        keys = [f"name:{name_key(name)[:80]}", f"client:{client[:80]}"]
        wait = max(self._wait(key, now) for key in keys)
        if wait:
            return "wait", wait
        staff = tables.staff.c
        row = self.database.row(select(staff.name, staff.password_hash)
                                .where(staff.name_key == name_key(name)))
        correct = check_password_hash(row["password_hash"] if row else self._dummy_hash,
                                      password)
        if correct and row is not None:
            self._clear(keys)
            return "ok", row["name"]
        self.database.run(insert(tables.failed_sign_ins).values(at=now, name=name[:80],
                                                                client=client[:80]))
        self._fail(keys[0], now, self.ACCOUNT_WAIT_CAP)
        self._fail(keys[1], now, self.settings.lockout_minutes * 60)
        return "wrong", 0

    def _wait(self, key, now):
        throttle = tables.sign_in_throttle.c
        row = self.database.row(select(throttle.wait_until).where(throttle.key == key))
        return max(0, math.ceil(row["wait_until"] - now)) if row else 0

    def _fail(self, key, now, cap):
        throttle = tables.sign_in_throttle
        with self.database.begin() as connection:
            failures = count_one_more(connection, throttle, "key", key, "failures")
            # From the last free try on: 4 s, 8 s, 16 s, ... up to the cap.
            beyond = failures - self.settings.max_failed_logins
            wait = min(cap, 2 ** (beyond + 2)) if beyond >= 0 else 0
            connection.execute(update(throttle).where(throttle.c.key == key)
                               .values(wait_until=now + wait))

    def failed_sign_ins(self, limit=50):
        """The latest failed sign-ins (when, name tried, client), newest first."""
        failed = tables.failed_sign_ins.c
        return self.database.rows(select(failed.at, failed.name, failed.client)
                                  .order_by(failed.at.desc()).limit(limit))
