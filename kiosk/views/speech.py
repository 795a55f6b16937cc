"""Read aloud on the web: prompt audio by prompt key, and private read-backs of answers."""
import logging
import re

from flask import Blueprint, Response, jsonify, redirect, request, send_file, url_for
from markupsafe import Markup, escape

from .. import flow
from ..i18n import current_language
from ..languages import profile
from ..pages import answer_text, page_url_for
from ..prompts import COLON, sentences
from ..settings import LANGUAGES
from ..speech import SpeechUnavailable
from ..validators import printable
from ..web import services, state

log = logging.getLogger(__name__)
bp = Blueprint("speech", __name__, url_prefix="/speech")
ONE_YEAR = 365 * 24 * 3600
SPEEDS = {"normal": False, "slow": True}
# How read aloud is used: one tap acts (speech), or a first tap only speaks (explore).
WAYS = ("speech", "explore")
# Answers read one character at a time, so a resident can check them digit by digit.
SPELLED_OUT = ("id_number", "phone")
MAX_ECHO = 200   # the longest field (an address) is read back whole when the keyboard closes


def json_error(status, message):
    return jsonify(error=message), status


@bp.get("/<language>/<speed>/<key>.<any(ogg, wav):extension>")
def prompt(language, speed, key, extension):
    """The audio of one prompt; the URL changes (?v=) whenever the sound would.

    The extension is the cache's format (.ogg for Ogg Opus, .wav where Opus is missing).
    A URL with the other one (a page rendered before the kiosk changed format) is sent
    on to the right one, temporarily: the format can change back.
    """
    speech = services().speech
    way = request.args.get("way", "speech")
    text = services().prompts.text(key, language, way) if way in WAYS else None
    if text is None or speed not in SPEEDS:
        return json_error(404, "unknown prompt key, language, speed or way")
    if extension != speech.format.extension:
        return redirect(url_for("speech.prompt", language=language, speed=speed, key=key,
                                extension=speech.format.extension,
                                **{name: value for name, value in request.args.items()
                                   if name in ("v", "way")}), 302)
    try:
        cache_key, path = speech.prompt_audio(text, language, SPEEDS[speed])
    except SpeechUnavailable as error:
        log.warning("prompt %s/%s not spoken: %s", language, key, error)
        return json_error(503, "speech is not available on this kiosk")
    response = send_file(path, mimetype=speech.format.mimetype, etag=cache_key,
                         max_age=ONE_YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.post("/readback")
def readback():
    """Speak back a resident's own answer (or reference): made now, never cached or logged."""
    resident = state()
    language = current_language()
    text = _readback_text(resident, request.form.get("subject", ""), language)
    if text is None:
        return json_error(400, "nothing to read back for that subject")
    slow = flow.mode_on(resident.get("modes", {}), "slow_speech")
    try:
        audio = services().speech.private_audio(text, language, slow)
    except SpeechUnavailable:
        return json_error(503, "speech is not available on this kiosk")
    response = Response(audio, mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/echo")
def echo():
    """Speak a key or candidate as it is tapped, or a field when the keyboard closes.

    What a resident types is personal: made now, never cached, never logged.
    """
    text = printable(request.form.get("text", "")).strip()
    if not text or len(text) > MAX_ECHO:
        return json_error(400, f"text must be 1 to {MAX_ECHO} characters")
    if request.form.get("spell") == "yes":
        text = spelled(text)
    slow = flow.mode_on(state().get("modes", {}), "slow_speech")
    try:
        audio = services().speech.private_audio(text, current_language(), slow)
    except SpeechUnavailable:
        return json_error(503, "speech is not available on this kiosk")
    response = Response(audio, mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


def _readback_text(resident, subject, language):
    if subject == "reference" and resident.get("completed"):
        return spelled(resident["completed"].replace("-", ""))
    if subject == "digits":
        # Digits the resident just dictated, read back before they are kept.
        digits = request.form.get("digits", "")
        return spelled(digits) if re.fullmatch(r"[0-9X]{1,30}", digits) else None
    if "package" not in resident:
        return None
    catalogue = services().catalogue
    field = next((f for f in flow.form_fields(resident, catalogue) if f.key == subject), None)
    value = flow.all_answers(resident, catalogue).get(subject) if field else None
    if not value:
        return None
    shown = spelled(value) if field.type in SPELLED_OUT else answer_text(field, value)
    return sentences(language, field.label[language] + COLON[language] + shown)


def spelled(value):
    """"11010519491231002X" -> "1 1 0 1 0 5 ... X": one character at a time."""
    return " ".join(char for char in value if not char.isspace())


def init_app(app):
    app.context_processor(speech_context)


def speech_context():
    """`speak(key)` for templates: the prompt attributes of a piece of guidance or a control.

    With read aloud on, data-speech holds its audio URL; with voice input on, data-say-key
    its prompt key, from which the screen's voice grammar is built.
    """
    speech, prompts = services().speech, services().prompts
    resident = state()
    language = current_language()
    modes = resident.get("modes", {})
    on = bool(modes.get("speech")) and speech.available(language)
    # Whether each language's voice model can be offered, looked for once a page.
    voice_ready = {code: services().voice.available(code) for code in LANGUAGES}
    voice_on = bool(modes.get("voice")) and voice_ready[language]
    sign_on = bool(modes.get("sign"))
    sign_language = services().settings.signs.sign_languages[language]
    speed = "slow" if flow.mode_on(modes, "slow_speech") else "normal"
    resident_way = "explore" if modes.get("explore") else "speech"

    def speech_url(key, in_language=None, way=None):
        """The audio URL of prompt `key`; `way` "speech" words it as a plain statement
        (for what was just done), whatever way the resident uses read aloud."""
        spoken_in, way = in_language or language, way or resident_way
        text = prompts.text(key, spoken_in, way)
        if text is None:
            raise KeyError(f"no prompt {key!r}")  # a template names a key that does not exist
        version = speech.key(text, spoken_in, speed == "slow")
        return page_url_for("speech.prompt", language=spoken_in, speed=speed, key=key,
                       extension=speech.format.extension, v=version,
                       way=None if way == "speech" else way)

    def speak(key, in_language=None):
        attributes = f' data-speech="{escape(speech_url(key, in_language))}"' if on else ""
        if voice_on and not in_language:
            attributes += f' data-say-key="{escape(key)}"'
        if sign_on and not in_language:
            attributes += f' data-sign-key="{escape(key)}"'
            # A choice with a clip is explained first; one without is chosen at once.
            if services().signs.clip(key, sign_language):
                attributes += " data-sign-clip"
        return Markup(attributes)

    return {"speech_on": on, "speak": speak, "speech_url": speech_url, "voice_on": voice_on,
            "voice_available": voice_ready[language],
            # Where the screen's language has no model: the languages that can be spoken.
            "voice_languages": [profile(code).name for code in LANGUAGES if voice_ready[code]],
            "speech_available": speech.available(language),
            "volume": resident.get("volume", speech.settings.volume)}
