"""Hand-off: deliver each confirmed submission to the back office, signed, until it is acknowledged.

No Flask here. The submission and its outbox entry were written in one transaction before
the resident saw the reference. The worker sends each pending entry to the configured
target as versioned JSON ("kiosk.submission/1"), signed with HMAC-SHA256; 2xx or "already
have it" is delivered; 5xx, timeouts, connection errors, 408 and 429 are retried with
exponential backoff and jitter for `retry_hours`; other 4xx and exhausted retries become
dead letters with the reason, for a person to retry.

Ratings (好差评, "kiosk.rating/1", kiosk/ratings.py) follow the same way, as small
messages of their own, once their submission is delivered; a rating changed while its
delivery was on the way is simply sent again as the newer version.
"""
import datetime
import hashlib
import hmac
import json
import logging
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from .ratings import payload as rating_payload

log = logging.getLogger(__name__)
SCHEMA = "kiosk.submission/1"
SIGNATURE_HEADER = "X-Kiosk-Signature"
TIMESTAMP_HEADER = "X-Kiosk-Timestamp"
KIOSK_ID_HEADER = "X-Kiosk-Id"   # whose key signed: a back office with a register of kiosks
RETRY_STATUSES = {408, 429}
LONGEST_WAIT = 3600  # seconds between attempts, at most


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


# The payload and its signature.

def payload(submission, catalogue):
    """The versioned JSON the back office receives for one stored submission."""
    documents = [{"key": key, "title": catalogue.documents[key].title.in_language(
                      submission["language"]) if key in catalogue.documents else key,
                  "title_zh": catalogue.documents[key].title["zh"]
                  if key in catalogue.documents else key}
                 for key in submission["documents"]]
    return {"schema": SCHEMA, "reference": submission["reference"],
            "kiosk_id": submission["kiosk_id"], "created": submission["created"],
            "language": submission["language"], "accessibility_modes": submission["modes"],
            "package": submission["package"], "items": submission["items"],
            "answers": submission["answers"], "documents": documents,
            "eligibility": submission["eligibility"]}


def body_of(data):
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signature(secret, timestamp, body):
    """HMAC-SHA256 over "<timestamp>.<raw body>": the timestamp is signed too, against replays."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret, body, reference, now=None, kiosk_id=None):
    """The headers of a signed request; `kiosk_id` names the kiosk whose key `secret` is."""
    timestamp = int(now if now is not None else time.time())
    headers = {"Content-Type": "application/json; charset=utf-8",
               TIMESTAMP_HEADER: str(timestamp),
               SIGNATURE_HEADER: signature(secret, timestamp, body), "Idempotency-Key": reference}
    if kiosk_id:
        headers[KIOSK_ID_HEADER] = kiosk_id
    return headers


def verify(secret, headers, body, max_skew, now=None):
    """None when the signature and timestamp are good, else the reason they are not."""
    try:
        timestamp = int(headers.get(TIMESTAMP_HEADER, ""))
    except ValueError:
        return "missing or malformed timestamp"
    if abs((now if now is not None else time.time()) - timestamp) > max_skew:
        return "timestamp too far from the receiver's clock"
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(expected, headers.get(SIGNATURE_HEADER, "")):
        return "signature does not match"
    return None


# Targets: a small plugin interface, chosen in kiosk.ini.

@dataclass(frozen=True)
class Outcome:
    """What a delivery attempt came to: "delivered", "retry" or "dead", with the reason."""
    result: str
    reason: str = ""


class Target:
    """Where submissions go. A new kind of target implements `deliver`, and
    `deliver_rating` if it takes residents' ratings."""

    name = "target"

    def deliver(self, body, reference):
        raise NotImplementedError

    def deliver_rating(self, body, key):
        return Outcome("dead", f"the {self.name} target takes no ratings")


class HttpTarget(Target):
    """The hall's case system: signed JSON over HTTP(S)."""

    name = "http"

    def __init__(self, url, secret, timeout, ratings_url="", kiosk_id=None):
        self.url, self.secret, self.timeout = url, secret, timeout
        self.ratings_url = ratings_url
        self.kiosk_id = kiosk_id   # sent as X-Kiosk-Id: whose key signs

    def deliver(self, body, reference):
        return self._post(self.url, body, reference)

    def deliver_rating(self, body, key):
        return self._post(self.ratings_url, body, key)

    def _post(self, url, body, key):
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers=signed_headers(self.secret, body, key,
                                                                kiosk_id=self.kiosk_id))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Outcome("delivered", f"HTTP {response.status}")
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code in RETRY_STATUSES:
                return Outcome("retry", f"HTTP {error.code}")
            if error.code == 409:
                return Outcome("delivered", "HTTP 409: the receiver already has it")
            return Outcome("dead", f"HTTP {error.code}: {error.read(500).decode('utf-8', 'replace')}")
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            return Outcome("retry", f"{type(error).__name__}: {getattr(error, 'reason', error)}")


class BuiltInTarget(Target):
    """This kiosk's own back office, in the same process and database."""

    name = "builtin"

    def __init__(self, backoffice, ratings=None):
        self.backoffice = backoffice
        self.ratings = ratings      # the back office's received ratings

    def deliver(self, body, reference):
        return self._hand(self.backoffice, body)

    def deliver_rating(self, body, key):
        return self._hand(self.ratings, body)

    @staticmethod
    def _hand(receiver, body):
        from .backoffice.inbox import Rejected
        try:
            receiver.receive(json.loads(body))
        except Rejected as error:
            return Outcome("dead", str(error))
        return Outcome("delivered", "built-in back office")


# The worker.

def backoff_seconds(attempts, draw=random.random):
    """30 s, 1 min, 2 min, ... up to an hour, each with up to 20% random jitter."""
    return min(LONGEST_WAIT, 30 * 2 ** max(0, attempts - 1)) * (1 + 0.2 * draw())


class Outbox:
    """Delivers pending outbox entries; what `flask --app kiosk handoff` commands drive."""

    def __init__(self, store, catalogue, target, retry_hours, ratings=None):
        self.store, self.catalogue, self.target = store, catalogue, target
        self.retry_hours = retry_hours
        self.ratings = ratings      # kiosk.ratings.Ratings, or None for no ratings

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
        if self.ratings is not None:
            for row in self.ratings.due(now, limit):
                self._attempt_rating(row, now)
        return delivered

    def _attempt_rating(self, row, now):
        """Send one rating version; the same retries and dead letters as a submission."""
        body = body_of(rating_payload(row))
        key = f"{row['reference']}.rating.{row['version']}"
        try:
            outcome = self.target.deliver_rating(body, key)
        except Exception as error:  # a bug in a target must not stop the other deliveries
            log.exception("hand-off of the rating of %s failed unexpectedly", row["reference"])
            outcome = Outcome("retry", f"unexpected: {type(error).__name__}")
        changes = {"attempts": row["attempts"] + 1, "last_error": outcome.reason}
        if outcome.result == "delivered":
            changes.update(status="delivered", delivered=now.isoformat())
        elif outcome.result == "dead" or self._too_old({"created": row["queued"]}, now):
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
        try:
            outcome = self.target.deliver(body, entry["reference"])
        except Exception as error:  # a bug in a target must not stop the other deliveries
            log.exception("hand-off of %s failed unexpectedly", entry["reference"])
            outcome = Outcome("retry", f"unexpected: {type(error).__name__}")
        attempts = entry["attempts"] + 1
        changes = {"attempts": attempts, "last_error": outcome.reason}
        if outcome.result == "delivered":
            changes.update(status="delivered", delivered=now.isoformat())
        elif outcome.result == "dead" or self._too_old(entry, now):
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

    def _too_old(self, entry, now):
        created = datetime.datetime.fromisoformat(entry["created"])
        return now - created > datetime.timedelta(hours=self.retry_hours)

    def status(self, now=None):
        """Counts by status and the age of the oldest pending entry."""
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
        """Put dead letters (one, or all) back in the queue; return how many."""
        now = now or utc_now()
        where, values = "status = 'dead'", []
        if reference:
            where, values = where + " and reference = ?", [reference]
        count = self.store.db.execute(
            f"update outbox set status = 'pending', next_attempt = ?, created = ? where {where}",
            [now.isoformat(), now.isoformat(), *values]).rowcount
        if self.ratings is not None:   # their ratings too, which wait for them
            self.store.db.execute(
                f"update ratings set status = 'pending', next_attempt = ?, queued = ? "
                f"where {where}", [now.isoformat(), now.isoformat(), *values])
        return count

    def purge(self, days, now=None):
        """Forget the answers of submissions delivered more than `days` ago; keep the record."""
        now = now or utc_now()
        cutoff = (now - datetime.timedelta(days=days)).isoformat()
        return self.store.db.execute(
            "update submissions set answers = '{}' where answers != '{}' and reference in "
            "(select reference from outbox where status = 'delivered' and delivered < ?)",
            [cutoff]).rowcount
