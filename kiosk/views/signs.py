"""Sign-language clips on the web: clip info, captions, and the clip files (with seeking)."""
from flask import Blueprint, Response, abort, jsonify, send_from_directory, url_for

from ..i18n import current_language
from ..prompts import name_key
from ..settings import LANGUAGES
from ..signs import VIDEO_TYPES, webvtt
from ..web import services, state

bp = Blueprint("signs", __name__, url_prefix="/signs")
ONE_YEAR = 365 * 24 * 3600
# Without a clip, captions run at about a comfortable reading pace.
CHARACTERS_A_SECOND = {"zh": 5, "en": 14, "ko": 7}


def sign_language_of(language):
    return services().settings.signs.sign_languages[language]


def sign_clip(key, language):
    """What the signer window shows for a prompt: the clip (if any), captions, the text.

    A templated prompt without a clip of its own ("Name is too long") plays its template's
    shared clip ("This answer is too long") with `name` shown beside it, and then (`then`)
    the name's own clip where there is one: one signed template serves every field."""
    prompts = services().prompts
    text = prompts.text(key, language, "sign") if language in LANGUAGES else None
    if text is None:
        return None
    sign_language = sign_language_of(language)
    clip = services().signs.shown_clip(key, sign_language)
    shared = clip is not None and clip.key != key
    info = {"key": key, "text": prompts.text(clip.key, language, "sign") if shared else text,
            "sign_language": sign_language, "status": clip.status if clip else "missing",
            "video": _video(clip), "name": prompts.name(key, language) if shared else None,
            "captions": url_for("signs.captions", language=language,
                                key=clip.key if shared else key),
            "then": None}
    named = name_key(key) if shared else None
    then = services().signs.clip(named, sign_language) if named else None
    if then:
        info["then"] = {"key": named, "video": _video(then), "status": then.status,
                        "captions": url_for("signs.captions", language=language, key=named)}
    return info


def _video(clip):
    return url_for("signs.clip_file", file=clip.file, v=clip.version) if clip else None


@bp.get("/<language>/<key>.json")
def clip_info(language, key):
    info = sign_clip(key, language)
    if info is None:
        return jsonify(error="unknown_prompt", message="unknown prompt key or language"), 404
    return jsonify(info)


@bp.get("/<language>/<key>.vtt")
def captions(language, key):
    """WebVTT captions made from the text the clip signs (never "listen")."""
    text = services().prompts.text(key, language, "sign") if language in LANGUAGES else None
    if text is None:
        abort(404)
    # A shared clip's captions are asked for by its own key, so this is the key's own clip.
    clip = services().signs.clip(key, sign_language_of(language))
    duration = clip.duration if clip else max(3.0, len(text) / CHARACTERS_A_SECOND[language])
    return Response(webvtt(text, duration), mimetype="text/vtt")


@bp.get("/clips/<path:file>")
def clip_file(file):
    """A clip file named in the manifest (nothing else in or outside the library)."""
    library = services().signs
    if not any(clip.file == file for clip in library.clips.values()):
        abort(404)
    response = send_from_directory(library.folder, file, conditional=True, max_age=ONE_YEAR,
                                   mimetype=VIDEO_TYPES.get("." + file.rsplit(".", 1)[-1]))
    response.cache_control.public = True
    return response


def init_app(app):
    app.context_processor(sign_context)


def sign_context():
    """`sign_on`, and `screen_clip(keys)`: what the signer window shows on arrival."""
    modes = state().get("modes", {})
    on = bool(modes.get("sign"))
    language = current_language()

    def screen_clip(keys):
        """The clip for a screen's arrival prompts: its screen (or error page) prompt first."""
        key = next((key for key in keys if key.startswith(("screen.", "page."))),
                   keys[0] if keys else None)
        return sign_clip(key, language) if key else None

    return {"sign_on": on, "screen_clip": screen_clip}
