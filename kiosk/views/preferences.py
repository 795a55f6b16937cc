"""Language, accessibility modes, "Start over" and the idle timeout: available on every screen."""
from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from .. import flow, headphones
from ..settings import LANGUAGES
from ..web import local_path, services, state

bp = Blueprint("preferences", __name__)
VOLUME_STEP = 0.1  # a resident's volume goes back to kiosk.ini's when the session ends
# Modes a long press or the keypad's help key turns on (never off: a second long press, or
# a press sent twice, must not silence a resident who cannot see the screen).
TURNED_ON_WITHOUT_SIGHT = ("speech",)


@bp.post("/preferences")
def change():
    """Switch language or an accessibility mode, keeping whatever was typed on the page."""
    resident = state()
    keep_typed(resident, request.form)
    language = request.form.get("lang")
    if language in LANGUAGES:
        resident["lang"] = language
        resident["changed"] = [f"language.{language}"]
    step = {"up": VOLUME_STEP, "down": -VOLUME_STEP}.get(request.form.get("volume"))
    if step:
        volume = resident.get("volume", services().settings.speech.volume) + step
        resident["volume"] = round(min(1.0, max(0.1, volume)), 2)
    mode = request.form.get("toggle")
    if mode in flow.ACCESSIBILITY_MODES + flow.MODE_OPTIONS:
        modes = dict(resident.get("modes", {}))
        modes[mode] = not flow.mode_on(modes, mode)
        resident["modes"] = modes
        if modes[mode] and mode in flow.ACCESSIBILITY_MODES:
            resident["modes_used"] = sorted(set(resident.get("modes_used", [])) | {mode})
        # Read aloud says what the tap changed on the next screen, before its guidance.
        resident["changed"] = [f"mode.{mode}_{'on' if modes[mode] else 'off'}"]
    if request.form.get("headphones") in headphones.CHANGES:
        headphones.switch(resident, request.form["headphones"],
                          request.form.get("headphone_outputs", ""))
    if request.form.get("turn_on") in TURNED_ON_WITHOUT_SIGHT:
        turn_on_without_sight(resident, request.form["turn_on"])
    resident.modified = True
    return redirect(local_path(request.form.get("next"), url_for("packages.home")))


def keep_typed(resident, posted):
    """Keep what was typed on a form or eligibility step whose own form was posted here
    (a language switch, a mode, a call for a clerk), without checking it yet."""
    catalogue = services().catalogue
    if posted.get("draft") == "form" and resident.get("package"):
        flow.keep_draft(resident, catalogue, posted)
    elif posted.get("draft") == "eligibility" and resident.get("package"):
        flow.keep_eligibility_draft(resident, catalogue, posted)


@bp.get("/reach-zone.css")
def reach_zone():
    """Wheelchair mode's reach line from kiosk.ini [screen], as a CSS custom property
    (a stylesheet of the kiosk's own: the page's security policy allows no inline style)."""
    top = services().settings.screen.reach_top_percent
    return Response(f":root {{ --reach-top: {top:g}vh; }}\n", mimetype="text/css")


def turn_on_without_sight(resident, mode):
    """Read aloud turned on by a long press or the help key: the next screen says so, then
    how to go on without seeing the screen, then its own guidance."""
    modes = dict(resident.get("modes", {}))
    modes[mode] = True
    resident["modes"] = modes
    resident["modes_used"] = sorted(set(resident.get("modes_used", [])) | {mode})
    resident["changed"] = [f"mode.{mode}_on", "guide.speech_started"]


@bp.post("/still-here")
def still_here():
    """Someone is busy on one page (typing, recording) without loading another: the session
    is saved again by answering, so its idle time starts anew and it does not expire
    under them. kiosk.js calls this now and then while the screen is being used."""
    return "", 204


@bp.post("/more-time")
def more_time():
    """"I need more time" in the idle dialog: this resident's idle time is doubled, once, for
    the rest of their session (a slow reader or a slow hand is not hurried twice)."""
    resident = state()
    resident["more_time"] = True
    resident.modified = True
    # The page doubles its own idle time (a screen may have its own, as the receipt does).
    return jsonify(factor=2)


@bp.get("/start-over")
def confirm_start_over():
    return render_template("screens/start_over.html",
                           back=local_path(request.args.get("next"), url_for("packages.home")))


@bp.post("/start-over")
def start_over():
    """Wipe everything the resident chose and typed, and go back to the home screen."""
    state().wipe()
    return redirect(url_for("packages.home"))
