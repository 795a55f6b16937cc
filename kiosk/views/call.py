"""Call a clerk: on every resident screen; a page that says a clerk is coming and follows
the call, with the way back to the application and a way to cancel.

The session keeps only the call's id, its last known state and the screen to go back to.
The call itself carries the kiosk, the screen's name, the language and the modes in use,
never an answer (kiosk.clerk_call.call_document).
"""
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from ..backoffice.calls import SCREEN_PATTERN, WAITING_STATES
from ..clerk_call import CallUnknown, DeskUnreachable, call_document
from ..flow import ACCESSIBILITY_MODES, MODE_OPTIONS
from ..prompts import CALL_STATES
from ..i18n import current_language
from ..web import local_path, services, state
from .preferences import keep_typed

bp = Blueprint("call", __name__, url_prefix="/call-clerk")


def _modes_in_use(resident):
    modes = resident.get("modes", {})
    return [mode for mode in ACCESSIBILITY_MODES + MODE_OPTIONS if modes.get(mode)]


@bp.post("")
def raise_call():
    """Raise a call (once: while one is waiting, this only shows it again), keeping what
    was typed on the screen the resident came from."""
    resident = state()
    keep_typed(resident, request.form)
    back = local_path(request.form.get("next"), url_for("packages.home"))
    current = resident.get("call") or {}
    if current.get("id") and current.get("state") in WAITING_STATES:
        resident["call"] = {**current, "back": back}
        return redirect(url_for("call.waiting"))
    screen = request.form.get("screen", "")
    screen = screen if SCREEN_PATTERN.fullmatch(screen) else "unknown"
    document = call_document(services().settings, screen, current_language(),
                             _modes_in_use(resident))
    try:
        call = services().desk.raise_call(document)
        resident["call"] = {"id": call["id"], "state": call["state"], "back": back}
    except DeskUnreachable as error:
        current_app.logger.warning("a call for a clerk could not be sent: %s", error)
        resident["call"] = {"id": None, "state": "failed", "back": back}
    resident.modified = True
    return redirect(url_for("call.waiting"))


def _followed(resident):
    """The call in the session with its state as the back office says now ("unknown"
    while the back office cannot be reached: the last known state stays)."""
    call = dict(resident.get("call") or {})
    if not call.get("id") or call.get("state") not in WAITING_STATES:
        return call, False
    try:
        call["state"] = services().desk.state(call["id"])["state"]
    except CallUnknown:
        call["state"] = "done"
    except DeskUnreachable:
        return call, True
    if call["state"] != resident["call"].get("state"):
        resident["call"] = call
        resident.modified = True
    return call, False


@bp.get("")
def waiting():
    """"A clerk is coming": the kiosk's name, the call's state, back and cancel."""
    resident = state()
    if not resident.get("call"):
        return redirect(url_for("packages.home"))
    call, out_of_touch = _followed(resident)
    return render_template("screens/call_clerk.html", call=call, out_of_touch=out_of_touch,
                           CALL_STATES=CALL_STATES)


@bp.get("/state.json")
def state_json():
    """The call's state for the waiting page to poll."""
    resident = state()
    if not resident.get("call"):
        return jsonify(error="no_call", message="this session has no call for a clerk"), 404
    call, out_of_touch = _followed(resident)
    return jsonify(state=call["state"], reachable=not out_of_touch)


@bp.post("/cancel")
def cancel():
    """The resident no longer needs a clerk."""
    resident = state()
    call = dict(resident.get("call") or {})
    if call.get("id") and call.get("state") in WAITING_STATES:
        try:
            call["state"] = services().desk.cancel(call["id"])["state"]
        except CallUnknown:
            call["state"] = "done"
        except DeskUnreachable as error:
            current_app.logger.warning("a call for a clerk could not be cancelled: %s", error)
        resident["call"] = call
        resident.modified = True
    return redirect(url_for("call.waiting"))
