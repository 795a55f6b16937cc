"""The register of kiosks a back office takes signed requests from, each with its own key.

No Flask here. Each kiosk signs with its own key (kiosk.ini [handoff] secret) and names
itself in X-Kiosk-Id. A key is "current", "previous" or "retired": rotating a kiosk's key
makes a new current one and keeps the old one as previous, still accepted, so submissions
the kiosk queued before its operator pasted the new key are not refused; the first request
verified with the new key shows the kiosk has switched, and the previous key is retired.
Revoking a kiosk refuses it for good (its keys are wiped). Secrets are shown once, when
made, and never listed again.

While the register is empty, the back office takes the hall's one shared secret as before
(a single kiosk with its built-in back office); once it holds a kiosk, every signed
request must name a registered kiosk and carry its key.
"""
import datetime
import re
import secrets

import sqlalchemy
from sqlalchemy import func, select

from ..errors import KioskError
from ..handoff import verify
from ..settings import UNAMBIGUOUS_ALPHABET
from .tables import kiosk_keys, kiosks

# The same rule as kiosk.ini [kiosk] id (kiosk/settings.py): it starts every reference.
KIOSK_ID = re.compile(f"[{UNAMBIGUOUS_ALPHABET}]{{2,6}}")
NAME_LENGTH = 80
CURRENT, PREVIOUS, RETIRED = "current", "previous", "retired"
ACCEPTED = (CURRENT, PREVIOUS)


class RegisterError(KioskError):
    """An operator's change the register cannot make; the message says why in one line."""


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def new_secret():
    """A fresh signing key: 256 random bits as hex, safe to paste into kiosk.ini."""
    return secrets.token_hex(32)


def valid_kiosk_id(text):
    """True for an id kiosk.ini would accept (2 to 6 of the unambiguous alphabet)."""
    return isinstance(text, str) and KIOSK_ID.fullmatch(text) is not None


class KioskRegister:
    """The kiosks and their keys, in the back office's database (either dialect)."""

    def __init__(self, database):
        self.database = database

    # The operator's changes.

    def add(self, kiosk_id, name, now=None):
        """Register a kiosk; return its first signing key (shown once, never again)."""
        _check_id(kiosk_id)
        name = _checked_name(name)
        now = (now or utc_now()).isoformat()
        secret = new_secret()
        try:
            with self.database.begin() as connection:
                existing = connection.execute(
                    select(kiosks).where(kiosks.c.id == kiosk_id)).mappings().first()
                if existing is not None:
                    raise RegisterError(_already_there(existing))
                connection.execute(kiosks.insert().values(id=kiosk_id, name=name, added=now))
                connection.execute(kiosk_keys.insert().values(
                    key_id=_key_id(connection, kiosk_id), kiosk_id=kiosk_id, secret=secret,
                    created=now, state=CURRENT))
        except sqlalchemy.exc.IntegrityError:   # added at the same moment by someone else
            raise RegisterError(f"there is already a kiosk {kiosk_id}") from None
        return secret

    def rotate(self, kiosk_id, now=None):
        """Give a kiosk a new current key and return it (shown once). The key the kiosk
        signs with now stays accepted as its previous key until the kiosk uses the new one.

        Rotating again before the kiosk has switched retires the unused newer key and keeps
        the previous one: the key the kiosk last proved it has is never refused."""
        now = (now or utc_now()).isoformat()
        secret = new_secret()
        try:
            self._rotate(kiosk_id, secret, now)
        except sqlalchemy.exc.IntegrityError:   # rotated at the same moment by someone else
            raise RegisterError(f"kiosk {kiosk_id}'s key was changed at the same moment "
                                f"elsewhere: see `fleet list`, then rotate again") from None
        return secret

    def _rotate(self, kiosk_id, secret, now):
        with self.database.begin() as connection:
            self._active(connection, kiosk_id)
            keys = {row["state"]: row for row in connection.execute(
                select(kiosk_keys).where(kiosk_keys.c.kiosk_id == kiosk_id,
                                         kiosk_keys.c.state.in_(ACCEPTED))).mappings()}
            if CURRENT in keys:
                # Never used, when a previous key is still waiting: the kiosk has not switched.
                state = RETIRED if PREVIOUS in keys else PREVIOUS
                connection.execute(kiosk_keys.update().where(
                    kiosk_keys.c.key_id == keys[CURRENT]["key_id"]).values(
                        state=state, retired=now if state == RETIRED else ""))
            connection.execute(kiosk_keys.insert().values(
                key_id=_key_id(connection, kiosk_id), kiosk_id=kiosk_id, secret=secret,
                created=now, state=CURRENT))

    def revoke(self, kiosk_id, now=None):
        """Refuse a kiosk from now on: every key retired and wiped. Ids are not reused."""
        now = (now or utc_now()).isoformat()
        with self.database.begin() as connection:
            self._active(connection, kiosk_id)
            connection.execute(kiosks.update().where(kiosks.c.id == kiosk_id)
                               .values(revoked=now))
            connection.execute(kiosk_keys.update().where(
                kiosk_keys.c.kiosk_id == kiosk_id, kiosk_keys.c.state != RETIRED)
                .values(state=RETIRED, retired=now))
            # A revoked kiosk's keys are of no use to anyone: keep none of them.
            connection.execute(kiosk_keys.update().where(kiosk_keys.c.kiosk_id == kiosk_id)
                               .values(secret=""))

    @staticmethod
    def _active(connection, kiosk_id):
        kiosk = connection.execute(
            select(kiosks).where(kiosks.c.id == kiosk_id)).mappings().first() \
            if valid_kiosk_id(kiosk_id) else None
        if kiosk is None:
            raise RegisterError(f"there is no kiosk {kiosk_id} in the register "
                                f"(`flask --app kiosk fleet list` shows them)")
        if kiosk["revoked"]:
            raise RegisterError(f"kiosk {kiosk_id} was revoked on {kiosk['revoked'][:16]}Z")
        return kiosk

    # What the operator and the receiving API read.

    def is_empty(self):
        """True while no kiosk was ever registered: the shared secret still applies."""
        return not self.database.scalar(select(func.count()).select_from(kiosks))

    def kiosks(self):
        """Every kiosk with its keys' ids, states and times (never a secret), by id."""
        keys = {}
        for row in self.database.rows(
                select(kiosk_keys.c.key_id, kiosk_keys.c.kiosk_id, kiosk_keys.c.state,
                       kiosk_keys.c.created, kiosk_keys.c.retired)
                .order_by(kiosk_keys.c.kiosk_id, kiosk_keys.c.created, kiosk_keys.c.key_id)):
            keys.setdefault(row.pop("kiosk_id"), []).append(row)
        return [{**kiosk, "keys": keys.get(kiosk["id"], [])}
                for kiosk in self.database.rows(select(kiosks).order_by(kiosks.c.id))]

    def check(self, kiosk_id, headers, body, max_skew, now=None):
        """None when `body` is signed with the current or previous key of `kiosk_id`, a
        registered kiosk not revoked, at a time within `max_skew` seconds of `now` (a UTC
        datetime; the clock by default); else the reason.

        A request verified with the current key retires the previous one: the kiosk has
        switched, so the old key is refused from then on."""
        return self.signer(kiosk_id, headers, body, max_skew, now)[1]

    def signer(self, kiosk_id, headers, body, max_skew, now=None):
        """(the key that signed, None) as check() accepts it, else (None, the reason): the
        back office signs its answers to that kiosk with the same key."""
        if not valid_kiosk_id(kiosk_id):
            return None, "malformed kiosk id"
        kiosk = self.database.row(select(kiosks).where(kiosks.c.id == kiosk_id))
        if kiosk is None:
            return None, "kiosk not in the register"
        if kiosk["revoked"]:
            return None, "kiosk revoked"
        now = now or utc_now()
        keys = self.database.rows(select(kiosk_keys).where(kiosk_keys.c.kiosk_id == kiosk_id))
        order = {CURRENT: 0, PREVIOUS: 1, RETIRED: 2}
        problem = "kiosk has no key"
        for key in sorted(keys, key=lambda key: order.get(key["state"], 3)):
            if not key["secret"]:
                continue
            problem_with_key = verify(key["secret"], headers, body, max_skew,
                                      now.timestamp())
            if problem_with_key is None:
                if key["state"] == CURRENT:
                    if any(other["state"] == PREVIOUS for other in keys):
                        self._switched(kiosk_id, key["key_id"], now)
                    return key["secret"], None
                if key["state"] == PREVIOUS:
                    return key["secret"], None
                return None, ("signed with a retired key (paste the kiosk's new key into its "
                              "kiosk.ini)")
            if key["state"] in ACCEPTED:
                problem = problem_with_key
        return None, problem

    def _switched(self, kiosk_id, key_id, now):
        """Retire the previous key once the kiosk signs with its new one, `key_id`: only
        while that is still the current key (an operator may have just rotated again)."""
        still_current = select(kiosk_keys.c.key_id).where(
            kiosk_keys.c.key_id == key_id, kiosk_keys.c.state == CURRENT).exists()
        self.database.run(kiosk_keys.update().where(
            kiosk_keys.c.kiosk_id == kiosk_id, kiosk_keys.c.state == PREVIOUS, still_current)
            .values(state=RETIRED, retired=now.isoformat()))


def _check_id(kiosk_id):
    if not valid_kiosk_id(kiosk_id):
        raise RegisterError(f"a kiosk id is 2 to 6 of {UNAMBIGUOUS_ALPHABET} (as in kiosk.ini "
                            f"[kiosk] id), not {str(kiosk_id)[:20]!r}")


def _checked_name(name):
    name = " ".join(str(name or "").split())
    if not name:
        raise RegisterError("give the kiosk a name clerks know it by, e.g. --name \"Hall 2\"")
    if len(name) > NAME_LENGTH or any(not char.isprintable() for char in name):
        raise RegisterError(f"a kiosk's name is at most {NAME_LENGTH} printable characters")
    return name


def _already_there(kiosk):
    if kiosk["revoked"]:
        return (f"kiosk {kiosk['id']} was revoked on {kiosk['revoked'][:16]}Z and its id is "
                f"not given again: choose a new id for the machine")
    return f"there is already a kiosk {kiosk['id']} ({kiosk['name']})"


def _key_id(connection, kiosk_id):
    """K7-1, K7-2, ...: says which key of the kiosk this is, without saying the key."""
    count = connection.execute(select(func.count()).select_from(kiosk_keys)
                               .where(kiosk_keys.c.kiosk_id == kiosk_id)).scalar()
    return f"{kiosk_id}-{count + 1}"
