"""The outbox: every confirmed submission waits here until the back office has it.

No Flask here. The Outbox owns the `outbox` table: it creates it, writes each entry in the
same transaction as its submission (Store.create_submission calls `enqueue`), and is the
only code that reads or changes it. The worker sends each due entry to the target kiosk.ini
chooses (kiosk/handoff/targets.py); delivered is done; "retry" outcomes wait with
exponential backoff and jitter for `retry_hours`; "dead" outcomes and exhausted retries
become dead letters with the reason, for a person to retry.

Ratings (好差评, "kiosk.rating/1", kiosk/ratings.py) follow the same way, as small
messages of their own, once their submission is delivered; a rating changed while its
delivery was on the way is simply sent again as the newer version.
"""
import datetime
import logging
import random

from ..ratings import payload as rating_payload
from .signing import body_of, payload
from .targets import Outcome

log = logging.getLogger(__name__)
LONGEST_WAIT = 3600  # seconds between attempts, at most
# The references the back office has: a rating waits until its submission is among them.
DELIVERED_REFERENCES = "select reference from outbox where status = 'delivered'"


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def backoff_seconds(attempts, draw=random.random):
    """30 s, 1 min, 2 min, ... up to an hour, each with up to 20% random jitter."""
    return min(LONGEST_WAIT, 30 * 2 ** max(0, attempts - 1)) * (1 + 0.2 * draw())


def create_table(db):
    """The outbox table, and the columns later versions added, for an older database."""
    db["outbox"].create({
        "id": int, "reference": str, "status": str, "attempts": int,
        "next_attempt": str, "created": str, "last_error": str, "delivered": str,
    }, pk="id", foreign_keys=[("reference", "submissions", "reference")], if_not_exists=True)
    if "delivered" not in db["outbox"].columns_dict:
        db["outbox"].add_column("delivered", str, not_null_default="")
    db["outbox"].create_index(["status", "next_attempt"], if_not_exists=True)


class Outbox:
    """The hand-off's queue and worker; what `flask --app kiosk handoff` commands drive."""

    def __init__(self, store, catalogue, target, retry_hours, ratings=None):
        self.store, self.catalogue, self.target = store, catalogue, target
        self.retry_hours = retry_hours
        self.ratings = ratings      # kiosk.ratings.Ratings, or None for no ratings
        create_table(store.db)
        store.on_submission(self.enqueue)

    def enqueue(self, reference, now, db=None):
        """Queue `reference` for delivery now. `db` is the connection whose transaction
        stores the submission, so both are written or neither is."""
        (db or self.store.db)["outbox"].insert({
            "reference": reference, "status": "pending", "attempts": 0,
            "next_attempt": now.isoformat(), "created": now.isoformat(),
            "last_error": "", "delivered": ""})

    def entries_for(self, reference):
        """The outbox entries of one submission (one, unless something went wrong)."""
        return list(self.store.db.query("select * from outbox where reference = ?",
                                        [reference]))

    def dead_letters(self):
        """[{"reference", "last_error", "attempts"}] of every dead letter, oldest first."""
        return list(self.store.db.query(
            "select reference, last_error, attempts from outbox where status = 'dead' "
            "order by id"))

    def deliver_due(self, now=None, limit=100):
        """One pass: try every entry that is due, then the ratings of delivered
        submissions; return how many submissions were delivered."""
        now = now or utc_now()
        due = list(self.store.db.query(
            "select * from outbox where status = 'pending' and next_attempt <= ? "
            "order by next_attempt limit ?", [now.isoformat(), limit]))
        delivered = 0
        for entry in due:
            delivered += self._attempt(entry, now) == "delivered"
        for row in self.ratings_due(now, limit):
            self._attempt_rating(row, now)
        return delivered

    def ratings_due(self, now, limit=100):
        """Ratings due to be sent: pending, and their submission delivered."""
        if self.ratings is None:
            return []
        return self.ratings.due(now, DELIVERED_REFERENCES, limit)

    def _attempt_rating(self, row, now):
        """Send one rating version; the same retries and dead letters as a submission."""
        body = body_of(rating_payload(row))
        key = f"{row['reference']}.rating.{row['version']}"
        outcome = self._deliver(lambda: self.target.deliver_rating(body, key),
                                f"the rating of {row['reference']}")
        changes = {"attempts": row["attempts"] + 1, "last_error": outcome.reason}
        if outcome.result == "delivered":
            changes.update(status="delivered", delivered=now.isoformat())
        elif outcome.result == "dead" or self._too_old(row["queued"], now):
            changes.update(status="dead")
            log.warning("the rating of %s is a dead letter: %s", row["reference"],
                        outcome.reason)
        else:
            wait = datetime.timedelta(seconds=backoff_seconds(changes["attempts"]))
            changes.update(next_attempt=(now + wait).isoformat())
        self.ratings.record_attempt(row, changes)
        return changes.get("status", "pending")

    def _attempt(self, entry, now):
        submission = self.store.get_submission(entry["reference"])
        body = body_of(payload(submission, self.catalogue))
        outcome = self._deliver(lambda: self.target.deliver(body, entry["reference"]),
                                entry["reference"])
        attempts = entry["attempts"] + 1
        changes = {"attempts": attempts, "last_error": outcome.reason}
        if outcome.result == "delivered":
            changes.update(status="delivered", delivered=now.isoformat())
        elif outcome.result == "dead" or self._too_old(entry["created"], now):
            reason = outcome.reason if outcome.result == "dead" else \
                f"gave up after {self.retry_hours} hours: {outcome.reason}"
            changes.update(status="dead", last_error=reason)
            log.warning("hand-off of %s is a dead letter: %s", entry["reference"], reason)
        else:
            wait = datetime.timedelta(seconds=backoff_seconds(attempts))
            changes.update(next_attempt=(now + wait).isoformat())
            log.info("hand-off of %s will be retried: %s", entry["reference"], outcome.reason)
        self.store.db["outbox"].update(entry["id"], changes)
        return changes.get("status", "pending")

    @staticmethod
    def _deliver(attempt, what):
        """The target's outcome; a bug in a target is a retry, and must not stop the other
        deliveries (expected failures are outcomes, logged as warnings by the caller)."""
        try:
            return attempt()
        except Exception as error:
            log.exception("hand-off of %s failed unexpectedly", what)
            return Outcome("retry", f"unexpected: {type(error).__name__}")

    def _too_old(self, created, now):
        return now - datetime.datetime.fromisoformat(created) > \
            datetime.timedelta(hours=self.retry_hours)

    def status(self, now=None):
        """Counts by status, the age of the oldest pending entry, and the last delivery."""
        now = now or utc_now()
        counts = {row["status"]: row["count"] for row in self.store.db.query(
            "select status, count(*) as count from outbox group by status")}
        oldest = next(self.store.db.query(
            "select min(created) as created from outbox where status = 'pending'"))["created"]
        age = (now - datetime.datetime.fromisoformat(oldest)).total_seconds() if oldest else None
        last = next(self.store.db.query(
            "select max(delivered) as at from outbox where status = 'delivered'"))["at"]
        return {"pending": counts.get("pending", 0), "delivered": counts.get("delivered", 0),
                "dead": counts.get("dead", 0), "oldest_pending_seconds": age,
                "last_delivered": last or None}

    def retry(self, reference=None, now=None):
        """Put dead letters (one, or all) back in the queue, with their dead ratings (which
        wait for them); return how many submissions."""
        now = now or utc_now()
        where, values = "status = 'dead'", []
        if reference:
            where, values = where + " and reference = ?", [reference]
        count = self.store.db.execute(
            f"update outbox set status = 'pending', next_attempt = ?, created = ? where {where}",
            [now.isoformat(), now.isoformat(), *values]).rowcount
        if self.ratings is not None:
            self.ratings.retry(reference, now)
        return count

    def purge(self, days, now=None):
        """Forget the answers of submissions delivered more than `days` ago; keep the record."""
        now = now or utc_now()
        cutoff = (now - datetime.timedelta(days=days)).isoformat()
        return self.store.forget_answers(
            "select reference from outbox where status = 'delivered' and delivered < ?",
            [cutoff])
