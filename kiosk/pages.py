"""What every page shares: headers for a shared device, calm error pages, page context."""
import datetime
import functools
import logging
import sqlite3
from collections import namedtuple

import sqlalchemy

from flask import has_request_context, jsonify, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf
from jinja2 import pass_context
from werkzeug.exceptions import HTTPException

from .card_texts import format_fee, time_limit_text
from .errors import BadRequest, StepNotReady
from .flow import ACCESSIBILITY_MODES, MODE_OPTIONS, date_parts, mode_on
from .i18n import current_language, local, page_gettext
from .times import local_text
from .messages import ERROR_PAGES, HEADPHONE_NOTICES, ID_TYPE_LABELS, MODE_LABELS, STATUS_LABELS
from .mode_toggles import mode_label, mode_toggle_rows
from .validators import EARLIEST_YEAR, ID_TYPES, mask
from .web import go_to_step, services, state

log = logging.getLogger(__name__)
Choice = namedtuple("Choice", "value text")
# How each kind of answer is typed on a touchscreen: the right keyboard, no spelling fixes.
INPUT_ATTRIBUTES = {
    "phone": {"type": "tel", "inputmode": "tel"},
    # type=email would hide the caret position the on-screen keyboard types at.
    "email": {"type": "text", "inputmode": "email", "spellcheck": False},
    "number": {"type": "text", "inputmode": "numeric"},
    "id_number": {"type": "text", "spellcheck": False},
}

# The on-screen keyboard each kind of answer needs; names, texts and addresses get the
# screen language's own (pinyin or handwriting, QWERTY, Hangul).
KEYBOARDS = {"name": "name", "text": "text", "address": "text", "id_number": "id",
             "phone": "phone", "number": "number", "email": "email", "date": "digits"}

# Only the kiosk's own files: nothing may be fetched from anywhere else.
# Read-backs of a resident's answers play from blob: URLs made in the page itself.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
                           "style-src 'self'; script-src 'self'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def init_app(app):
    app.jinja_env.globals.update(static_url=static_url, url_for=page_url_for,
                                 mode_toggle_rows=mode_toggle_rows)
    app.jinja_env.filters["mode_label"] = mode_label
    # A clerk's inbox says fifty statuses a page.
    app.jinja_env.globals["status_label"] = pass_context(
        lambda context, status: page_gettext(context, STATUS_LABELS.get(status, status)))
    # Stored times are UTC: shown in the hall's zone, labelled with its offset.
    app.jinja_env.filters["hall_time"] = lambda iso: local_text(iso, services().settings.time_zone)
    app.before_request(refuse_without_storage)
    app.after_request(shared_device_headers)
    app.context_processor(page_context)
    app.register_error_handler(StepNotReady, lambda error: go_to_step(error.step))
    app.register_error_handler(BadRequest, not_possible)
    app.register_error_handler(CSRFError, expired_form)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(sqlite3.Error, storage_error)
    # The back office's database (SQLite or PostgreSQL) gone or not answering.
    app.register_error_handler(sqlalchemy.exc.OperationalError, storage_error)
    app.register_error_handler(Exception, unexpected_error)


def page_url_for(endpoint, **values):
    """url_for, with each distinct address worked out once. An address depends only on its
    endpoint, its values and where the kiosk is mounted (no URL defaults or host routing
    here), and a screen builds the same ones on every view: its forms' actions, its files,
    and with read aloud on, a prompt's audio for each control."""
    if endpoint.startswith(".") or values.get("_external") or not has_request_context():
        return url_for(endpoint, **values)
    try:
        return _url(request.script_root, endpoint, tuple(values.items()))
    except TypeError:   # a value that cannot be a key (a list, say): worked out each time
        return url_for(endpoint, **values)


@functools.lru_cache(maxsize=4096)
def _url(script_root, endpoint, values):
    return url_for(endpoint, **dict(values))


def static_url(filename):
    """The address of one of the kiosk's own files: url_for('static', filename=…)."""
    return page_url_for("static", filename=filename)


# Responses that hold nothing personal and may be cached: the kiosk's files and prompt audio.
PUBLIC_ENDPOINTS = {"static", "speech.prompt", "voice.say", "signs.clip_file", "signs.captions"}


def shared_device_headers(response):
    """Nothing a resident saw may be kept by the browser for the next person."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def page_context():
    language = current_language()
    modes = {mode: mode_on(state().get("modes", {}), mode)
             for mode in ACCESSIBILITY_MODES + MODE_OPTIONS}
    return {"modes": modes, "MODE_LABELS": MODE_LABELS, "settings": services().settings,
            # What a language switch or toggle just changed: said once, on the next screen.
            "changed": state().pop("changed", []),
            # Headphones plugged in or out (kiosk/headphones.py): shown once, on the next screen.
            "headphones_notice": state().pop("headphones_notice", None),
            "headphones_plugged": state().get("headphones"), "HEADPHONE_NOTICES": HEADPHONE_NOTICES,
            # A page puts its anti-forgery token in a dozen forms (fifty on Add another
            # service); Flask-WTF reads its settings again for each: once a page is enough.
            "csrf_token": functools.cache(generate_csrf),
            "catalogue": services().catalogue, "format_fee": format_fee,
            "service_texts": lambda item: services().card_texts.service(item, language),
            "package_texts": lambda package: services().card_texts.package(package, language),
            "field_options": field_options, "answer_text": answer_text,
            "input_attributes": input_attributes, "time_limit_text": time_limit_text,
            "keyboard_for": keyboard_for, "date_parts": date_parts, "year_range": year_range,
            "mask": mask, "kiosk_name": services().settings.kiosk_names[language]}


def input_attributes(form_field):
    """HTML attributes for a field's input: the right OS keyboard, no spelling fixes."""
    return dict(INPUT_ATTRIBUTES.get(form_field.type, {}))


def keyboard_for(form_field):
    """Which on-screen keyboard a field needs (kiosk-keyboard.js knows each by this name)."""
    return KEYBOARDS.get(form_field.type, "text")


def year_range(form_field, today=None):
    """(first, last) year the date picker offers: a past date cannot be next year."""
    this_year = (today or datetime.date.today()).year
    first = this_year if form_field.date_range == "future" else EARLIEST_YEAR
    last = this_year if form_field.date_range == "past" else this_year + 100
    return first, last


def field_options(form_field):
    """[(value, text)] offered by a choice or kind-of-ID field, in the screen's language."""
    if form_field.type == "id_type":
        return [Choice(value, _(ID_TYPE_LABELS[value])) for value in ID_TYPES]
    return [Choice(option.value, local(option.label)) for option in form_field.options]


def answer_text(form_field, value):
    """An answer as the resident should read it back (a choice's label, not its key)."""
    for option in field_options(form_field) if form_field.type in ("choice", "id_type") else ():
        if option.value == value:
            return option.text
    return value


def error_page(status, name):
    heading, message = ERROR_PAGES[name]
    return render_template("screens/error.html", heading=_(heading), message=_(message),
                           error_name=name), status


def not_possible(error):
    log.warning("refused a post that names nothing the kiosk offers: %s", error)
    return error_page(400, "not_possible")


def expired_form(error):
    log.warning("refused a form without a valid security token: %s", error.description)
    if wants_json():
        return jsonify(error="expired", message="the security token is missing or expired"), 400
    return error_page(400, "expired")


HTTP_ERROR_PAGES = {403: "not_your_role", 404: "not_found", 413: "too_long",
                    405: "wrong_method"}


# Machine-facing endpoints answer errors in JSON, not with a page.
JSON_BLUEPRINTS = {"speech", "voice", "input", "distribution"}
JSON_ENDPOINTS = {"backoffice.receive", "preferences.still_here", "calls.receive",
                  "calls.api_state", "calls.api_cancel", "calls.waiting_json",
                  "call.state_json"}


def wants_json():
    """Machines and scripts get errors in JSON, people get a page. Everything under
    /backoffice/api/ is for kiosks (submissions, ratings, calls, heartbeats, catalogue,
    clips)."""
    return (request.blueprint in JSON_BLUEPRINTS or request.endpoint in JSON_ENDPOINTS
            or request.path.startswith("/backoffice/api/")
            or request.accept_mimetypes.best == "application/json")   # e.g. a studio upload


def http_error(error):
    if wants_json():
        return jsonify(error=HTTP_ERROR_PAGES.get(error.code, "bad_request"),
                       message=error.description), error.code or 400
    return error_page(error.code or 400, HTTP_ERROR_PAGES.get(error.code, "out_of_date"))


def refuse_without_storage():
    """While the database cannot be read, every page but the kiosk's own files says so."""
    if getattr(session, "unavailable", False) and request.endpoint not in PUBLIC_ENDPOINTS:
        return storage_page()
    return None


def storage_error(error):
    log.error("the database failed on %s %s: %s", request.method, request.path, error)
    # Saving this request's session would only fail again, or save half a step.
    session.unavailable = True
    return storage_page()


def storage_page():
    if wants_json():
        return jsonify(error="storage", message="the kiosk's database cannot be used"), 503
    return error_page(503, "storage")


def unexpected_error(error):
    log.exception("unexpected error on %s %s", request.method, request.path)
    if wants_json():
        return jsonify(error="unexpected", message="the back office could not do this; "
                       "it is logged"), 500
    return error_page(500, "unexpected")
