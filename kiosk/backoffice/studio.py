"""The recording studio where the hall's interpreter records sign-language clips."""
import logging
import tempfile
from pathlib import Path

from flask import (Blueprint, abort, flash, jsonify, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _

from ..signs import VIDEO_TYPES, BadClip, probe
from ..web import services, staff_required

log = logging.getLogger(__name__)
bp = Blueprint("studio", __name__)


def _sign_languages():
    """{sign language: the screen language whose texts it signs}."""
    return {code: language
            for language, code in services().settings.signs.sign_languages.items()}


@bp.get("/studio")
@staff_required
def index():
    languages = _sign_languages()
    sign_language = request.args.get("sign_language") or next(iter(languages))
    if sign_language not in languages:
        abort(404)
    kiosk = services()
    language = languages[sign_language]
    keys = kiosk.prompts.keys()
    return render_template("studio/index.html", sign_language=sign_language,
                           sign_languages=languages, language=language,
                           rows=[(key, kiosk.prompts.text(key, language, "sign"),
                                  kiosk.signs.clip(key, sign_language)) for key in keys],
                           coverage=kiosk.signs.coverage(keys, sign_language))


@bp.get("/studio/<sign_language>/<key>")
@staff_required
def clip(sign_language, key):
    languages = _sign_languages()
    kiosk = services()
    if sign_language not in languages or key not in set(kiosk.prompts.keys()):
        abort(404)
    existing = kiosk.signs.clip(key, sign_language)
    return render_template("studio/clip.html", sign_language=sign_language, key=key,
                           text=kiosk.prompts.text(key, languages[sign_language], "sign"),
                           language=languages[sign_language], existing=existing,
                           max_seconds=kiosk.settings.signs.max_clip_seconds)


@bp.post("/studio/<sign_language>/<key>")
@staff_required
def save(sign_language, key):
    """Store a recorded or uploaded clip, checked by its content; the old one stays on failure."""
    kiosk = services()
    wants_json = request.accept_mimetypes.best == "application/json"
    if sign_language not in _sign_languages() or key not in set(kiosk.prompts.keys()):
        abort(404)
    upload = request.files.get("clip")
    if upload is None or not upload.filename:
        return _refuse(wants_json, sign_language, key, "no_file", _("Choose a video file first."))
    limits = kiosk.settings.signs
    with tempfile.TemporaryDirectory() as folder:
        # The name's type is kept so the content must match it; any other name is judged
        # by its content alone.
        suffix = Path(upload.filename).suffix.lower()
        path = Path(folder) / f"upload{suffix if suffix in VIDEO_TYPES else ''}"
        upload.save(path)
        try:
            checked = probe(path, max_seconds=limits.max_clip_seconds,
                            max_bytes=limits.max_upload_bytes)
            saved = kiosk.signs.save(key, sign_language, path, signer=session["staff"],
                                     checked=checked)
        except BadClip as error:
            log.info("studio clip for %s/%s refused: %s", sign_language, key, error)
            return _refuse(wants_json, sign_language, key, error.code, _clip_problem(error))
    if wants_json:
        return jsonify(status=saved.status, recorded=saved.recorded, duration=saved.duration)
    flash(_("Saved. The kiosk now shows this clip."))
    return redirect(url_for("studio.clip", sign_language=sign_language, key=key))


def _refuse(wants_json, sign_language, key, code, message):
    if wants_json:
        return jsonify(error=code, message=message), 400
    flash(message, "error")
    return redirect(url_for("studio.clip", sign_language=sign_language, key=key))


def _clip_problem(error):
    """The interpreter's words for why a clip was refused."""
    details = error.details
    if error.code == "unplayable_codec":
        return _("This clip is coded as %(codec)s, which the kiosk's browser cannot play: "
                 "record as WebM (VP8, VP9 or AV1) or MP4 (H.264).", codec=details["codec"])
    if error.code == "wrong_container":
        return _("This file's name says %(named)s but it holds %(found)s video: save it "
                 "again as WebM or MP4, named for what it is.", named=details["named"],
                 found=details["found"])
    return {
        "too_large": _("The file is too large."),
        "too_long": _("The clip is too long."),
        "too_short": _("The clip is too short."),
        "empty": _("The file is empty."),
        "wrong_type": _("Only WebM or MP4 video can be used."),
        "not_video": _("This file is not a video the kiosk can play."),
        "no_ffprobe": _("Clips cannot be checked on this kiosk (ffprobe is missing)."),
        "unknown_key": _("The kiosk has no such prompt."),
        "damaged": _("This clip is damaged or incomplete: it does not play to the end. "
                     "Record or export it again."),
        "no_ffmpeg": _("Clips cannot be checked on this kiosk (ffmpeg is missing)."),
        "check_timeout": _("Checking this clip took too long. Record it shorter or smaller."),
    }.get(error.code, _("The clip could not be saved."))
