"""Voice input on the web: decode one utterance against the current screen's grammar."""
from flask import Blueprint, current_app, jsonify, request, send_file, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from flask_babel import gettext as _

from ..audio import BadAudio, max_bytes, pcm_from_upload
from ..i18n import current_language
from ..prompts import KEY_PATTERN
from ..speech import SpeechUnavailable
from ..voice import VoiceBusy, VoiceFailed, VoiceUnavailable
from ..voice_grammar import (DISTRACTORS, decide, digit_grammar, digits_heard,
                             screen_grammar, yes_no_grammar)
from ..web import services, state

bp = Blueprint("voice", __name__, url_prefix="/voice")
MAX_KEYS = 300
# Controls a resident confirms by voice even when the recogniser is sure.
ALWAYS_CONFIRM = {"control.send", "control.yes_start_over", "control.start_over_now"}
BAD_AUDIO_STATUS = {"too_long": 413, "wrong_type": 415, "silent": 422, "empty": 422}


def json_error(status, code, message):
    return jsonify(error=code, message=message), status


def not_working(language):
    # The reason (paths, the engine's words) is for /status and the log, not for the screen.
    return json_error(503, "not_working", f"voice input is not working for {language} on "
                                          "this kiosk; please use the screen")


def unusable(language):
    """The JSON error when voice input cannot be used in `language`, else None."""
    voice = services().voice
    if voice.failure(language):
        return not_working(language)
    if not voice.available(language):
        return json_error(404, "no_model", f"voice input is not installed for {language}")
    return None


def _grammar(mode, language, keys):
    voice, catalogue = services().voice, services().catalogue
    knows = lambda word: voice.knows(language, word)  # noqa: E731
    if mode == "confirm":
        grammar = yes_no_grammar(language, knows)
    elif mode == "digits":
        grammar = digit_grammar(language, knows)
    else:
        grammar = screen_grammar(keys, language, catalogue, knows)
    if not voice.has_unknown_word(language):
        grammar.add_distractors(DISTRACTORS.get(language, []))
    return grammar


def _keys():
    keys = [key for key in request.args.get("keys", "").split(",") if key]
    if len(keys) > MAX_KEYS or not all(KEY_PATTERN.fullmatch(key) for key in keys):
        return None
    return list(dict.fromkeys(keys))


def init_app(app):
    # Before the anti-forgery check, which reads the body and would refuse it first.
    app.before_request(allow_large_bodies)


def allow_large_bodies():
    """An utterance or a sign-language clip is far larger than a form post: allow those
    there, and only there."""
    settings = services().settings
    if request.endpoint == "voice.recognise":
        request.max_content_length = max_bytes(settings.voice.max_seconds) + 4096
    elif request.endpoint == "studio.save":
        request.max_content_length = settings.signs.max_upload_bytes + 64 * 1024


@bp.post("/recognise")
def recognise():
    """Decode the posted utterance (16 kHz mono 16-bit PCM) and say what it means."""
    language = current_language()
    voice, settings = services().voice, services().settings.voice
    mode = request.args.get("mode", "screen")
    keys = _keys()
    if mode not in ("screen", "confirm", "digits") or keys is None:
        return json_error(400, "bad_request", "mode must be screen, confirm or digits, "
                                              "with known prompt keys")
    if refused := unusable(language):
        return refused
    try:
        pcm = pcm_from_upload(request.get_data(cache=False), request.content_type,
                              settings.max_seconds)
        grammar = _grammar(mode, language, keys)
        heard = voice.decode(language, pcm, grammar.phrases())
    except BadAudio as error:
        return json_error(BAD_AUDIO_STATUS.get(error.code, 400), error.code, str(error))
    except VoiceBusy:
        return json_error(503, "busy", "the kiosk is busy; please try again")
    except VoiceUnavailable as error:
        return json_error(404, "no_model", str(error))
    except VoiceFailed:
        return not_working(language)
    except Exception:  # the engine's own failure: the screen still works by touch
        current_app.logger.exception("voice input failed for %s", language)
        return not_working(language)
    return jsonify(_answer(mode, grammar, heard, settings, keys))


def _answer(mode, grammar, heard, settings, keys):
    """What the browser shows and does next: act, ask "yes or no?", or ask again."""
    answer = {"heard": heard.text, "confidence": round(heard.confidence, 3)}
    if mode == "digits":
        digits = digits_heard(grammar, heard.text)
        if digits:
            return {**answer, "decision": "confirm", "digits": digits,
                    "message": _("You said: %(phrase)s. Is that right?", phrase=" ".join(digits))}
        return {**answer, "decision": "reject", "message": _("Sorry, I didn't catch that. "
                                                             "Say the digits one by one.")}
    decision = decide(grammar, heard, settings.accept_confidence, settings.reject_confidence,
                      ALWAYS_CONFIRM)
    match = decision.match
    if decision.kind == "reject":
        suggestions, more = grammar.suggestions()
        message = _("Sorry, I didn't catch that. You can say: %(phrases)s",
                    phrases=", ".join(suggestions))
        if more:
            message += " " + _("Say help for more.")
        return {**answer, "decision": "reject", "can_say": grammar.can_say(),
                "message": message, "say": _say_url(message)}
    intent = {"key": match.intent.key, "command": match.intent.command}
    kind = decision.kind
    if match.intent.command == "continue" and ALWAYS_CONFIRM & set(keys):
        kind = "confirm"  # "next" on Check your answers sends the application: ask first
    if mode == "confirm":
        kind = "accept" if match.exact else "reject"
    message = _("You said: %(phrase)s. Yes or no?", phrase=match.phrase)
    return {**answer, "decision": kind, "intent": intent, "phrase": match.phrase,
            "can_say": grammar.can_say(), "message": message, "say": _say_url(message)}


@bp.get("/help")
def help_():
    """What can be said on a screen whose controls carry `keys` (the "help" command)."""
    language = current_language()
    keys = _keys()
    if keys is None:
        return json_error(400, "bad_request", "unknown prompt keys")
    if refused := unusable(language):
        return refused
    try:
        grammar = _grammar("screen", language, keys)
    except VoiceFailed:
        return not_working(language)
    except Exception:  # the engine's own failure: the screen still works by touch
        current_app.logger.exception("voice help failed for %s", language)
        return not_working(language)
    # "help" again shows the next few (page=1, 2, ...), then the first ones again.
    page = request.args.get("page", "0")
    page = int(page) if page.isdigit() and len(page) < 4 else 0
    suggestions, more = grammar.suggestions(page)
    message = _("You can say: %(phrases)s", phrases=", ".join(suggestions))
    if more:
        message += " " + _("Say help again for more.")
    return jsonify(can_say=grammar.can_say(), suggestions=suggestions, more=more, page=page,
                   message=message, say=_say_url(message))


@bp.get("/say.wav")
def say():
    """Speak a message /voice/recognise made ("You said: ... Yes or no?"), signed by the kiosk.

    The message travels signed, so only the kiosk's own words are ever synthesised here;
    messages holding a resident's digits are never given a URL (they use /speech/readback).
    """
    try:
        language, text = _signer().loads(request.args.get("m", ""))
    except BadSignature:
        return json_error(404, "unknown_message", "only the kiosk's own messages are spoken")
    slow = bool(state().get("modes", {}).get("large_text"))
    try:
        key, path = services().speech.prompt_audio(text, language, slow)
    except (SpeechUnavailable, ValueError):
        return json_error(503, "no_speech", "speech is not available on this kiosk")
    # The cache's format (Ogg Opus, or WAV): the URL's ".wav" is only a name.
    response = send_file(path, mimetype=services().speech.format.mimetype, etag=key,
                         max_age=3600, conditional=True)
    response.cache_control.public = True
    return response


def _signer():
    return URLSafeSerializer(current_app.secret_key, salt="voice-message")


def _say_url(message):
    return url_for("voice.say", m=_signer().dumps([current_language(), message]))
