"""Two roles, one package: a kiosk, or the central back office of a district's kiosks.

No Flask here but the request hook. A kiosk serves residents (screens, speech, voice,
signs, outbox) and has its back office built in. The central back office ([server] role =
backoffice) serves only the hall's staff and the kiosks' signed requests: its speech and
voice settings are switched off before anything is built, so it never loads the speech
engine or a voice model, and the resident screens answer 404 there.
"""
import dataclasses

from flask import redirect, request, url_for
from werkzeug.exceptions import NotFound

CENTRAL = "backoffice"
# What the central back office serves: staff sign-in, the clerks' pages and APIs, and the
# language and display choices of the top bar those pages share with the kiosk.
CENTRAL_BLUEPRINTS = {"staff", "backoffice", "calls", "ratings", "preferences", "fleet",
                      "catalogue_pages", "distribution", "health"}


def is_central(settings):
    return settings.role == CENTRAL


def for_role(settings):
    """The settings a machine of this role runs with: the central back office never
    speaks, listens or warms a cache, whatever the rest of its kiosk.ini says."""
    if not is_central(settings):
        return settings
    return dataclasses.replace(
        settings,
        speech=dataclasses.replace(settings.speech, enabled=False, warm_at_start=False),
        voice=dataclasses.replace(settings.voice, enabled=False, load_at_start=False))


def init_app(app):
    """In the central role, send the front door to the back office and refuse the rest
    of the kiosk's own pages."""
    if is_central(app.extensions["kiosk"].settings):
        app.before_request(_central_pages_only)


def _central_pages_only():
    if request.endpoint == "static" or request.blueprint in CENTRAL_BLUEPRINTS:
        return None
    if request.path == "/":
        return redirect(url_for("backoffice.inbox"))
    raise NotFound()
