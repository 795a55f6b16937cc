"""The status page for the hall's operator: what works on this kiosk and what is missing,
with one verdict at the top."""
from flask import Blueprint, render_template, session

from ..messages import N_
from ..printing.states import ATTENTION as PRINTER_ATTENTION, STATE_LABELS as PRINTER_STATE_LABELS
from ..readiness import signs_to_record, unspoken_prompts
from ..web import services

bp = Blueprint("status", __name__)


# Submissions waiting this long for the back office need someone to look.
STALE_PENDING_SECONDS = 3600
# Prompt keys named where speech or a sign clip is missing; the count says the rest.
EXAMPLE_KEYS = 5


@bp.get("/status")
def status():
    kiosk = services()
    speech = kiosk.speech
    handoff = kiosk.outbox.status()
    sign_problems = kiosk.signs.problems
    attention = needs_attention(kiosk, handoff, sign_problems)
    keys = kiosk.prompts.keys()
    return render_template(
        "screens/status.html", attention=attention, handoff=handoff,
        speech_ready=speech.available(),
        speech_problem=(speech.engine.error if speech.engine else None),
        missing_voices=speech.missing_voices,
        cache_megabytes=round(speech.cache.size / 1e6, 1),
        speech_format=speech.format.name, format_problem=speech.format_problem,
        voice_models=kiosk.voice.status(),
        pending=handoff["pending"],
        unspoken=unspoken_prompts(speech, kiosk.prompts),
        to_record=signs_to_record(kiosk.signs, kiosk.prompts, kiosk.settings.signs),
        example_keys=EXAMPLE_KEYS,
        sign_coverage={sign_language: kiosk.signs.coverage(keys, sign_language)
                       for sign_language in kiosk.settings.signs.sign_languages.values()},
        sign_problems=sign_problems,
        submissions=kiosk.store.db["submissions"].count,
        printer=kiosk.printer, printer_state=kiosk.printer.state(),
        printer_state_labels=PRINTER_STATE_LABELS,
        # File paths and the engines' own messages tell an attacker about the machine:
        # for signed-in staff only.
        details=bool(session.get("staff")))


def needs_attention(kiosk, handoff, sign_problems):
    """What the operator should look at, as message ids (empty: all is well)."""
    found = []
    # A kiosk left in an outage rehearsal would never hand anything to the hall's system.
    if kiosk.outbox.target.name == "failing-demo":
        found.append(N_("Hand-off is set to the failing-demo target, which fails on purpose "
                        "to rehearse an outage: set [handoff] target back in kiosk.ini."))
    if handoff["dead"]:
        found.append(N_("Some applications could not be handed off (dead letters): "
                        "flask --app kiosk handoff status"))
    if (handoff["oldest_pending_seconds"] or 0) > STALE_PENDING_SECONDS:
        found.append(N_("Applications have waited over an hour for the back office."))
    if kiosk.settings.speech.enabled and not kiosk.speech.available():
        found.append(N_("Read aloud is turned on but not working."))
    elif kiosk.speech.format_problem:
        found.append(N_("Read aloud keeps its prompts as WAV, because Ogg Opus is not "
                        "available: install libopus0 and libsoxr0 or raise [speech] cache_max_mb."))
    if sign_problems:
        found.append(N_("The sign-language clip library has problems."))
    if any(model.state == "failed" for model in kiosk.voice.status().values()):
        found.append(N_("A voice input model failed to load."))
    # Residents are offered the QR code and read aloud instead, but someone should refill it.
    if kiosk.printer.state() in PRINTER_ATTENTION:
        found.append(PRINTER_ATTENTION[kiosk.printer.state()])
    return found
