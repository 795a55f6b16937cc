"""Residents' ratings (好差评) on the back office's web: the signed receiving API, the
Ratings page (counts per level by period and package, share satisfied, and every
dissatisfied rating to follow up), follow-up statuses and CSV."""
import datetime

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask import session
from flask_babel import gettext as _

from ..messages import N_
from ..ratings import LEVEL_LABELS, LEVELS, REASON_LABELS
from ..times import local_text
from ..web import services, staff_only
from .clerks import ClerkWording
from .export import ratings_csv
from .inbox import Rejected, StatusRefused, load_document
from .ratings import FOLLOW_UP_STATUSES, PERIODS, UnknownApplication
from .receiving import signed_json

bp = Blueprint("ratings", __name__, url_prefix="/backoffice")
FOLLOW_UP_LABELS = {"open": N_("Open"), "contacted": N_("Contacted"),
                    "resolved": N_("Resolved")}
PERIOD_LABELS = {"month": N_("By month"), "week": N_("By week")}


@bp.post("/api/ratings")
def receive():
    """Receive one kiosk.rating/1: 401 for a bad signature, 415 for a body that is not
    JSON, 400 (with the reason) for one that breaks the schema, 422 for an application
    this back office does not have."""
    body, refusal = signed_json()
    if refusal:
        return refusal
    kiosk = services()
    try:
        outcome = kiosk.received_ratings.receive(load_document(body))
    except UnknownApplication as error:
        return jsonify(error="unknown_application", message=str(error)), 422
    except Rejected as error:
        return jsonify(error="invalid", message=str(error)), 400
    return jsonify(status=outcome), 201 if outcome == "created" else 200


def init_app(app, csrf):
    # Machines sign their requests; there is no browser form to carry a token.
    csrf.exempt(receive)
    globals_ = app.jinja_env.globals
    globals_["follow_up_label"] = lambda status: _(FOLLOW_UP_LABELS.get(status, status))
    globals_["rating_label"] = lambda level: _(LEVEL_LABELS.get(level, level))
    globals_["reason_label"] = lambda code: _(REASON_LABELS.get(code, code))


def _filters():
    """The page's filters from the address; anything else falls back to the default."""
    args = request.args
    filters = {"period": args.get("period") if args.get("period") in PERIODS else "month",
               "package": args.get("package") if args.get("package") in
               services().catalogue.packages else None}
    for name in ("since", "until"):
        try:
            filters[name] = datetime.date.fromisoformat(args.get(name, "")[:10]).isoformat()
        except ValueError:
            filters[name] = None
    status = args.get("follow_up")
    filters["follow_up"] = status if status in FOLLOW_UP_STATUSES else None
    return filters


def _kept(filters):
    return {name: value for name, value in filters.items() if value and
            not (name == "period" and value == "month")}


@bp.get("/ratings")
@staff_only("clerk", "operator")
def ratings():
    filters = _filters()
    received = services().received_ratings
    chosen = {name: filters[name] for name in ("since", "until", "package")}
    return render_template(
        "backoffice/ratings.html", filters=filters, kept=_kept(filters),
        periods=received.summary(filters["period"], **chosen),
        follow_ups=received.follow_ups(filters["follow_up"], **chosen),
        levels=LEVELS, level_labels=LEVEL_LABELS, reason_labels=REASON_LABELS,
        follow_up_statuses=FOLLOW_UP_STATUSES, period_labels=PERIOD_LABELS,
        today=datetime.datetime.now(services().settings.time_zone).date().isoformat(),
        follow_up_days=services().settings.ratings.follow_up_working_days,
        holidays=sorted(services().settings.ratings.holidays))


@bp.post("/ratings/<reference>/follow-up")
@staff_only("clerk")
def follow_up(reference):
    """A clerk moves a follow-up on: open, contacted, resolved (kept in the history)."""
    status = request.form.get("follow_up", "")
    try:
        services().received_ratings.set_follow_up(reference[:40], status, session["staff"])
        flash(_("Follow-up of %(reference)s: %(status)s.", reference=reference[:40],
                status=_(FOLLOW_UP_LABELS[status])))
    except StatusRefused as refused:
        flash(_("There is no dissatisfied rating %(reference)s to follow up.",
                reference=reference[:40]) if refused.code == "no_follow_up" else
              _("Choose open, contacted or resolved."), "error")
    kept = {name: value for name, value in request.form.items() if name in
            ("period", "package", "since", "until", "follow_up_filter") and value}
    if "follow_up_filter" in kept:
        kept["follow_up"] = kept.pop("follow_up_filter")
    return redirect(url_for("ratings.ratings", **kept) + "#follow-ups")


class ClerkRatingWording(ClerkWording):
    """The ratings CSV in the clerk's language, times in the hall's zone (packages as the
    inbox's CSV words them)."""

    HEADERS = {"reference": N_("Reference"), "rated": N_("Rated at"), "kiosk": N_("Kiosk"),
               "package": N_("Package"), "level": N_("Rating"), "reasons": N_("Reasons"),
               "due": N_("Follow up by"), "follow_up": N_("Follow-up")}

    def rated(self, row):
        return local_text(row["rated"], self.zone)

    def level(self, row):
        return _(LEVEL_LABELS[row["level"]])

    def reasons(self, row):
        return "; ".join(_(REASON_LABELS[code]) for code in row["reasons"])

    def follow_up(self, row):
        return _(FOLLOW_UP_LABELS[row["follow_up"]]) if row["follow_up"] else ""


@bp.get("/ratings.csv")
@staff_only("clerk", "operator")
def export():
    """The dissatisfied ratings to follow up as CSV (`?all=1`: every rating), in the
    clerk's language, or `?format=codes` for systems."""
    filters = _filters()
    received = services().received_ratings
    chosen = {name: filters[name] for name in ("since", "until", "package")}
    rows = (received.rows(**chosen) if request.args.get("all")
            else received.follow_ups(filters["follow_up"], **chosen))
    codes = request.args.get("format") == "codes"
    wording = None if codes else ClerkRatingWording(services().catalogue,
                                                    services().settings.time_zone)
    name = "ratings-codes.csv" if codes else "ratings.csv"
    return Response(ratings_csv(rows, wording), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
