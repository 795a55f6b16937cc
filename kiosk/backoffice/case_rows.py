"""The clerks' case tables (inbox and search results) as the texts each cell shows.

A row's seven cells were seven template calls (a link, a waiting time, a hall time, a
package, a masked ID, a status, ...) and fifty rows of them were most of an inbox page's
time (issue #17). Here they are worked out in one loop, with the page's catalogue of
translations looked up once; the template only writes them out.
"""
import datetime
from typing import NamedTuple
from urllib.parse import quote

from flask import url_for
from flask_babel import get_translations

from ..i18n import current_language
from ..messages import STATUS_LABELS
from ..times import local_text
from ..validators import mask

OPEN_STATUSES = ("received", "in_progress")


class CaseRow(NamedTuple):
    """One application as a clerk's list shows it."""
    reference: str
    url: str
    waiting: str        # how long it has waited, or "—" once it is no longer open
    received: str       # when, in the hall's time
    package: str
    applicant: str
    id_number: str      # masked, as on a shared screen
    status: str
    assignee: str


def waiting_text(seconds, translations=None):
    """How long an application has waited, in the largest whole unit ("3 hours")."""
    ngettext = (translations or get_translations()).ungettext
    if seconds < 3600:
        number = seconds // 60
        return ngettext("%(num)d minute", "%(num)d minutes", number) % {"num": number}
    if seconds < 2 * 86400:
        number = seconds // 3600
        return ngettext("%(num)d hour", "%(num)d hours", number) % {"num": number}
    number = seconds // 86400
    return ngettext("%(num)d day", "%(num)d days", number) % {"num": number}


def seconds_since(received, now):
    """Whole seconds from a stored ISO time to `now`, never negative."""
    return max(0, int((now - datetime.datetime.fromisoformat(received)).total_seconds()))


def package_title(row, catalogue, language, translations=None):
    """The package's title in the page's language; the title stored with the application
    when the catalogue no longer has it."""
    package = catalogue.packages.get(row["package"])
    if package:
        return package.title.in_language(language)
    return row.get("package_title") or (translations or get_translations()).ugettext(
        "Your services")


def case_rows(rows, catalogue, zone, now):
    """[CaseRow] for inbox rows (dicts with their payload decoded), in the page's language."""
    translations = get_translations()
    language = current_language()
    # One address built by the router, the others after it: a reference is letters,
    # digits and hyphens, and is quoted all the same.
    detail_prefix = url_for("backoffice.detail", reference="_")[:-1]
    shown = []
    for row in rows:
        answers = row["payload"].get("answers", {})
        shown.append(CaseRow(
            reference=row["reference"],
            url=detail_prefix + quote(row["reference"], safe=""),
            waiting=(waiting_text(seconds_since(row["received"], now), translations)
                     if row["status"] in OPEN_STATUSES else "—"),
            received=local_text(row["received"], zone),
            package=package_title(row, catalogue, language, translations),
            applicant=answers.get("applicant_name", ""),
            id_number=mask(answers.get("applicant_id_number", "")),
            status=translations.ugettext(STATUS_LABELS.get(row["status"], row["status"])),
            assignee=row["assignee"] or "—"))
    return shown
