"""The built-in back office: the inbox that receives submissions, and what clerks do with them.

No Flask here. It receives the same signed JSON an external case system would, stores
a duplicate only once, and keeps every change a clerk makes in an audit log with who and
when: statuses (and their undoing), assignments, documents ticked. Clerks' notes stay
here: they are never shown to the resident nor sent anywhere.
It may share the kiosk's SQLite file (the default) or run elsewhere with its own.
"""
import datetime
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..errors import KioskError
from ..times import day_after, day_start_utc
from ..validators import mask
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
    """Inbox, statuses and audit log in a sqlite-utils database."""

    def __init__(self, store):
        self.store = store
        db = store.db
        db["inbox"].create({"reference": str, "received": str, "created": str, "kiosk_id": str,
                            "package": str, "package_title": str, "language": str,
                            "status": str, "reason": str, "payload": str},
                           pk="reference", if_not_exists=True)
        db["inbox"].create_index(["status", "received"], if_not_exists=True)
        db["audit"].create({"id": int, "reference": str, "who": str, "at": str, "action": str,
                            "detail": str, "before": str}, pk="id", if_not_exists=True)
        db["notes"].create({"id": int, "reference": str, "who": str, "at": str, "text": str},
                           pk="id", if_not_exists=True)
        db["notes"].create_index(["reference"], if_not_exists=True)
        db["document_checks"].create({"reference": str, "document": str, "who": str, "at": str},
                                     pk=("reference", "document"), if_not_exists=True)
        self._add_later_columns()
        db["audit"].create_index(["reference"], if_not_exists=True)
        db["inbox"].create_index(["received", "reference"], if_not_exists=True)
        db["inbox"].create_index(["assignee", "status"], if_not_exists=True)

    def _add_later_columns(self):
        """Columns added by later versions, for a back office whose database is older:
        who has an application, and the ends of its ID number and phone for finding it."""
        db = self.store.db
        if "before" not in db["audit"].columns_dict:
            db["audit"].add_column("before", str, not_null_default="")
        if "assignee" not in db["inbox"].columns_dict:
            db["inbox"].add_column("assignee", str, not_null_default="")
        if "id_tail" not in db["inbox"].columns_dict:
            for column in ("id_tail", "id_mask", "phone_tail"):
                db["inbox"].add_column(column, str, not_null_default="")
            for row in list(db.query("select reference, payload from inbox")):
                answers = json.loads(row["payload"])["answers"]
                db["inbox"].update(row["reference"], _number_ends(answers))

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
        with self.store.db.conn:
            inserted = self.store.db.execute(
                f"insert or ignore into inbox ({', '.join(row)}) "
                f"values ({', '.join('?' for _ in row)})", list(row.values())).rowcount
            if inserted:
                self._audit(data["reference"], "kiosk", now, "received", "")
        return "created" if inserted else "duplicate"

    def _audit(self, reference, who, at, action, detail, before=""):
        self.store.db["audit"].insert({"reference": reference, "who": who, "at": at,
                                       "action": action, "detail": detail, "before": before})

    def _where(self, filters, zone, now):
        """SQL conditions for the inbox's filters: status ("open" for received or in
        progress; None for all), package, received dates in the hall's calendar, assignee,
        received today, and open for more than `waiting_days`."""
        clauses, values = [], []
        status = filters.get("status")
        if status == "open":
            clauses.append("status in (?, ?)")
            values.extend(OPEN_STATUSES)
        elif status:
            clauses.append("status = ?")
            values.append(status)
        for column in ("package", "assignee"):
            if filters.get(column):
                clauses.append(f"{column} = ?")
                values.append(filters[column])
        since = filters.get("since")
        if filters.get("today"):
            since = now.astimezone(zone).date().isoformat()
        if since:
            clauses.append("received >= ?")
            values.append(day_start_utc(since, zone))
        if filters.get("until"):
            clauses.append("received < ?")
            values.append(day_start_utc(day_after(filters["until"]), zone))  # the whole day
        if filters.get("waiting_days"):
            clauses.append(f"status in (?, ?) and received < ?")
            values.extend(OPEN_STATUSES)
            values.append(_iso(now - datetime.timedelta(days=filters["waiting_days"])))
        return clauses, values

    def submissions(self, zone=None, now=None, **filters):
        """Every submission the filters let through, oldest first (for the CSV)."""
        zone = zone or datetime.timezone.utc
        clauses, values = self._where(filters, zone, now or _now())
        where = f"where {' and '.join(clauses)}" if clauses else ""
        rows = self.store.db.query(
            f"select * from inbox {where} order by received, reference", values)
        return [_decoded(row) for row in rows]

    def page(self, filters, after=None, newest_first=False, zone=None, now=None,
             size=PAGE_SIZE):
        """One page of the inbox and what is needed for the next: (rows, total, next key).

        Keyset paging: the next page starts after the last row's (received, reference), so
        a page is as quick at row 5,000 as at row 1 and nothing shifts when new
        applications arrive while a clerk pages."""
        zone = zone or datetime.timezone.utc
        clauses, values = self._where(filters, zone, now or _now())
        total = self.store.db.execute(
            f"select count(*) from inbox {'where ' + ' and '.join(clauses) if clauses else ''}",
            values).fetchone()[0]
        if after:
            clauses.append(f"(received, reference) {'<' if newest_first else '>'} (?, ?)")
            values.extend(after)
        direction = "desc" if newest_first else "asc"
        where = f"where {' and '.join(clauses)}" if clauses else ""
        rows = [_decoded(row) for row in self.store.db.query(
            f"select * from inbox {where} order by received {direction}, "
            f"reference {direction} limit ?", values + [size + 1])]
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
        clauses = ["instr(replace(reference, '-', ''), ?) > 0"]
        values = [text]
        if looks_like_number_end(query):
            clauses += ["id_tail like ?", "phone_tail like ?"]
            values += ["%" + text, "%" + text]
        if "*" in query:
            clauses.append("id_mask = ?")
            values.append(query.strip().upper())
        rows = [_decoded(row) for row in self.store.db.query(
            f"select * from inbox where {' or '.join(clauses)} "
            f"order by received, reference limit ?", values + [limit])]
        return ("part" if rows else "none"), rows

    def _by_references(self, references):
        marks = ", ".join("?" for _ in references)
        return [_decoded(row) for row in self.store.db.query(
            f"select * from inbox where reference in ({marks}) order by received", references)]

    def submission(self, reference):
        row = next(self.store.db.query("select * from inbox where reference = ?", [reference]),
                   None)
        return _decoded(row) if row else None

    def history(self, reference):
        return list(self.store.db.query(
            "select * from audit where reference = ? order by id", [reference]))

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
        with self.store.db.conn:
            self.store.db["inbox"].update(reference, {"status": status, "reason": reason.strip()})
            self._audit(reference, who, at, status, reason.strip(), before=current["status"])

    def undoable(self, reference, who, now=None):
        """The status change `who` may still take back (its audit row), or None: their own
        change, the latest one, made less than UNDO_SECONDS ago, and not itself an undo."""
        last = next(self.store.db.query(
            "select * from audit where reference = ? and (action in (?, ?, ?, ?) or "
            "action = 'undo') order by id desc limit 1", [reference, *STATUSES]), None)
        if not last or last["action"] == "undo" or last["who"] != who or not last["before"]:
            return None
        age = ((now or _now()) - datetime.datetime.fromisoformat(last["at"])).total_seconds()
        return last if age < UNDO_SECONDS else None

    def undo(self, reference, who, now=None):
        """Take back `who`'s latest status change; the audit keeps the change and the undo."""
        last = self.undoable(reference, who, now)
        if last is None:
            raise StatusRefused("undo_too_late")
        with self.store.db.conn:
            self.store.db["inbox"].update(reference, {"status": last["before"], "reason": ""})
            self._audit(reference, who, _iso(now or _now()), "undo", last["action"],
                        before=last["action"])
        return last["before"]

    def assign(self, reference, assignee, who, now=None):
        """Give the application to `assignee` (a clerk's name; "" for nobody)."""
        if self.submission(reference) is None:
            raise StatusRefused("unknown", reference=reference)
        with self.store.db.conn:
            self.store.db["inbox"].update(reference, {"assignee": assignee})
            self._audit(reference, who, _iso(now or _now()),
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
        self.store.db["notes"].insert({"reference": reference, "who": who,
                                       "at": _iso(now or _now()),
                                       "text": text.replace("\r\n", "\n")})

    def notes(self, reference):
        return list(self.store.db.query(
            "select * from notes where reference = ? order by id", [reference]))

    def tick_document(self, reference, document, who, checked, now=None):
        """Mark one of the application's documents as checked by `who` (or not)."""
        row = self.submission(reference)
        if row is None:
            raise StatusRefused("unknown", reference=reference)
        if document not in {entry["key"] for entry in row["payload"]["documents"]}:
            raise StatusRefused("no_such_document")
        at = _iso(now or _now())
        with self.store.db.conn:
            if checked:
                self.store.db["document_checks"].upsert(
                    {"reference": reference, "document": document, "who": who, "at": at},
                    pk=("reference", "document"))
            else:
                self.store.db["document_checks"].delete_where(
                    "reference = ? and document = ?", [reference, document])
            self._audit(reference, who, at,
                        "document_checked" if checked else "document_unchecked", document)

    def document_checks(self, reference):
        """{document key: {"who", "at"}} for the documents ticked as checked."""
        return {row["document"]: row for row in self.store.db.query(
            "select * from document_checks where reference = ?", [reference])}

    def summary(self, catalogue):
        """The seed's targets over the catalogue and the submissions: online, no meeting."""
        items = list(catalogue.items.values())
        submitted = [item["key"] for row in self.submissions()
                     for item in row["payload"]["items"] if item["key"] in catalogue.items]

        def share(keys, flag):
            keys = list(keys)
            return round(100 * sum(getattr(catalogue.items[key], flag) for key in keys)
                         / len(keys)) if keys else None

        return {"catalogue_items": len(items),
                "catalogue_online": share(catalogue.items, "online"),
                "catalogue_no_meeting": share(catalogue.items, "no_meeting"),
                "submitted_items": len(submitted),
                "submitted_online": share(submitted, "online"),
                "submitted_no_meeting": share(submitted, "no_meeting"),
                "by_status": {status: self.store.db.execute(
                    "select count(*) from inbox where status = ?", [status]).fetchone()[0]
                    for status in STATUSES}}


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
