"""The status page for the hall's operator: what works on this kiosk and what is missing."""
from flask import Blueprint, render_template, session

from ..web import services

bp = Blueprint("status", __name__)


@bp.get("/status")
def status():
    kiosk = services()
    speech = kiosk.speech
    return render_template(
        "screens/status.html",
        speech_ready=speech.available(),
        speech_problem=(speech.engine.error if speech.engine else None),
        missing_voices=speech.missing_voices,
        cache_megabytes=round(speech.cache.size / 1e6, 1),
        voice_models=kiosk.voice.status(),
        pending=kiosk.store.db["outbox"].count_where("status = ?", ["pending"]),
        sign_coverage={sign_language: kiosk.signs.coverage(kiosk.prompts.keys(), sign_language)
                       for sign_language in kiosk.settings.signs.sign_languages.values()},
        sign_problems=kiosk.signs.problems,
        submissions=kiosk.store.db["submissions"].count,
        # File paths and the engines' own messages tell an attacker about the machine:
        # for signed-in staff only.
        details=bool(session.get("staff")))
