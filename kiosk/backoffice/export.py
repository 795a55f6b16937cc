"""The inbox as CSV, two ways. No Flask here.

- For clerks: headers, statuses, packages and services in the clerk's language, times in
  the hall's zone, as a spreadsheet shows them.
- For systems (`codes`): a stable contract that does not change with the language or a
  catalogue title: English column codes, status codes, package and service keys, UTC
  times in ISO 8601.

Both mask ID numbers and never hand a spreadsheet a formula.
"""
import csv
import io

from ..validators import mask

COLUMNS = ("reference", "received", "kiosk", "package", "status", "reason", "services",
           "applicant", "id_number", "phone", "assignee")

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


class CodesWording:
    """The systems' CSV: codes and keys, UTC times."""

    def header(self, column):
        return column

    def received(self, row):
        return row["received"]

    def package(self, row):
        return row["package"]

    def status(self, row):
        return row["status"]

    def services(self, row):
        return ";".join(item["key"] for item in row["payload"]["items"])


# Rows written before each piece of a streamed CSV is handed on: big enough that a
# million rows are not a million tiny writes, small enough to keep memory flat.
ROWS_PER_PIECE = 500


def csv_pieces(rows, wording=None):
    """A CSV of `rows` (inbox rows, any iterable), worded by `wording` (CodesWording when
    None), as pieces of text one after another: a response streams them, so a CSV of a
    million applications is never held whole in memory."""
    wording = wording or CodesWording()
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")   # a byte-order mark so spreadsheet programs read UTF-8
    writer.writerow([wording.header(column) for column in COLUMNS])
    for number, row in enumerate(rows, 1):
        answers = row["payload"]["answers"]
        writer.writerow(map(spreadsheet_safe, [
            row["reference"], wording.received(row), row["kiosk_id"], wording.package(row),
            wording.status(row), row["reason"], wording.services(row),
            answers.get("applicant_name", ""), mask(answers.get("applicant_id_number", "")),
            answers.get("applicant_phone", ""), row.get("assignee", "")]))
        if number % ROWS_PER_PIECE == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_text(rows, wording=None):
    """The same CSV as csv_pieces, whole (for small exports and tests)."""
    return "".join(csv_pieces(rows, wording))


RATING_COLUMNS = ("reference", "rated", "kiosk", "package", "level", "reasons", "due",
                  "follow_up")


class CodesRatingWording:
    """The systems' ratings CSV: level, reason and status codes, times as the kiosk sent them."""

    def header(self, column):
        return column

    def rated(self, row):
        return row["rated"]

    def package(self, row):
        return row["package"]

    def level(self, row):
        return row["level"]

    def reasons(self, row):
        return ";".join(row["reasons"])

    def follow_up(self, row):
        return row["follow_up"]


def ratings_csv(rows, wording=None):
    """A CSV of received ratings, worded by `wording` (CodesRatingWording when None)."""
    wording = wording or CodesRatingWording()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([wording.header(column) for column in RATING_COLUMNS])
    for row in rows:
        writer.writerow(map(spreadsheet_safe, [
            row["reference"], wording.rated(row), row["kiosk_id"], wording.package(row),
            wording.level(row), wording.reasons(row), row["due"], wording.follow_up(row)]))
    return "\ufeff" + out.getvalue()
