"""The built-in back office: the inbox that receives submissions, and what clerks do with them.

No Flask here. It receives the same signed JSON an external case system would, stores
a duplicate only once, and keeps every change a clerk makes in an audit log with who and
when: statuses (and their undoing), assignments, documents ticked. Clerks' notes stay
here: they are never shown to the resident nor sent anywhere.
It may share the kiosk's SQLite file (the default) or run as the central back office on
PostgreSQL (database.py); the same queries serve both.
"""
import datetime
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import Text, delete, func, insert, or_, select, tuple_, update
from jsonschema.exceptions import best_match

from ..errors import KioskError
from ..times import day_after, day_start_utc
from ..validators import mask
from . import tables
from .database import insert_if_new
from .finding import compact, digits_tail, looks_like_number_end, meant_references

STATUSES = ("received", "in_progress", "completed", "returned")
OPEN_STATUSES = ("received", "in_progress")
# Where each status may go next: an open application can be completed in one step.
NEXT_STATUSES = {"received": ("in_progress", "completed", "returned"),
                 "in_progress": ("completed", "returned"),
                 "completed": (), "returned": ()}
# A clerk may take back their own status change for this long (a slip of the finger);
# after that completed and returned are final.
UNDO_SECONDS = 5 * 60
PAGE_SIZE = 50
# The inbox counts matching applications up to here: an exact count of a million rows
# would cost more than the page itself (about 300 ms in PostgreSQL); beyond it the clerk
# reads "more than 10,000".
COUNT_LIMIT = 10_000
NOTE_LENGTH = 2000
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "submission.schema.json"
SUBMISSION = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


class Rejected(KioskError):
    """A submission the back office will not store; the message says what is wrong."""


class StatusRefused(KioskError):
    """A status change a clerk may not make; `code` says why, for a message in their language."""

    def __init__(self, code, **details):
        super().__init__(f"{code}: {details}")
        self.code = code
        self.details = details


def check_document(schema, data):
    """Raise Rejected unless `data` follows the JSON Schema `schema`, with a reason naming
    where it fails (what a kiosk's developer needs to fix it)."""
    error = best_match(schema.iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the document"
        raise Rejected(f"{where}: {error.message[:200]}")


def zoned_time(data, field):
    """`data[field]` as a time, which must be real and carry its time zone (else Rejected)."""
    try:
        when = datetime.datetime.fromisoformat(data[field])
    except ValueError:
        raise Rejected(f"{field}: not a real time") from None
    if when.tzinfo is None:
        raise Rejected(f"{field}: must carry its time zone")
    return when


def check_submission(data):
    """Raise Rejected unless `data` follows the published kiosk.submission/1 JSON Schema
    (kiosk/data/submission.schema.json), with a reason naming where it fails."""
    check_document(SUBMISSION, data)
    zoned_time(data, "created")
    if data["reference"].split("-")[0] != data["kiosk_id"]:
        # A reference begins with the id of the kiosk that made it: a kiosk cannot take
        # another's reference (nor, under per-kiosk keys, post in another's name).
        raise Rejected("reference: does not begin with the kiosk_id of the kiosk that made it")


def load_document(body):
    """The JSON document in a request body, or Rejected: not JSON, nested too deep, or
    text that is not UTF-8 (a lone surrogate such as \\ud800)."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise Rejected("the JSON is nested too deeply") from None
    except ValueError:
        raise Rejected("the body is not valid JSON") from None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise Rejected("the JSON is nested too deeply") from None
    except UnicodeEncodeError:
        raise Rejected("the body holds text that is not UTF-8") from None
    unshowable = next(_unshowable(data), None)
    if unshowable is not None:
        raise Rejected(f"the body holds a character no page can show (U+{ord(unshowable):04X})")
    return data


def _unshowable(node):
    """Control characters and Unicode noncharacters, which HTML may not carry: a clerk's
    page showing them would not be a valid page."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _unshowable(key)
            yield from _unshowable(value)
    elif isinstance(node, list):
        for value in node:
            yield from _unshowable(value)
    elif isinstance(node, str):
        for char in node:
            code = ord(char)
            if ((code < 32 and char not in "\t\n\r") or 0x7F <= code <= 0x9F
                    or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
                yield char


class BackOffice:
    """Inbox, statuses, notes and audit log in the back office's database (database.py)."""

    def __init__(self, database):
        self.database = database

    def receive(self, data, now=None):
        """Store a submission; "created" the first time, "duplicate" after (stored once)."""
        check_submission(data)
        now = _iso(now or _now())
        row = {"reference": data["reference"], "received": now, "created": data["created"],
               "kiosk_id": data["kiosk_id"], "package": data["package"].get("key") or "",
               "package_title": data["package"].get("title_zh") or "",
               "language": data["language"], "status": "received", "reason": "",
               "payload": json.dumps(data, ensure_ascii=False), "assignee": "",
               **_number_ends(data["answers"])}
        with self.database.begin() as connection:
            # Two deliveries of one submission at once (a retry crossing a slow answer):
            # the second finds the row and is a duplicate, in either database.
            inserted = insert_if_new(connection, tables.inbox, ["reference"], row)
            if inserted:
                _audit(connection, data["reference"], "kiosk", now, "received", "")
        return "created" if inserted else "duplicate"

    def _where(self, filters, zone, now):
        """Conditions for the inbox's filters: status ("open" for received or in progress;
        None for all), package, received dates in the hall's calendar, assignee, received
        today, and open for more than `waiting_days`."""
        inbox = tables.inbox.c
        conditions = []
        status = filters.get("status")
        if status == "open":
            conditions.append(inbox.status.in_(OPEN_STATUSES))
        elif status:
            conditions.append(inbox.status == status)
        for column in ("package", "assignee"):
            if filters.get(column):
                conditions.append(inbox[column] == filters[column])
        since = filters.get("since")
        if filters.get("today"):
            since = now.astimezone(zone).date().isoformat()
        if since:
            conditions.append(inbox.received >= day_start_utc(since, zone))
        if filters.get("until"):   # the whole day
            conditions.append(inbox.received < day_start_utc(day_after(filters["until"]), zone))
        if filters.get("waiting_days"):
            conditions.append(inbox.status.in_(OPEN_STATUSES))
            conditions.append(inbox.received < _iso(
                now - datetime.timedelta(days=filters["waiting_days"])))
        return conditions

    def submissions(self, zone=None, now=None, **filters):
        """Every submission the filters let through, oldest first (for the CSV)."""
        return list(self.each_submission(zone, now, **filters))

    def each_submission(self, zone=None, now=None, **filters):
        """The same as submissions(), one at a time from the database, so a CSV of a
        million applications is written in bounded memory."""
        zone = zone or datetime.timezone.utc
        inbox = tables.inbox
        query = (select(inbox).where(*self._where(filters, zone, now or _now()))
                 .order_by(inbox.c.received, inbox.c.reference))
        with self.database.engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=500) \
                .execute(query).mappings()
            for row in result:
                yield _decoded(row)

    def page(self, filters, after=None, newest_first=False, zone=None, now=None,
             size=PAGE_SIZE):
        """One page of the inbox and what is needed for the next: (rows, total, next key).
        `total` counts at most COUNT_LIMIT + 1 (the page says "more than 10,000").

        Keyset paging: the next page starts after the last row's (received, reference), so
        a page is as quick at row 500,000 as at row 1 and nothing shifts when new
        applications arrive while a clerk pages. The page's references are found first,
        from the indexes alone, and only those rows read whole: the database never sorts
        the payloads of every matching application."""
        zone = zone or datetime.timezone.utc
        inbox = tables.inbox
        conditions = self._where(filters, zone, now or _now())
        total = self.database.scalar(select(func.count()).select_from(
            select(inbox.c.reference).where(*conditions).limit(COUNT_LIMIT + 1).subquery()))
        key = tuple_(inbox.c.received, inbox.c.reference)
        if after:
            conditions.append(key < tuple_(*after) if newest_first else key > tuple_(*after))
        order = [inbox.c.received, inbox.c.reference]
        if newest_first:
            order = [column.desc() for column in order]
        wanted = select(inbox.c.reference).where(*conditions).order_by(*order).limit(size + 1)
        rows = [_decoded(row) for row in self.database.rows(
            select(inbox).where(inbox.c.reference.in_(wanted.scalar_subquery()))
            .order_by(*order))]
        more = len(rows) > size
        rows = rows[:size]
        return rows, total, ((rows[-1]["received"], rows[-1]["reference"]) if more else None)

    def find(self, query, limit=PAGE_SIZE):
        """Applications a clerk's search means, and how they were found: ("exact", rows),
        ("corrected", rows) when the check character pointed to what they meant, ("part",
        rows) for part of a reference or the end of an ID number or phone, or ("none", [])."""
        meant = meant_references(query)
        if meant:
            found = self._by_references(meant)
            if found:
                exact = len(meant) == 1 and found[0]["reference"] == meant[0] and \
                    compact(query) == compact(meant[0])
                return ("exact" if exact else "corrected"), found
        text = compact(query)
        if len(text) < 4:
            return "none", []
        inbox = tables.inbox.c
        # `text` is letters and digits only (compact), so it carries no LIKE wildcards.
        either = [func.replace(inbox.reference, "-", "", type_=Text).contains(text, autoescape=True)]
        if looks_like_number_end(query):
            either += [inbox.id_tail.endswith(text, autoescape=True),
                       inbox.phone_tail.endswith(text, autoescape=True)]
        if "*" in query:
            either.append(inbox.id_mask == query.strip().upper())
        rows = [_decoded(row) for row in self.database.rows(
            select(tables.inbox).where(or_(*either))
            .order_by(inbox.received, inbox.reference).limit(limit))]
        return ("part" if rows else "none"), rows

    def _by_references(self, references):
        inbox = tables.inbox
        return [_decoded(row) for row in self.database.rows(
            select(inbox).where(inbox.c.reference.in_(references)).order_by(inbox.c.received))]

    def submission(self, reference):
        inbox = tables.inbox
        row = self.database.row(select(inbox).where(inbox.c.reference == reference))
        return _decoded(row) if row else None

    def history(self, reference):
        audit = tables.audit
        return self.database.rows(select(audit).where(audit.c.reference == reference)
                                  .order_by(audit.c.id))

    # What clerks do with an application.

    def change_status(self, reference, status, who, reason="", now=None):
        """Move a submission on: received → in progress → completed, completed straight
        from any open status, or returned with a reason."""
        current = self.submission(reference)
        if current is None:
            raise StatusRefused("unknown", reference=reference)
        if status not in NEXT_STATUSES[current["status"]]:
            raise StatusRefused("not_allowed", status=status)
        if status == "returned" and not reason.strip():
            raise StatusRefused("reason_needed")
        at = _iso(now or _now())
        inbox = tables.inbox
        with self.database.begin() as connection:
            # Only from the status just read: two clerks tapping at once cannot both win.
            moved = connection.execute(
                update(inbox).where(inbox.c.reference == reference,
                                    inbox.c.status == current["status"])
                .values(status=status, reason=reason.strip())).rowcount
            if not moved:
                raise StatusRefused("not_allowed", status=status)
            _audit(connection, reference, who, at, status, reason.strip(),
                   before=current["status"])

    def undoable(self, reference, who, now=None, history=None):
        """The status change `who` may still take back (its audit row), or None: their own
        change, the latest one, made less than UNDO_SECONDS ago, and not itself an undo.
        `history`: the application's audit rows in order, when already read."""
        if history is None:
            audit = tables.audit
            last = self.database.row(
                select(audit).where(audit.c.reference == reference,
                                    audit.c.action.in_([*STATUSES, "undo"]))
                .order_by(audit.c.id.desc()).limit(1))
        else:
            last = next((row for row in reversed(history)
                         if row["action"] in (*STATUSES, "undo")), None)
        if not last or last["action"] == "undo" or last["who"] != who or not last["before"]:
            return None
        age = ((now or _now()) - datetime.datetime.fromisoformat(last["at"])).total_seconds()
        return last if age < UNDO_SECONDS else None

    def undo(self, reference, who, now=None):
        """Take back `who`'s latest status change; the audit keeps the change and the undo."""
        last = self.undoable(reference, who, now)
        if last is None:
            raise StatusRefused("undo_too_late")
        inbox = tables.inbox
        with self.database.begin() as connection:
            # Only while the application still has the status being taken back: another
            # clerk may have moved it on since.
            undone = connection.execute(
                update(inbox).where(inbox.c.reference == reference,
                                    inbox.c.status == last["action"])
                .values(status=last["before"], reason="")).rowcount
            if not undone:
                raise StatusRefused("undo_too_late")
            _audit(connection, reference, who, _iso(now or _now()), "undo", last["action"],
                   before=last["action"])
        return last["before"]

    def assign(self, reference, assignee, who, now=None):
        """Give the application to `assignee` (a clerk's name; "" for nobody)."""
        if self.submission(reference) is None:
            raise StatusRefused("unknown", reference=reference)
        inbox = tables.inbox
        with self.database.begin() as connection:
            connection.execute(update(inbox).where(inbox.c.reference == reference)
                               .values(assignee=assignee))
            _audit(connection, reference, who, _iso(now or _now()),
                   "assigned" if assignee else "unassigned", assignee)

    def add_note(self, reference, who, text, now=None):
        """Keep a clerk's internal note on the application (never shown to the resident)."""
        text = text.strip()
        if not text:
            raise StatusRefused("note_empty")
        if len(text) > NOTE_LENGTH:
            raise StatusRefused("note_too_long", limit=NOTE_LENGTH)
        if any(ord(char) < 32 and char not in "\n\t" for char in text.replace("\r\n", "\n")):
            raise StatusRefused("note_bad_characters")
        if self.submission(reference) is None:
            raise StatusRefused("unknown", reference=reference)
        self.database.run(insert(tables.notes).values(
            reference=reference, who=who, at=_iso(now or _now()),
            text=text.replace("\r\n", "\n")))

    def notes(self, reference):
        notes = tables.notes
        return self.database.rows(select(notes).where(notes.c.reference == reference)
                                  .order_by(notes.c.id))

    def tick_document(self, reference, document, who, checked, now=None):
        """Mark one of the application's documents as checked by `who` (or not)."""
        row = self.submission(reference)
        if row is None:
            raise StatusRefused("unknown", reference=reference)
        if document not in {entry["key"] for entry in row["payload"]["documents"]}:
            raise StatusRefused("no_such_document")
        at = _iso(now or _now())
        checks = tables.document_checks
        this_one = (checks.c.reference == reference, checks.c.document == document)
        with self.database.begin() as connection:
            connection.execute(delete(checks).where(*this_one))
            if checked:
                connection.execute(insert(checks).values(reference=reference,
                                                         document=document, who=who, at=at))
            _audit(connection, reference, who, at,
                   "document_checked" if checked else "document_unchecked", document)

    def document_checks(self, reference):
        """{document key: {"who", "at"}} for the documents ticked as checked."""
        checks = tables.document_checks
        return {row["document"]: row for row in self.database.rows(
            select(checks).where(checks.c.reference == reference))}

    def summary(self, catalogue):
        """The seed's targets over the catalogue and the submissions: online, no meeting."""
        items = list(catalogue.items.values())
        submitted = [item["key"] for row in self.each_submission()
                     for item in row["payload"]["items"] if item["key"] in catalogue.items]

        def share(keys, flag):
            keys = list(keys)
            return round(100 * sum(getattr(catalogue.items[key], flag) for key in keys)
                         / len(keys)) if keys else None

        inbox = tables.inbox
        counts = {row["status"]: row["count"] for row in self.database.rows(
            select(inbox.c.status, func.count().label("count")).group_by(inbox.c.status))}
        return {"catalogue_items": len(items),
                "catalogue_online": share(catalogue.items, "online"),
                "catalogue_no_meeting": share(catalogue.items, "no_meeting"),
                "submitted_items": len(submitted),
                "submitted_online": share(submitted, "online"),
                "submitted_no_meeting": share(submitted, "no_meeting"),
                "by_status": {status: counts.get(status, 0) for status in STATUSES}}


def _audit(connection, reference, who, at, action, detail, before=""):
    connection.execute(insert(tables.audit).values(reference=reference, who=who, at=at,
                                                   action=action, detail=detail, before=before))


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(when):
    return when.isoformat(timespec="seconds")


def _decoded(row):
    return {**row, "payload": json.loads(row["payload"])}


def _number_ends(answers):
    """What a clerk may search by besides the reference: the masked ID number as lists show
    it, and the last digits of the ID number and the phone."""
    id_number = str(answers.get("applicant_id_number") or "")
    return {"id_mask": mask(id_number) if id_number else "",
            "id_tail": digits_tail(id_number, 6),
            "phone_tail": digits_tail(str(answers.get("applicant_phone") or ""), 8)}
