"""好差评: the resident's rating of the service, after each submission. No Flask here.

The national five levels (国办发〔2019〕51号): 非常满意, 满意, 基本满意, 不满意, 非常不满意.
The top three count as satisfied (好评), the bottom two as dissatisfied (差评), which
the hall follows up. "Fairly satisfied" and the two dissatisfied levels may say why, by
tapping reasons that fit a kiosk (there are no staff at a kiosk to rate).

A rating is kept with its submission's reference and handed off to the back office as a
small follow-up message ("kiosk.rating/1") through the same target as the submission,
after the submission itself has been delivered. Each change (another level, a reason
tapped) makes a new version; the back office keeps the newest.
"""
import datetime
import json

from .errors import KioskError
from .messages import N_

SCHEMA = "kiosk.rating/1"
LEVELS = ("very_satisfied", "satisfied", "fairly_satisfied", "dissatisfied",
          "very_dissatisfied")
LEVEL_LABELS = {
    "very_satisfied": N_("Very satisfied"),
    "satisfied": N_("Satisfied"),
    "fairly_satisfied": N_("Fairly satisfied"),
    "dissatisfied": N_("Dissatisfied"),
    "very_dissatisfied": N_("Very dissatisfied"),
}
SATISFIED = LEVELS[:3]           # 好评: counted in the share satisfied
DISSATISFIED = LEVELS[3:]        # 差评: each one followed up by a clerk
ASKS_WHY = LEVELS[2:]            # the levels that may say why
REASONS = ("long_wait", "hard_to_understand", "too_many_documents", "kiosk_problem",
           "service_missing", "hard_to_use", "other")
REASON_LABELS = {
    "long_wait": N_("It took too long"),
    "hard_to_understand": N_("Hard to understand"),
    "too_many_documents": N_("Too many documents"),
    "kiosk_problem": N_("The kiosk did not work properly"),
    "service_missing": N_("The service I needed was missing"),
    # Worded without "hear": a deaf resident sees it signed and captioned too.
    "hard_to_use": N_("Hard to use with a disability or in old age"),
    "other": N_("Something else"),
}
# Prompt keys (kiosk/prompts.py): the question, each level, the reasons' question, each
# reason, and the thanks. Read aloud says them, sign clips sign them, voice says a level.
PROMPTS = {
    "ask": N_("How satisfied are you with this service? Tap one answer. You may skip this."),
    "why": N_("What could be better? Tap any that apply."),
    "thanks": N_("Thank you for your rating. You can change it until you tap Finish."),
}


class RatingRefused(KioskError):
    """A rating the kiosk will not keep; `code` says why, for a message in the resident's
    language: "level" (not one of the five), "not_rated" (a reason before a level)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def kept_reasons(level, codes):
    """The reasons kept for `level`: known codes only, each once, in the listed order, and
    none for a level that does not ask why. Junk and repeats are dropped, not refused."""
    if level not in ASKS_WHY:
        return []
    chosen = set(codes)
    return [code for code in REASONS if code in chosen]


class Ratings:
    """The kiosk's ratings and their delivery state, one row per reference."""

    def __init__(self, store):
        self.store = store
        store.db["ratings"].create({
            "reference": str, "kiosk_id": str, "level": str, "reasons": str, "rated": str,
            "version": int, "status": str, "attempts": int, "next_attempt": str,
            "queued": str, "last_error": str, "delivered": str,
        }, pk="reference", foreign_keys=[("reference", "submissions", "reference")],
            if_not_exists=True)
        store.db["ratings"].create_index(["status", "next_attempt"], if_not_exists=True)

    def get(self, reference):
        """{"level", "reasons", "version", ...} for `reference`, or None when not rated."""
        row = next(self.store.db.query("select * from ratings where reference = ?",
                                       [reference]), None)
        return {**row, "reasons": json.loads(row["reasons"])} if row else None

    def rate(self, reference, kiosk_id, level, now=None):
        """Keep `level` for `reference` (a new version); reasons stay while the level still
        asks why. Raises RatingRefused("level") for anything but the five levels."""
        if level not in LEVELS:
            raise RatingRefused("level")
        current = self.get(reference)
        reasons = kept_reasons(level, current["reasons"]) if current else []
        self._save(reference, kiosk_id, level, reasons, current, now)

    def toggle_reasons(self, reference, codes, now=None):
        """Tap reasons on or off (known codes, each once; junk ignored). Raises
        RatingRefused("not_rated") before a level is chosen."""
        current = self.get(reference)
        if current is None:
            raise RatingRefused("not_rated")
        tapped = set(kept_reasons(current["level"], codes))
        if not tapped:
            return
        reasons = kept_reasons(current["level"], set(current["reasons"]) ^ tapped)
        self._save(reference, current["kiosk_id"], current["level"], reasons, current, now)

    def _save(self, reference, kiosk_id, level, reasons, current, now):
        """Write a new version, queued for delivery at once."""
        now = now or utc_now()
        at = now.isoformat(timespec="seconds")
        self.store.db["ratings"].upsert({
            "reference": reference, "kiosk_id": kiosk_id, "level": level,
            "reasons": json.dumps(reasons), "rated": now.astimezone().isoformat(timespec="seconds"),
            "version": (current["version"] if current else 0) + 1, "status": "pending",
            "attempts": 0, "next_attempt": at, "queued": at, "last_error": "", "delivered": "",
        }, pk="reference")

    def due(self, now, delivered_references, limit=100):
        """Pending ratings whose submission has been delivered (`delivered_references`: SQL
        selecting those references, from the outbox that knows): the back office must know
        an application before it can take its rating."""
        return [{**row, "reasons": json.loads(row["reasons"])} for row in self.store.db.query(
            "select * from ratings where status = 'pending' and next_attempt <= ? "
            f"and reference in ({delivered_references}) order by next_attempt limit ?",
            [now.isoformat(), limit])]

    def retry(self, reference=None, now=None):
        """Put dead ratings (of one reference, or all) back in the queue."""
        now = now or utc_now()
        where, values = "status = 'dead'", []
        if reference:
            where, values = where + " and reference = ?", [reference]
        self.store.db.execute(
            f"update ratings set status = 'pending', next_attempt = ?, queued = ? where {where}",
            [now.isoformat(), now.isoformat(), *values])

    def record_attempt(self, row, changes):
        """Store how a delivery of `row` went, unless the resident changed the rating
        meanwhile (the newer version is still to be sent)."""
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.store.db.execute(
            f"update ratings set {assignments} where reference = ? and version = ?",
            [*changes.values(), row["reference"], row["version"]])

    def status(self):
        """Counts of ratings by delivery status."""
        return {row["status"]: row["count"] for row in self.store.db.query(
            "select status, count(*) as count from ratings group by status")}


def payload(row):
    """The versioned JSON the back office receives for one rating (kiosk/data/rating.schema.json)."""
    return {"schema": SCHEMA, "reference": row["reference"], "kiosk_id": row["kiosk_id"],
            "rated": row["rated"], "version": row["version"], "level": row["level"],
            "reasons": list(row["reasons"])}
