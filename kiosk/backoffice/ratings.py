"""Residents' ratings (好差评) as the back office keeps them: received, counted, followed up.

No Flask here; this module owns its table and SQL. A rating arrives as signed JSON
("kiosk.rating/1", kiosk/data/rating.schema.json) for an application the back office
already has; a resident may change it until they leave the kiosk, so the highest version
is kept. Every 不满意 / 非常不满意 is followed up: due a number of working days after the
rating (15 by default; Saturdays, Sundays and the holidays kiosk.ini lists do not count),
with a status a clerk moves between open, contacted and resolved, each change in the
application's history (the inbox's audit log).
"""
import datetime
import json
from collections import Counter
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import insert, select, update

from ..ratings import DISSATISFIED, LEVELS, SATISFIED
from ..times import day_after, day_start_utc, hall_date, working_days_after
from . import tables
from .database import upsert
from .inbox import Rejected, StatusRefused, check_document, zoned_time

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "rating.schema.json"
RATING = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
FOLLOW_UP_STATUSES = ("open", "contacted", "resolved")
PERIODS = ("month", "week")


class UnknownApplication(Rejected):
    """A rating for an application the back office does not have."""


def check_rating(data):
    """Raise Rejected unless `data` follows kiosk.rating/1, naming where it fails."""
    check_document(RATING, data)
    zoned_time(data, "rated")
    if data["level"] not in ("fairly_satisfied", *DISSATISFIED) and data["reasons"]:
        raise Rejected("reasons: only fairly_satisfied and the dissatisfied levels say why")


def period_of(rated, zone, period):
    """The period a rating falls in, in the hall's calendar: "2026-11" for a month,
    "2026-W48" for an ISO week."""
    day = hall_date(rated, zone)
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def share_satisfied(counts):
    """Percent of ratings at the top three levels (好评率), or None with no ratings."""
    total = sum(counts.values())
    return round(100 * sum(counts[level] for level in SATISFIED) / total) if total else None


def aggregate(rows, zone, period="month"):
    """Counts per level per period and package, newest period first:
    [{"period", "packages": [{"package", "package_title", "counts", "total", "share"}],
      "counts", "total", "share"}] (the period's own line sums its packages)."""
    cells, titles = {}, {}
    for row in rows:
        key = (period_of(row["rated"], zone, period), row["package"])
        cells.setdefault(key, Counter())[row["level"]] += 1
        titles[row["package"]] = row["package_title"]
    periods = {}
    for (when, package), counts in cells.items():
        periods.setdefault(when, []).append(
            {"package": package, "package_title": titles[package], "counts": _full(counts),
             "total": sum(counts.values()), "share": share_satisfied(counts)})
    result = []
    for when in sorted(periods, reverse=True):
        packages = sorted(periods[when], key=lambda cell: cell["package"])
        counts = sum((Counter(cell["counts"]) for cell in packages), Counter())
        result.append({"period": when, "packages": packages, "counts": _full(counts),
                       "total": sum(counts.values()), "share": share_satisfied(counts)})
    return result


def _full(counts):
    return {level: counts.get(level, 0) for level in LEVELS}


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def in_utc(rated):
    """A rating's time (ISO, with the kiosk's offset) as ISO text in UTC, which sorts and
    compares as text in either database."""
    when = datetime.datetime.fromisoformat(rated).astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _iso(when):
    return when.isoformat(timespec="seconds")


class ReceivedRatings:
    """The ratings the back office has received, and their follow-ups."""

    def __init__(self, database, settings, zone):
        self.database = database
        self.follow_up_days = settings.follow_up_working_days
        self.holidays = settings.holidays
        self.zone = zone

    def due_date(self, rated):
        """When the follow-up of a rating made at `rated` (ISO time) is due."""
        return working_days_after(hall_date(rated, self.zone), self.follow_up_days,
                                  self.holidays)

    def receive(self, data, now=None):
        """Keep a rating: "created", "updated" (a newer version) or "duplicate" (this
        version or a newer one is already here). Rejected for a bad document,
        UnknownApplication for a reference the inbox does not have."""
        check_rating(data)
        inbox = tables.inbox.c
        application = self.database.row(
            select(inbox.package, inbox.package_title, inbox.kiosk_id)
            .where(inbox.reference == data["reference"]))
        if application is None:
            raise UnknownApplication(f"reference: no application {data['reference']} here")
        if application["kiosk_id"] != data["kiosk_id"]:
            raise Rejected("kiosk_id: the application was made at another kiosk")
        current = self.rating(data["reference"])
        if current and current["version"] >= data["version"]:
            return "duplicate"
        follow_up, due = (current["follow_up"], current["due"]) if current else ("", "")
        if data["level"] in DISSATISFIED and not follow_up:
            follow_up, due = "open", self.due_date(data["rated"]).isoformat()
        with self.database.begin() as connection:
            # Only over an older version: a slow retry of version 2 crossing version 3
            # must not put 2 back.
            written = upsert(connection, tables.rating_received, ["reference"], {
                "reference": data["reference"], "kiosk_id": data["kiosk_id"],
                "package": application["package"],
                "package_title": application["package_title"],
                "level": data["level"], "reasons": json.dumps(data["reasons"]),
                "rated": data["rated"], "rated_utc": in_utc(data["rated"]),
                "version": data["version"], "received": _iso(now or _now()),
                "follow_up": follow_up, "due": due}, newer="version")
        if not written:
            return "duplicate"
        return "updated" if current else "created"

    def rating(self, reference):
        received = tables.rating_received
        row = self.database.row(select(received).where(received.c.reference == reference))
        return _decoded(row) if row else None

    def rows(self, since=None, until=None, package=None):
        """Every rating made between the hall's calendar days `since` and `until`
        (YYYY-MM-DD, both included), of one package or all, oldest first."""
        received = tables.rating_received
        conditions = []
        # `rated` carries the kiosk's own offset: compared in UTC, as the bounds are.
        if since:
            conditions.append(received.c.rated_utc >= day_start_utc(since, self.zone))
        if until:
            conditions.append(received.c.rated_utc < day_start_utc(day_after(until), self.zone))
        if package:
            conditions.append(received.c.package == package)
        return [_decoded(row) for row in self.database.rows(
            select(received).where(*conditions)
            .order_by(received.c.rated_utc, received.c.reference))]

    def summary(self, period="month", **filters):
        """aggregate() over the ratings the filters let through."""
        return aggregate(self.rows(**filters), self.zone, period)

    def follow_ups(self, status=None, **filters):
        """Every dissatisfied rating, soonest due first; of one follow-up status if given."""
        return [row for row in sorted(self.rows(**filters),
                                      key=lambda row: (row["due"], row["reference"]))
                if row["level"] in DISSATISFIED and (status is None or row["follow_up"] == status)]

    def set_follow_up(self, reference, status, who, now=None):
        """Move a follow-up to `status`, kept in the application's history."""
        current = self.rating(reference)
        if current is None or current["level"] not in DISSATISFIED:
            raise StatusRefused("no_follow_up", reference=reference)
        if status not in FOLLOW_UP_STATUSES:
            raise StatusRefused("not_allowed", status=status)
        if status == current["follow_up"]:
            return
        received = tables.rating_received
        with self.database.begin() as connection:
            connection.execute(update(received).where(received.c.reference == reference)
                               .values(follow_up=status))
            # The application's history is the inbox's audit log: the detail page shows it.
            connection.execute(insert(tables.audit).values(
                reference=reference, who=who, at=_iso(now or _now()), action="follow_up",
                detail=status, before=current["follow_up"]))


def _decoded(row):
    return {**row, "reasons": json.loads(row["reasons"])}
