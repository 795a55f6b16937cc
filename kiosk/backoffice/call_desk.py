"""Calls for a clerk on the web: the signed API kiosks raise and follow calls through, and
the clerks' list of waiting calls with On my way and Done.

API (signed as submissions are, see kiosk.handoff.verify; errors are JSON):
  POST {base}/calls                 a kiosk.call/1 document -> 201 {id, state, ...}
  GET  {base}/calls/<id>            the call's state -> 200, or 404
  POST {base}/calls/<id>/cancel     the resident cancelled -> 200, 404, or 409 when over
where {base} is /backoffice/api on the built-in back office.
"""
import datetime

from flask import (Blueprint, flash, g, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import ngettext

from ..clerk_call import public
from ..languages import profile
from ..settings import LANGUAGES
from ..web import local_path, services, staff_only
from .calls import CallRefused, CallRejected
from .inbox import Rejected, load_document
from .receiving import refused as _refused, signed_body
from .studio import SCREENS

bp = Blueprint("calls", __name__, url_prefix="/backoffice")
MAX_CALL_BODY = 4 * 1024   # a call document is a couple of hundred bytes


def _signed_body():
    """The request's body when it is small and signed by a kiosk, else the JSON refusal."""
    if (request.content_length or 0) > MAX_CALL_BODY:
        return None, _refused(400, "too_large",
                              f"a call document has at most {MAX_CALL_BODY} bytes")
    return signed_body()


@bp.post("/api/calls")
def receive():
    """Raise a call from a kiosk: 401 unsigned, 400 too large, not JSON or not kiosk.call/1."""
    body, refusal = _signed_body()
    if refusal:
        return refusal
    if request.mimetype != "application/json":
        return _refused(400, "unsupported_type", "send application/json")
    try:
        call = services().calls.raise_call(load_document(body))
    except (Rejected, CallRejected) as error:
        return _refused(400, "invalid", str(error))
    return jsonify(public(call)), 201


@bp.get("/api/calls/<call_id>")
def api_state(call_id):
    _, refusal = _signed_body()
    if refusal:
        return refusal
    call = _own_call(call_id)
    if call is None:
        return _refused(404, "unknown_call", "there is no such call")
    return jsonify(public(call))


@bp.post("/api/calls/<call_id>/cancel")
def api_cancel(call_id):
    _, refusal = _signed_body()
    if refusal:
        return refusal
    if _own_call(call_id) is None:
        return _refused(404, "unknown_call", "there is no such call")
    try:
        return jsonify(public(services().calls.cancel(call_id)))
    except CallRefused as refused:
        if refused.code == "unknown":
            return _refused(404, "unknown_call", "there is no such call")
        return _refused(409, "not_allowed", f"the call is already {refused.state}")


def _own_call(call_id):
    """The call, when the kiosk that signed may see it: with a register of kiosks, only
    its own calls (another kiosk's look the same as none)."""
    call = services().calls.call(call_id)
    if call is not None and g.get("kiosk_id") and call["kiosk_id"] != g.kiosk_id:
        return None
    return call


def init_app(app, csrf):
    # Kiosks sign their requests; there is no browser form to carry a token.
    for view in (receive, api_state, api_cancel):
        csrf.exempt(view)
    app.jinja_env.globals.update(waiting_calls=waiting_calls, screen_label=screen_label,
                                 language_label=language_label, wait_text=wait_text)


def screen_label(screen):
    """A resident screen's name in the clerk's words (the studio's names for them)."""
    return _(SCREENS[screen]) if screen in SCREENS else screen


def language_label(code):
    return profile(code).name if code in LANGUAGES else code


def wait_text(seconds):
    """How long a resident has waited: seconds for the first minute, then minutes."""
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def waiting_calls():
    """The calls a clerk still has to go to, each with how long it has waited (seconds)."""
    now = _now()
    return [{**call, "waited": max(0, int((now - datetime.datetime.fromisoformat(
        call["raised_at"])).total_seconds()))} for call in services().calls.waiting()]


@bp.get("/calls.json")
@staff_only("clerk")
def waiting_json():
    """The waiting calls for the clerks' pages to poll: ids, and the list as the page shows it."""
    calls = waiting_calls()
    return jsonify(ids=[call["id"] for call in calls],
                   html=render_template("backoffice/_calls_list.html", calls=calls,
                                        back=local_path(request.args.get("next"),
                                                        url_for("backoffice.inbox"))),
                   announce={call["id"]: _("New call for a clerk: %(kiosk)s",
                                           kiosk=call["kiosk_name"]) for call in calls})


def _move(call_id, change, done_message):
    try:
        change(services().calls)
        flash(done_message)
    except CallRefused as refused:
        flash(_("There is no such call.") if refused.code == "unknown" else
              _("This call has already been answered or closed."), "error")
    return redirect(local_path(request.form.get("next"), url_for("backoffice.inbox")))


@bp.post("/calls/<call_id>/on-my-way")
@staff_only("clerk")
def on_my_way(call_id):
    return _move(call_id, lambda calls: calls.on_my_way(call_id, session["staff"]),
                 _("The kiosk says you are on your way."))


@bp.post("/calls/<call_id>/done")
@staff_only("clerk")
def done(call_id):
    return _move(call_id, lambda calls: calls.done(call_id, session["staff"]),
                 _("The call is done."))
