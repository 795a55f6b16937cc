"""Staff accounts for the hall's own pages (back office, studio): names in any script,
roles, hashed passwords and sign-in throttling.

No Flask here. Passwords are stored only as salted hashes (werkzeug's scrypt).
"""
import math
import time
import unicodedata

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..errors import KioskError

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
                                  "locked_until": float, "name_key": str, "roles": str},
                                 pk="name", if_not_exists=True)
        self._add_later_columns()
        store.db["sign_in_throttle"].create({"key": str, "failures": int, "wait_until": float},
                                            pk="key", if_not_exists=True)
        store.db["failed_sign_ins"].create({"at": float, "name": str, "client": str},
                                           if_not_exists=True)
        # An unknown name is checked against this, at the cost of a real check.
        self._dummy_hash = generate_password_hash("not anyone's password")

    def _add_later_columns(self):
        """Columns added by later versions, for a database made before them."""
        table = self.store.db["staff"]
        if "name_key" not in table.columns_dict:
            table.add_column("name_key", str, not_null_default="")
            for row in list(table.rows):
                table.update(row["name"], {"name_key": name_key(row["name"])})
        if "roles" not in table.columns_dict:
            table.add_column("roles", str, not_null_default=EARLIER_ROLES)
        table.create_index(["name_key"], if_not_exists=True)

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
        self.store.db["staff"].upsert({"name": name, "name_key": name_key(name),
                                       "password_hash": generate_password_hash(password),
                                       "roles": ",".join(roles), "failed": 0,
                                       "locked_until": 0.0}, pk="name")
        self.unlock(name)

    def account(self, name):
        """{"name", "roles"} of the account `name` (any case or width), or None."""
        row = next(self.store.db.query("select name, roles from staff where name_key = ?",
                                       [name_key(name)]), None)
        return {"name": row["name"], "roles": tuple(row["roles"].split(","))} if row else None

    def accounts(self):
        """Every account: name, roles, and seconds its name must still wait to sign in."""
        now = time.time()
        return [{"name": row["name"], "roles": tuple(row["roles"].split(",")),
                 "wait": self._wait(f"name:{row['name_key']}", now)}
                for row in self.store.db.query("select name, name_key, roles from staff "
                                               "order by name_key")]

    def names(self, role):
        """The names of the accounts that have `role`, for choosing whom to assign."""
        return [account["name"] for account in self.accounts() if role in account["roles"]]

    def remove(self, name):
        """Delete an account; its open sessions end at their next request."""
        account = self.account(name)
        if account is None:
            raise StaffError(f"there is no staff account {name}")
        self.store.db["staff"].delete(account["name"])
        return account["name"]

    def unlock(self, name):
        """Let `name` sign in again at once: clear the waits on the name and on the devices
        that failed for it."""
        key = name_key(name)
        clients = {row["client"] for row in self.store.db.query(
            "select distinct name, client from failed_sign_ins") if name_key(row["name"]) == key}
        for throttle in [f"name:{key}"] + [f"client:{client}" for client in clients]:
            self.store.db["sign_in_throttle"].delete_where("key = ?", [throttle])

    def sign_in(self, name, password, client="", now=None):
        """("ok", account name), ("wrong", 0) or ("wait", seconds): the same for known and
        unknown names. The name may be typed in any case or width."""
        now = now or time.time()
        keys = [f"name:{name_key(name)[:80]}", f"client:{client[:80]}"]
        wait = max(self._wait(key, now) for key in keys)
        if wait:
            return "wait", wait
        row = next(self.store.db.query("select name, password_hash from staff "
                                       "where name_key = ?", [name_key(name)]), None)
        correct = check_password_hash(row["password_hash"] if row else self._dummy_hash,
                                      password)
        if correct and row is not None:
            for key in keys:
                self.store.db["sign_in_throttle"].delete_where("key = ?", [key])
            return "ok", row["name"]
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
