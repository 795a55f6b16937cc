"""Calls for a clerk: a resident at a kiosk asks for a person, a clerk comes.

No Flask here. A call is raised with a small versioned document ("kiosk.call/1") that
names the kiosk, the screen the resident is on, the screen language and the modes in use,
and nothing else: it may not carry a resident's answers or anything personal, so the
document is checked field by field and anything more is refused. States go
open -> on_my_way -> done; the resident may cancel an open or answered call.
This module owns the `calls` table and its SQL.
"""
import datetime
import math
import re
import secrets

from sqlalchemy import insert, select, update

from ..errors import KioskError
from ..settings import LANGUAGES
from . import tables

SCHEMA = "kiosk.call/1"
STATES = ("open", "on_my_way", "done", "cancelled")
WAITING_STATES = ("open", "on_my_way")
# Where each state may go next, and who moves it there.
NEXT_STATES = {"open": ("on_my_way", "done", "cancelled"),
               "on_my_way": ("done", "cancelled"), "done": (), "cancelled": ()}
MODES = ("large_text", "high_contrast", "speech", "voice", "sign", "explore")
FIELDS = {"schema", "kiosk_id", "kiosk_name", "screen", "language", "modes"}
SCREEN_PATTERN = re.compile(r"[a-z][a-z_]{0,39}")
CALL_ID_PATTERN = re.compile(r"C-[A-Za-z0-9_-]{8,40}")
NAME_LENGTH = 80


class CallRejected(KioskError):
    """A call document the back office will not store; the message says what is wrong."""


class CallRefused(KioskError):
    """A change of state that is not possible now (`code`: unknown or not_allowed)."""

    def __init__(self, code, state=""):
        super().__init__(f"{code}: {state}")
        self.code = code
        self.state = state


def check_call(data):
    """Raise CallRejected unless `data` is a kiosk.call/1 document and holds nothing more."""
    if not isinstance(data, dict):
        raise CallRejected("the document must be a JSON object")
    extra = sorted(set(data) - FIELDS)
    if extra:
        raise CallRejected(f"unexpected fields: {', '.join(map(str, extra))[:200]}")
    missing = sorted(FIELDS - set(data))
    if missing:
        raise CallRejected(f"missing fields: {', '.join(missing)}")
    if data["schema"] != SCHEMA:
        raise CallRejected(f"schema: must be {SCHEMA}")
    for name in ("kiosk_id", "kiosk_name", "screen", "language"):
        if not isinstance(data[name], str) or not data[name].strip():
            raise CallRejected(f"{name}: must be a non-empty string")
    if len(data["kiosk_id"]) > 6 or len(data["kiosk_name"]) > NAME_LENGTH:
        raise CallRejected(f"kiosk_id: at most 6 characters; kiosk_name: at most {NAME_LENGTH}")
    if not SCREEN_PATTERN.fullmatch(data["screen"]):
        raise CallRejected("screen: must be a screen name such as form")
    if data["language"] not in LANGUAGES:
        raise CallRejected(f"language: must be one of {', '.join(LANGUAGES)}")
    modes = data["modes"]
    if not isinstance(modes, list) or not all(mode in MODES for mode in modes):
        raise CallRejected(f"modes: must be a list of {', '.join(MODES)}")


class Calls:
    """Calls for a clerk in the back office's database (database.py)."""

    def __init__(self, database):
        self.database = database

    def raise_call(self, data, now=None):
        """Store a checked kiosk.call/1 document as an open call; return the stored call."""
        check_call(data)
        call = {"id": "C-" + secrets.token_urlsafe(12), "kiosk_id": data["kiosk_id"],
                "kiosk_name": data["kiosk_name"].strip(), "screen": data["screen"],
                "language": data["language"], "modes": " ".join(sorted(set(data["modes"]))),
                "state": "open", "raised_at": _iso(now), "answered_at": "", "answered_by": "",
                "done_at": "", "done_by": "", "cancelled_at": ""}
        self.database.run(insert(tables.calls).values(call))
        return self.call(call["id"])

    def call(self, call_id):
        """One call, or None when there is no such call."""
        if not isinstance(call_id, str) or not CALL_ID_PATTERN.fullmatch(call_id):
            return None
        row = self.database.row(select(tables.calls).where(tables.calls.c.id == call_id))
        return _decoded(row) if row else None

    def waiting(self):
        """Calls a clerk still has to go to (open or on the way), the longest waiting first."""
        calls = tables.calls
        return [_decoded(row) for row in self.database.rows(
            select(calls).where(calls.c.state.in_(("open", "on_my_way")))
            .order_by(calls.c.raised_at, calls.c.id))]

    def on_my_way(self, call_id, clerk, now=None):
        """A clerk is going to the kiosk."""
        return self._move(call_id, "on_my_way", {"answered_at": _iso(now), "answered_by": clerk})

    def done(self, call_id, clerk, now=None):
        """The clerk has helped the resident (answering in the same step if nobody had)."""
        call = self.call(call_id)
        changes = {"done_at": _iso(now), "done_by": clerk}
        if call and call["state"] == "open":
            changes.update(answered_at=changes["done_at"], answered_by=clerk)
        return self._move(call_id, "done", changes)

    def cancel(self, call_id, now=None):
        """The resident no longer needs a clerk."""
        return self._move(call_id, "cancelled", {"cancelled_at": _iso(now)})

    def _move(self, call_id, state, changes):
        call = self.call(call_id)
        if call is None:
            raise CallRefused("unknown")
        if state not in NEXT_STATES[call["state"]]:
            raise CallRefused("not_allowed", call["state"])
        # Only from the state just read: two clerks tapping at once cannot both win.
        calls = tables.calls
        updated = self.database.run(
            update(calls).where(calls.c.id == call_id, calls.c.state == call["state"])
            .values(state=state, **changes))
        if not updated:
            raise CallRefused("not_allowed", self.call(call_id)["state"])
        return self.call(call_id)

    def answer_times(self, since=None, until=None):
        """Calls raised in [since, until) (ISO times; None for no bound) and how long they
        waited for a clerk: count, answered, median and 95th percentile seconds."""
        calls = tables.calls.c
        within = ([calls.raised_at >= since] if since else []) + \
            ([calls.raised_at < until] if until else [])
        rows = self.database.rows(select(calls.raised_at, calls.answered_at).where(*within))
        waits = sorted(_seconds_between(row["raised_at"], row["answered_at"])
                       for row in rows if row["answered_at"])
        return {"count": len(rows), "answered": len(waits),
                "median_seconds": median(waits), "p95_seconds": percentile(waits, 95)}


def median(values):
    """The middle of sorted `values` (the mean of the two middle ones), or None when empty."""
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def percentile(values, percent):
    """The nearest-rank percentile of sorted `values`: the smallest value that at least
    `percent`% of them do not exceed; None when empty."""
    if not values:
        return None
    return values[max(0, math.ceil(percent / 100 * len(values)) - 1)]


def _seconds_between(start, end):
    return max(0.0, (datetime.datetime.fromisoformat(end)
                     - datetime.datetime.fromisoformat(start)).total_seconds())


def _iso(now):
    return (now or datetime.datetime.now(datetime.timezone.utc)).isoformat(timespec="seconds")


def _decoded(row):
    return {**row, "modes": row["modes"].split() if row["modes"] else []}
