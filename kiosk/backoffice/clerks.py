"""The built-in back office on the web: the signed receiving API and the clerks' pages:
find, a paged inbox, one application with its statuses, assignment, notes, document
ticks and case sheet, CSV."""
import datetime

from flask import (Blueprint, Response, abort, flash, g, jsonify, redirect, render_template,
                   request, session, url_for)
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from ..i18n import current_language
from ..references import qr_svg
from ..messages import N_, STATUS_LABELS
from ..times import day_after, day_start_utc, local_text
from ..web import services, staff_only
from .case_rows import case_rows, package_title, seconds_since, waiting_text
from .export import CodesWording, csv_pieces
from .inbox import COUNT_LIMIT, NEXT_STATUSES, NOTE_LENGTH, STATUSES, Rejected, StatusRefused, load_document
from .receiving import signed_json

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")
MAX_BODY = 256 * 1024


@bp.post("/api/submissions")
def receive():
    """Receive one kiosk.submission/1: 401 for a bad signature, 415 for a body that is not
    JSON, 400 (with the reason) for one that breaks the schema."""
    body, refusal = signed_json()
    if refusal:
        return refusal
    kiosk = services()
    try:
        data = load_document(body)
    except Rejected as error:
        return jsonify(error="bad_json", message=str(error)), 400
    try:
        outcome = kiosk.backoffice.receive(data)
    except Rejected as error:
        return jsonify(error="invalid", message=str(error)), 400
    return jsonify(status=outcome), 201 if outcome == "created" else 200


def init_app(app, csrf):
    # Machines sign their requests; there is no browser form to carry a token.
    csrf.exempt(receive)
    app.before_request(limit_api_body)
    app.jinja_env.globals["staff_roles"] = staff_roles
    app.jinja_env.globals["package_name"] = lambda row: package_title(
        row, services().catalogue, current_language())
    app.jinja_env.filters["waiting"] = waiting_text


def staff_roles():
    """The signed-in staff member's roles, for the links their pages show."""
    account = g.get("staff_account")    # as staff_only found it for this request
    if account is None and session.get("staff"):
        account = services().staff.account(session["staff"])
    return account["roles"] if account else ()


def limit_api_body():
    if request.endpoint == "backoffice.receive":
        request.max_content_length = MAX_BODY


# What the inbox's address may carry besides the page it is on.
FILTER_NAMES = ("status", "package", "since", "until", "mine", "today", "waiting", "order")


def _filters():
    """The inbox's filters from the address; anything that is not a filter is left out.

    Open applications are the default: the clerk's work. `status=all` shows every one."""
    args = request.args
    status = args.get("status") or "open"
    filters = {"status": None if status == "all" else status if status in (*STATUSES, "open")
               else "open",
               "package": args.get("package") if args.get("package") in
               services().catalogue.packages else None,
               "assignee": session["staff"] if args.get("mine") else None,
               "today": bool(args.get("today"))}
    for name in ("since", "until"):
        try:
            filters[name] = datetime.date.fromisoformat(args.get(name, "")).isoformat()
        except ValueError:
            filters[name] = None
    waiting = args.get("waiting", "")
    filters["waiting_days"] = int(waiting) if waiting.isdigit() and 0 < int(waiting) < 1000 \
        else None
    return filters


def _after():
    """Where the next page starts: (received, reference) of the last row seen, or None."""
    received, _, reference = request.args.get("after", "").partition("|")
    try:
        datetime.datetime.fromisoformat(received)
    except ValueError:
        return None
    return (received, reference[:40])


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


@bp.get("")
@staff_only("clerk")
def inbox():
    filters = _filters()
    newest_first = request.args.get("order") == "newest"
    rows, total, next_key = services().backoffice.page(
        filters, after=_after(), newest_first=newest_first,
        zone=services().settings.time_zone, now=_now())
    kept = {key: value for key, value in request.args.items() if key in FILTER_NAMES}
    counted = _("More than %(num)s applications", num=format_number(COUNT_LIMIT)) \
        if total > COUNT_LIMIT else ngettext("%(num)d application", "%(num)d applications", total)
    return render_template("backoffice/inbox.html", rows=_case_rows(rows), counted=counted, filters=filters,
                           kept=kept, newest_first=newest_first, paged=bool(_after()),
                           next_url=(url_for("backoffice.inbox", **kept,
                                             after="|".join(next_key)) if next_key else None),
                           first_url=url_for("backoffice.inbox", **kept),
                           statuses=STATUSES)


def _case_rows(rows):
    return case_rows(rows, services().catalogue, services().settings.time_zone, _now())


def _age(received):
    """Seconds since an application was received."""
    return seconds_since(received, _now())


@bp.get("/find")
@staff_only("clerk")
def find():
    """Search by reference (forgiving case, spaces, width and one slip), by part of one,
    or by the end of an ID number or phone; one match opens at once."""
    # Only what a page can show back: no control or invisible formatting characters.
    query = "".join(char for char in request.args.get("q", "")[:100] if char.isprintable())
    query = query.strip()
    how, rows = services().backoffice.find(query) if query else ("none", [])
    if len(rows) == 1:
        if how == "corrected":
            flash(_("No application is numbered %(typed)s; its check character points to "
                    "%(reference)s, shown here.", typed=query, reference=rows[0]["reference"]),
                  "warning")
        return redirect(url_for("backoffice.detail", reference=rows[0]["reference"]))
    return render_template("backoffice/found.html", query=query, how=how,
                           rows=_case_rows(rows)), (200 if rows or not query else 404)


class ClerkWording:
    """The clerks' CSV in their language: headers, statuses, package and service titles,
    times in the hall's zone."""

    HEADERS = {"reference": N_("Reference"), "received": N_("Received at"),
               "kiosk": N_("Kiosk"), "package": N_("Package"), "status": N_("Status"),
               "reason": N_("Reason"), "services": N_("Services applied for"),
               "applicant": N_("Applicant"), "id_number": N_("ID number"),
               "phone": N_("Phone"), "assignee": N_("Assigned to")}

    def __init__(self, catalogue, zone):
        # Everything that depends on the clerk's request is read now: the CSV is written
        # while it streams, after the view has returned.
        self.catalogue = catalogue
        self.zone = zone
        self.language = current_language()
        self.headers = {column: _(label) for column, label in self.HEADERS.items()}
        self.statuses = {status: _(label) for status, label in STATUS_LABELS.items()}

    def header(self, column):
        return self.headers[column]

    def received(self, row):
        return local_text(row["received"], self.zone)

    def package(self, row):
        package = self.catalogue.packages.get(row["package"])
        return package.title.in_language(self.language) if package else row["package_title"]

    def status(self, row):
        return self.statuses.get(row["status"], row["status"])

    def services(self, row):
        items = self.catalogue.items
        return "; ".join(items[item["key"]].title.in_language(self.language)
                         if item["key"] in items else item.get("title_zh", item["key"])
                         for item in row["payload"]["items"])


@bp.get("/export.csv")
@staff_only("clerk")
def export():
    """The filtered inbox as CSV: in the clerk's language, or `?format=codes` for systems."""
    kiosk = services()
    zone = kiosk.settings.time_zone
    rows = kiosk.backoffice.each_submission(zone=zone, now=_now(), **_filters())
    codes = request.args.get("format") == "codes"
    wording = CodesWording() if codes else ClerkWording(kiosk.catalogue, zone)
    name = "submissions-codes.csv" if codes else "submissions.csv"
    # Streamed from the database as it is written: bounded memory for a million rows.
    return Response(csv_pieces(rows, wording), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/summary")
@staff_only("clerk", "operator")
def summary():
    """The district's targets, and how quickly residents who called a clerk were answered
    in a period of the hall's days (the last 7 unless `since` and `until` say otherwise)."""
    kiosk = services()
    zone = kiosk.settings.time_zone
    since, until = _period(zone)
    calls = kiosk.calls.answer_times(day_start_utc(since, zone),
                                     day_start_utc(day_after(until), zone))
    return render_template("backoffice/summary.html",
                           summary=kiosk.backoffice.summary(kiosk.catalogue),
                           calls=calls, since=since, until=until)


def _period(zone):
    """(since, until) hall dates from the address, a week up to today when not given;
    a reversed period is put the right way round."""
    today = _now().astimezone(zone).date()
    dates = []
    for name, default in (("since", today - datetime.timedelta(days=6)), ("until", today)):
        try:
            dates.append(datetime.date.fromisoformat(request.args.get(name, "")[:10]))
        except ValueError:
            dates.append(default)
    return tuple(day.isoformat() for day in sorted(dates))


def _case(reference, row=None):
    """Everything a clerk's page about one application shows (`row`: its inbox row, when
    already read)."""
    backoffice = services().backoffice
    row = row or backoffice.submission(reference)
    return dict(row=row, payload=row["payload"], answers=_in_form_order(row["payload"]),
                history=backoffice.history(reference), notes=backoffice.notes(reference),
                checks=backoffice.document_checks(reference),
                rating=services().received_ratings.rating(reference),
                next_statuses=NEXT_STATUSES[row["status"]], age_seconds=_age(row["received"]))


@bp.get("/<reference>")
@staff_only("clerk")
def detail(reference):
    """One application; an address with a slip in its reference finds the one meant."""
    backoffice = services().backoffice
    row = backoffice.submission(reference)
    if row is None:
        how, rows = backoffice.find(reference)
        if len(rows) == 1 and how in ("exact", "corrected"):
            return redirect(url_for("backoffice.detail", reference=rows[0]["reference"]))
        abort(404)
    case = _case(reference, row)
    return render_template("backoffice/detail.html", **case,
                           clerks=services().staff.names("clerk"),
                           undoable=backoffice.undoable(reference, session["staff"],
                                                        history=case["history"]))


@bp.get("/<reference>/sheet")
@staff_only("clerk")
def sheet(reference):
    """The case sheet: one printable page with everything about the application."""
    if services().backoffice.submission(reference) is None:
        abort(404)
    return render_template("backoffice/sheet.html", **_case(reference),
                           qr_svg=qr_svg(reference), printed=_now().isoformat())


@bp.get("/<reference>/complete")
@staff_only("clerk")
def confirm_complete(reference):
    """"Complete this application?": one question before a step that ends the case."""
    case = services().backoffice.submission(reference)
    if case is None:
        abort(404)
    if "completed" not in NEXT_STATUSES[case["status"]]:
        flash(_status_problem(StatusRefused("not_allowed", status="completed")), "error")
        return redirect(url_for("backoffice.detail", reference=reference))
    return render_template("backoffice/complete.html", row=case, payload=case["payload"])


def _in_form_order(payload):
    """The answers in the order the one form asked them (unknown fields last)."""
    catalogue = services().catalogue
    keys = [item["key"] for item in payload["items"] if item["key"] in catalogue.items]
    order = [field.key for field in catalogue.form_fields(keys)]
    answers = payload["answers"]
    return [(key, answers[key]) for key in order if key in answers] + \
        [(key, value) for key, value in answers.items() if key not in order]


def _status_problem(refused):
    """The clerk's words for why a change was refused."""
    if refused.code == "reason_needed":
        return _("Say why the application is returned to the resident.")
    if refused.code == "not_allowed":
        status = refused.details["status"]
        return _("This application cannot become %(status)s now.",
                 status=_(STATUS_LABELS.get(status, status)))
    if refused.code == "undo_too_late":
        return _("This change can no longer be undone: only your own latest change, within "
                 "five minutes.")
    if refused.code == "note_empty":
        return _("Write the note first.")
    if refused.code == "note_too_long":
        return _("A note has at most %(limit)s characters.", limit=refused.details["limit"])
    if refused.code == "note_bad_characters":
        return _("The note holds characters that cannot be kept. Type it again.")
    if refused.code == "no_such_document":
        return _("This application does not list that document.")
    if refused.code == "not_a_clerk":
        return _("Applications can only be assigned to a clerk.")
    return _("There is no application %(reference)s.", reference=refused.details["reference"])


def _casework(reference, action, done_message, anchor=""):
    """Do one thing to an application and go back to it, saying what happened."""
    try:
        action(services().backoffice)
        flash(done_message)
    except StatusRefused as refused:
        flash(_status_problem(refused), "error")
    return redirect(url_for("backoffice.detail", reference=reference) + anchor)


@bp.post("/<reference>/status")
@staff_only("clerk")
def change_status(reference):
    status = request.form.get("status", "")
    return _casework(reference, lambda office: office.change_status(
        reference, status, session["staff"], request.form.get("reason", "")[:500]),
        _("Status changed to %(status)s.", status=_(STATUS_LABELS.get(status, status))))


@bp.post("/<reference>/undo")
@staff_only("clerk")
def undo(reference):
    return _casework(reference, lambda office: office.undo(reference, session["staff"]),
                     _("Undone. The status is back as it was."))


@bp.post("/<reference>/assign")
@staff_only("clerk")
def assign(reference):
    assignee = request.form.get("assignee", "")
    clerks = services().staff.names("clerk")

    def give(office):
        if assignee and assignee not in clerks:
            raise StatusRefused("not_a_clerk")
        office.assign(reference, assignee, session["staff"])
    message = (_("Assigned to %(name)s.", name=assignee) if assignee
               else _("Nobody has this application now."))
    return _casework(reference, give, message, "#assign")


@bp.post("/<reference>/notes")
@staff_only("clerk")
def add_note(reference):
    text = request.form.get("note", "")[:NOTE_LENGTH + 1]
    return _casework(reference, lambda office: office.add_note(
        reference, session["staff"], text), _("Note kept."), "#notes")


@bp.post("/<reference>/documents")
@staff_only("clerk")
def tick_document(reference):
    checked = request.form.get("checked") == "1"
    return _casework(reference, lambda office: office.tick_document(
        reference, request.form.get("document", ""), session["staff"], checked),
        _("Marked as checked.") if checked else _("Marked as not checked."), "#documents")
