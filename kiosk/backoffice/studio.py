"""The recording studio where the hall's interpreter records sign-language clips.

The studio is a queue. Prompts are grouped by the screen a resident meets them on, in the
order a resident walks through the kiosk (it keeps no count of the screens it shows, and
adds none), filtered by screen, status and a search, and paged, all in the URL. Saving a
clip goes straight on to the next prompt in the same view that still needs one, with the
camera ready. A template's shared clip (`shared.error.too_long`) stands for every prompt
built from it, so those prompts are not listed one by one.
"""
import logging
import math
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

from flask import (Blueprint, abort, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _

from ..messages import N_
from ..prompts import shared_key
from ..signs import VIDEO_TYPES, BadClip, probe
from ..web import services, staff_only

log = logging.getLogger(__name__)
bp = Blueprint("studio", __name__)

# The resident's path first, then the screens met now and then.
SCREENS = {
    "home": N_("Home screen"), "menu": N_("Life events"), "builder": N_("The package"),
    "eligibility": N_("Eligibility questions"), "form": N_("The form"),
    "check": N_("Checking the answers"), "done": N_("Application sent"),
    "add_service": N_("Adding a service"), "eligibility_outcome": N_("Services not available"),
    "everywhere": N_("On every screen"), "start_over": N_("Starting over"),
    "timeout": N_("Idle warning"), "call_clerk": N_("Calling a clerk"),
    "error_pages": N_("Error pages"),
}
# Where each kind of prompt is met; a control not named here is in the top bar.
NAMESPACE_SCREENS = {
    "language": "home", "mode": "home", "page": "error_pages", "package": "menu",
    "chosen": "builder", "item": "builder", "add": "builder", "remove": "builder",
    "added": "builder", "removed": "builder", "document": "builder", "category": "add_service",
    "question": "eligibility", "ineligible": "eligibility_outcome", "field": "form",
    "option": "form", "id_type": "form", "section": "form", "shortcut": "form", "error": "form",
    "call": "call_clerk",
    "rating": "done", "rating_reason": "done", "receipt": "done",
    "guide": "everywhere",
}
CONTROL_SCREENS = {
    "start": "home", "build_your_own": "menu", "add_service": "builder", "continue": "builder",
    "done_adding": "add_service", "yes": "eligibility", "no": "eligibility",
    "continue_rest": "eligibility_outcome", "change_answers": "eligibility_outcome",
    "back_to_package": "eligibility_outcome", "send": "check", "change": "check",
    "read_back": "check", "finish": "done", "print": "done", "read_reference": "done",
    "yes_start_over": "start_over", "no_go_back": "start_over", "start_over_now": "timeout",
    "more_time": "timeout", "cancel_call": "call_clerk", "back_to_application": "call_clerk",
}
NEEDS_WORK = {"missing", "sample", "outdated"}
STATUS_FILTERS = {"needs_work": NEEDS_WORK, "missing": {"missing"}, "sample": {"sample"},
                  "outdated": {"outdated"}, "recorded": {"recorded"},
                  "all": NEEDS_WORK | {"recorded"}}
PAGE_SIZE = 40
MAX_QUERY = 100


def screen_of(key):
    """The screen on which a resident meets prompt `key` (a key of SCREENS)."""
    namespace, _, name = key.partition(".")
    if namespace == "screen":
        return {"form_errors": "form"}.get(name, name if name in SCREENS else "everywhere")
    if namespace == "control":
        return CONTROL_SCREENS.get(name, "everywhere")
    if namespace == "shared":
        return "form" if name.startswith("error.") else "builder"
    if key == "error.eligibility.missing":
        return "eligibility"
    return NAMESPACE_SCREENS.get(namespace, "everywhere")


@dataclass(frozen=True)
class Row:
    """One prompt in the studio's list, with its clip's state in one sign language."""
    key: str
    text: str
    screen: str
    state: str      # recorded, sample, outdated or missing
    clip: object    # the Clip, or None
    uses: int       # how many prompts the clip is shown for (more than 1 for a shared clip)


@dataclass(frozen=True)
class View:
    """What the interpreter asked to see: a screen ("" for all), a status, a search, a page."""
    screen: str = ""
    status: str = "needs_work"
    query: str = ""
    page: int = 1

    def matches(self, row):
        words = self.query.casefold()
        return ((not self.screen or row.screen == self.screen)
                and row.state in STATUS_FILTERS[self.status]
                and (not words or words in row.key.casefold() or words in row.text.casefold()))

    def args(self, page=False):
        """The view as URL arguments, defaults left out (the page only when asked)."""
        args = {"screen": self.screen or None, "q": self.query or None,
                "status": None if self.status == "needs_work" else self.status}
        if page and self.page > 1:
            args["page"] = self.page
        return {name: value for name, value in args.items() if value is not None}


def read_view(args):
    """The View asked for in `args` and the notices for what was not understood: an
    unknown screen or status falls back to the default rather than failing."""
    notices = []
    screen = args.get("screen", "")
    if screen and screen not in SCREENS:
        notices.append(_("There is no screen “%(value)s”: showing every screen.",
                         value=screen[:40]))
        screen = ""
    status = args.get("status") or "needs_work"
    if status not in STATUS_FILTERS:
        notices.append(_("There is no status “%(value)s”: showing the prompts that need work.",
                         value=status[:40]))
        status = "needs_work"
    query = " ".join(args.get("q", "").split())
    if len(query) > MAX_QUERY:
        notices.append(_("The search is cut to its first %(num)d characters.", num=MAX_QUERY))
        query = query[:MAX_QUERY]
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    return View(screen, status, query, page), notices


def studio_rows(kiosk, sign_language, language):
    """Every prompt the interpreter records, grouped by screen in the resident's order."""
    prompts, library = kiosk.prompts, kiosk.signs
    uses = Counter(filter(None, map(shared_key, prompts.keys())))
    rows = []
    for key in prompts.recording_keys():
        text = prompts.text(key, language, "sign")
        clip = library.clip(key, sign_language)
        rows.append(Row(key, text, screen_of(key), clip.state(text) if clip else "missing",
                        clip, uses.get(key, 1)))
    order = {screen: number for number, screen in enumerate(SCREENS)}
    return sorted(rows, key=lambda row: order[row.screen])   # stable: prompt order within


def next_row(rows, key, view):
    """The prompt after `key` in `view` that still needs a clip (in the Recorded view, the
    next recorded one), coming round from the top; None when there is no other."""
    wanted = {"recorded"} if view.status == "recorded" else NEEDS_WORK
    keys = [row.key for row in rows]
    start = keys.index(key) + 1 if key in keys else 0
    return next((row for row in rows[start:] + rows[:start]
                 if row.key != key and row.state in wanted and view.matches(row)), None)


def _sign_languages():
    """{sign language: the screen language whose texts it signs}."""
    return {code: language
            for language, code in services().settings.signs.sign_languages.items()}


def _known(sign_language, key):
    """A sign language of this kiosk and a key it has a clip for (shared keys too)."""
    return sign_language in _sign_languages() and key in services().signs.known_keys


@bp.get("/studio")
@staff_only("interpreter")
def index():
    """The queue: prompts by screen, filtered, searched and paged."""
    languages = _sign_languages()
    view, notices = read_view(request.args)
    sign_language = request.args.get("sign_language") or next(iter(languages))
    if sign_language not in languages:
        notices.append(_("There is no sign language “%(value)s”: showing %(sign_language)s.",
                         value=sign_language[:40], sign_language=next(iter(languages))))
        sign_language = next(iter(languages))
    kiosk = services()
    language = languages[sign_language]
    rows = studio_rows(kiosk, sign_language, language)
    shown = [row for row in rows if view.matches(row)]
    pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
    view = replace(view, page=min(view.page, pages))
    on_page = shown[(view.page - 1) * PAGE_SIZE:view.page * PAGE_SIZE]
    wording = lambda key: kiosk.prompts.text(key, language, "sign")  # noqa: E731
    return render_template(
        "studio/index.html", sign_language=sign_language, sign_languages=languages,
        language=language, view=view, notices=notices, screens=SCREENS, shown=len(shown),
        groups=[(screen, list(group)) for screen, group in groupby(on_page, lambda r: r.screen)],
        pages=pages, first=next((row for row in shown if row.state in NEEDS_WORK), None),
        states=Counter(row.state for row in rows), clips=len(rows),
        coverage=kiosk.signs.coverage(kiosk.prompts.keys(), sign_language, wording))


@bp.get("/studio/<sign_language>/<key>")
@staff_only("interpreter")
def clip(sign_language, key):
    """One prompt: the teleprompter, its clip now, the camera, and the way on."""
    if not _known(sign_language, key):
        abort(404)
    kiosk = services()
    language = _sign_languages()[sign_language]
    view, notices = read_view(request.args)
    rows = studio_rows(kiosk, sign_language, language)
    queue = [row.key for row in rows if view.matches(row)]
    text = kiosk.prompts.text(key, language, "sign")
    existing = kiosk.signs.clip(key, sign_language)
    following = next_row(rows, key, view)
    saved = request.args.get("saved")
    return render_template(
        "studio/clip.html", sign_language=sign_language, key=key, text=text, language=language,
        existing=existing, state=existing.state(text) if existing else "missing",
        max_seconds=kiosk.settings.signs.max_clip_seconds, view=view, notices=notices,
        position=queue.index(key) + 1 if key in queue else None, total=len(queue),
        back=url_for("studio.index", sign_language=sign_language, **replace(
            view, page=queue.index(key) // PAGE_SIZE + 1 if key in queue else 1).args(page=True)),
        following=following, saved=saved if saved and _known(sign_language, saved) else None,
        names=_names_sharing(kiosk.prompts, key, language))


def _names_sharing(prompts, key, language):
    """The names shown beside a shared clip (the fields whose errors it signs), or []."""
    if not key.startswith("shared."):
        return []
    names = (prompts.name(other, language) for other in prompts.keys() if shared_key(other) == key)
    return list(dict.fromkeys(filter(None, names)))


@bp.post("/studio/<sign_language>/<key>")
@staff_only("interpreter")
def save(sign_language, key):
    """Store a recorded or uploaded clip, checked by its content; the old one stays on failure.
    Then on to the next prompt of the same view that needs a clip."""
    kiosk = services()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not _known(sign_language, key):
        abort(404)
    view, _notices = read_view(request.args)
    upload = request.files.get("clip")
    if upload is None or not upload.filename:
        return _refuse(wants_json, sign_language, key, view, "no_file",
                       _("Choose a video file first."))
    limits = kiosk.settings.signs
    language = _sign_languages()[sign_language]
    with tempfile.TemporaryDirectory() as folder:
        # The name's type is kept so the content must match it; any other name is judged
        # by its content alone.
        suffix = Path(upload.filename).suffix.lower()
        path = Path(folder) / f"upload{suffix if suffix in VIDEO_TYPES else ''}"
        upload.save(path)
        try:
            checked = probe(path, max_seconds=limits.max_clip_seconds,
                            max_bytes=limits.max_upload_bytes)
            # The clip keeps the hash of the wording it signs, so a later change shows.
            saved = kiosk.signs.save(key, sign_language, path, signer=session["staff"],
                                     checked=checked,
                                     text=kiosk.prompts.text(key, language, "sign"))
        except BadClip as error:
            log.info("studio clip for %s/%s refused: %s", sign_language, key, error)
            return _refuse(wants_json, sign_language, key, view, error.code,
                           _clip_problem(error))
    following = next_row(studio_rows(kiosk, sign_language, language), key, view)
    # No next prompt: this one again, saying it is saved and that the view is done.
    where = url_for("studio.clip", sign_language=sign_language,
                    key=following.key if following else key, saved=key, **view.args())
    if wants_json:
        return jsonify(status=saved.status, recorded=saved.recorded, duration=saved.duration,
                       text_sha256=saved.text_sha256, next=where if following else None,
                       list=url_for("studio.index", sign_language=sign_language, **view.args()))
    return redirect(where)


def _refuse(wants_json, sign_language, key, view, code, message):
    if wants_json:
        return jsonify(error=code, message=message), 400
    flash(message, "error")
    return redirect(url_for("studio.clip", sign_language=sign_language, key=key, **view.args()))


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
