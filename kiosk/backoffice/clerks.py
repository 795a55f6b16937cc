"""The built-in back office on the web: the signed receiving API and the clerks' pages."""
import datetime

from flask import (Blueprint, Response, abort, flash, jsonify, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _

from .inbox import NEXT_STATUSES, STATUSES, Rejected, StatusRefused, load_document
from ..messages import STATUS_LABELS
from ..validators import mask
from ..handoff import verify
from ..web import services, staff_required

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")
MAX_BODY = 256 * 1024


@bp.post("/api/submissions")
def receive():
    """Receive one kiosk.submission/1: 401 for a bad signature, 415 for a body that is not
    JSON, 400 (with the reason) for one that breaks the schema."""
    kiosk = services()
    body = request.get_data(cache=False)
    problem = verify(kiosk.handoff_secret, request.headers, body,
                     kiosk.settings.handoff.max_clock_skew_seconds)
    if problem:
        return jsonify(error="unauthorized", message=problem), 401
    if request.mimetype != "application/json":
        return jsonify(error="unsupported_type", message="send application/json"), 415
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


def limit_api_body():
    if request.endpoint == "backoffice.receive":
        request.max_content_length = MAX_BODY


def _filters():
    """The inbox's filters from the address; a date that is no date is left out."""
    filters = {name: request.args.get(name) or None for name in ("status", "package")}
    for name in ("since", "until"):
        try:
            filters[name] = datetime.date.fromisoformat(request.args.get(name, "")).isoformat()
        except ValueError:
            filters[name] = None
    return filters


@bp.get("")
@staff_required
def inbox():
    filters = _filters()
    rows = services().backoffice.submissions(**filters, zone=services().settings.time_zone)
    return render_template("backoffice/inbox.html", rows=rows, filters=filters,
                           statuses=STATUSES, mask=mask)


@bp.get("/export.csv")
@staff_required
def export():
    backoffice = services().backoffice
    zone = services().settings.time_zone
    rows = backoffice.submissions(**_filters(), zone=zone)
    return Response(backoffice.csv_export(rows, zone), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=submissions.csv"})


@bp.get("/summary")
@staff_required
def summary():
    return render_template("backoffice/summary.html",
                           summary=services().backoffice.summary(services().catalogue))


@bp.get("/<reference>")
@staff_required
def detail(reference):
    backoffice = services().backoffice
    row = backoffice.submission(reference)
    if row is None:
        abort(404)
    return render_template("backoffice/detail.html", row=row, payload=row["payload"],
                           answers=_in_form_order(row["payload"]),
                           history=backoffice.history(reference),
                           next_statuses=NEXT_STATUSES[row["status"]])


def _in_form_order(payload):
    """The answers in the order the one form asked them (unknown fields last)."""
    catalogue = services().catalogue
    keys = [item["key"] for item in payload["items"] if item["key"] in catalogue.items]
    order = [field.key for field in catalogue.form_fields(keys)]
    answers = payload["answers"]
    return [(key, answers[key]) for key in order if key in answers] + \
        [(key, value) for key, value in answers.items() if key not in order]


def _status_problem(refused):
    if refused.code == "reason_needed":
        return _("Say why the application is returned to the resident.")
    if refused.code == "not_allowed":
        status = refused.details["status"]
        return _("This application cannot become %(status)s now.",
                 status=_(STATUS_LABELS.get(status, status)))
    return _("There is no application %(reference)s.", reference=refused.details["reference"])


@bp.post("/<reference>/status")
@staff_required
def change_status(reference):
    try:
        services().backoffice.change_status(reference, request.form.get("status", ""),
                                            session["staff"], request.form.get("reason", ""))
        flash(_("Status changed."))
    except StatusRefused as refused:
        flash(_status_problem(refused), "error")
    return redirect(url_for("backoffice.detail", reference=reference))
