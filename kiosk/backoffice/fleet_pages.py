"""The fleet on the back office's web: the signed API kiosks send heartbeats to, and the
fleet page, where clerks see every kiosk's state and why, updated without reloading.

API (signed as submissions are, see kiosk.handoff.verify; errors are JSON):
  POST {base}/heartbeats    a kiosk.heartbeat/1 document -> 201 (first) or 200 (later)
where {base} is /backoffice/api on the built-in back office.
"""
import datetime

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _

from ..messages import N_
from ..web import services, staff_only
from .fleet import gigabytes, reason_text
from .inbox import Rejected, load_document
from .receiving import refused, signed_json

bp = Blueprint("fleet", __name__, url_prefix="/backoffice")
# A report is about 1 KB; anything much larger is not one.
MAX_HEARTBEAT_BODY = 16 * 1024
STATE_LABELS = {"ok": N_("OK"), "warning": N_("Warning"), "down": N_("Down")}


@bp.post("/api/heartbeats")
def receive():
    """Keep a kiosk's heartbeat: 401 unsigned, 413 too large, 415 not JSON, 400 (with the
    reason) for one that breaks kiosk.heartbeat/1; 201 for a kiosk's first, 200 after."""
    if (request.content_length or 0) > MAX_HEARTBEAT_BODY:
        return refused(413, "too_large", f"a heartbeat has at most {MAX_HEARTBEAT_BODY} bytes")
    body, refusal = signed_json()
    if refusal:
        return refusal
    try:
        outcome = services().fleet.receive(load_document(body))
    except Rejected as error:
        return refused(400, "invalid", str(error))
    return jsonify(status=outcome), 201 if outcome == "created" else 200


def init_app(app, csrf):
    # Kiosks sign their requests; there is no browser form to carry a token.
    csrf.exempt(receive)
    app.jinja_env.globals.update(
        fleet_state_label=lambda state: _(STATE_LABELS.get(state, state)),
        fleet_reason=lambda reason: reason_text(reason, _), gigabytes=gigabytes)


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


@bp.get("/fleet")
@staff_only("clerk", "operator")
def fleet():
    """Every kiosk, its state and why, versions, outbox, disk and when it was last heard."""
    kiosks = services().fleet.kiosks(_now())
    return render_template("backoffice/fleet.html", kiosks=kiosks, counts=_counts(kiosks))


@bp.get("/fleet.json")
@staff_only("clerk", "operator")
def fleet_json():
    """The fleet for the page to poll: each kiosk's state, the table as the page shows it,
    and a sentence for each kiosk whose state the page may announce."""
    kiosks = services().fleet.kiosks(_now())
    return jsonify(
        states={kiosk["kiosk_id"]: kiosk["state"] for kiosk in kiosks},
        html=render_template("backoffice/_fleet_table.html", kiosks=kiosks,
                             counts=_counts(kiosks)),
        announce={kiosk["kiosk_id"]: _("%(kiosk)s (%(id)s) is now: %(state)s",
                                       kiosk=kiosk["name"], id=kiosk["kiosk_id"],
                                       state=_(STATE_LABELS[kiosk["state"]]))
                  for kiosk in kiosks})


def _counts(kiosks):
    return {state: sum(kiosk["state"] == state for kiosk in kiosks) for state in STATE_LABELS}
