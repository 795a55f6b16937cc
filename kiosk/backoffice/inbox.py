"""The built-in back office: the inbox that receives submissions, and what clerks do with them.

No Flask here. It receives the same signed JSON an external case system would, stores
a duplicate only once, and keeps every status change in an audit log with who and when.
It may share the kiosk's SQLite file (the default) or run elsewhere with its own.
"""
import csv
import datetime
import io
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..errors import KioskError
from ..times import day_after, day_start_utc, local_text
from ..validators import mask

STATUSES = ("received", "in_progress", "completed", "returned")
# Where each status may go next.
NEXT_STATUSES = {"received": ("in_progress", "returned"),
                 "in_progress": ("completed", "returned"),
                 "completed": (), "returned": ()}
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


def check_submission(data):
    """Raise Rejected unless `data` follows the published kiosk.submission/1 JSON Schema
    (kiosk/data/submission.schema.json), with a reason naming where it fails."""
    error = best_match(SUBMISSION.iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the document"
        raise Rejected(f"{where}: {error.message[:200]}")
    try:
        created = datetime.datetime.fromisoformat(data["created"])
    except ValueError:
        raise Rejected("created: not a real time") from None
    if created.tzinfo is None:
        raise Rejected("created: must carry its time zone")


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


# A cell starting with one of these is a formula to a spreadsheet program (OWASP, CSV
# injection): =HYPERLINK(...), @SUM(...), +cmd, -1+1, and tab or carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell a clerk's spreadsheet shows as text and never runs.

    As OWASP recommends, a cell that could start a formula gets a leading apostrophe, which
    spreadsheets treat as "this is text" and do not show: +86 138 0013 8000 still reads as
    a phone number.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
                            "detail": str}, pk="id", if_not_exists=True)

    def receive(self, data, now=None):
        """Store a submission; "created" the first time, "duplicate" after (stored once)."""
        check_submission(data)
        now = (now or datetime.datetime.now(datetime.timezone.utc)).isoformat(timespec="seconds")
        row = {"reference": data["reference"], "received": now, "created": data["created"],
               "kiosk_id": data["kiosk_id"], "package": data["package"].get("key") or "",
               "package_title": data["package"].get("title_zh") or "",
               "language": data["language"], "status": "received", "reason": "",
               "payload": json.dumps(data, ensure_ascii=False)}
        with self.store.db.conn:
            inserted = self.store.db.execute(
                "insert or ignore into inbox (reference, received, created, kiosk_id, package, "
                "package_title, language, status, reason, payload) values (?,?,?,?,?,?,?,?,?,?)",
                list(row.values())).rowcount
            if inserted:
                self._audit(data["reference"], "kiosk", now, "received", "")
        return "created" if inserted else "duplicate"

    def _audit(self, reference, who, at, action, detail):
        self.store.db["audit"].insert({"reference": reference, "who": who, "at": at,
                                       "action": action, "detail": detail})

    def submissions(self, status=None, package=None, since=None, until=None, zone=None):
        """The inbox, newest first, filtered by status, package and received date (the
        dates are the hall's calendar days in `zone`; UTC when None)."""
        zone = zone or datetime.timezone.utc
        clauses, values = [], []
        for column, value in (("status", status), ("package", package)):
            if value:
                clauses.append(f"{column} = ?")
                values.append(value)
        if since:
            clauses.append("received >= ?")
            values.append(day_start_utc(since, zone))
        if until:
            clauses.append("received < ?")
            values.append(day_start_utc(day_after(until), zone))   # the whole last day
        where = f"where {' and '.join(clauses)}" if clauses else ""
        rows = self.store.db.query(f"select * from inbox {where} order by received desc", values)
        return [{**row, "payload": json.loads(row["payload"])} for row in rows]

    def submission(self, reference):
        row = next(self.store.db.query("select * from inbox where reference = ?", [reference]),
                   None)
        return {**row, "payload": json.loads(row["payload"])} if row else None

    def history(self, reference):
        return list(self.store.db.query(
            "select * from audit where reference = ? order by id", [reference]))

    def change_status(self, reference, status, who, reason="", now=None):
        """Move a submission on (received → in progress → completed, or returned with a reason)."""
        current = self.submission(reference)
        if current is None:
            raise StatusRefused("unknown", reference=reference)
        if status not in NEXT_STATUSES[current["status"]]:
            raise StatusRefused("not_allowed", status=status)
        if status == "returned" and not reason.strip():
            raise StatusRefused("reason_needed")
        now = (now or datetime.datetime.now(datetime.timezone.utc)).isoformat(timespec="seconds")
        with self.store.db.conn:
            self.store.db["inbox"].update(reference, {"status": status, "reason": reason.strip()})
            self._audit(reference, who, now, status, reason.strip())

    def csv_export(self, rows, zone=datetime.timezone.utc):
        """A CSV of the listed submissions, ID numbers masked, no cell a spreadsheet runs."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["reference", "received", "kiosk", "package", "status", "reason",
                         "services", "applicant", "id_number", "phone"])
        for row in rows:
            answers = row["payload"]["answers"]
            writer.writerow(map(spreadsheet_safe, [row["reference"],
                             local_text(row["received"], zone), row["kiosk_id"],
                             row["package_title"], row["status"], row["reason"],
                             "; ".join(item.get("title_zh", item["key"])
                                       for item in row["payload"]["items"]),
                             answers.get("applicant_name", ""),
                             mask(answers.get("applicant_id_number", "")),
                             answers.get("applicant_phone", "")]))
        return "\ufeff" + out.getvalue()  # a byte-order mark so spreadsheet programs read UTF-8

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
                "by_status": {status: len(self.submissions(status=status)) for status in STATUSES}}
