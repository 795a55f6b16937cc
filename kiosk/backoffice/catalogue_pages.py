"""The operator's page for the district's catalogue: publish a new version, see every
version, roll back to the one before.

A file is checked exactly as at start-up, so a mistake is shown with the same message
(naming the package, item and field) inside a page in the operator's language; nothing an
upload holds (not TOML, too large, not UTF-8, empty) ends in an error page.
"""
import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, \
    url_for
from flask_babel import gettext as _

from ..web import staff_only
from .publishing import MAX_CATALOGUE_BYTES, PublishRefused

log = logging.getLogger(__name__)
bp = Blueprint("catalogue_pages", __name__, url_prefix="/backoffice/catalogue")
# A larger body than this is refused before it is read (the generic "too long" page).
MAX_UPLOAD_BODY = 2 * MAX_CATALOGUE_BYTES


def init_app(app):
    # Before the anti-forgery check, which reads the body and would refuse it first.
    app.before_request(allow_catalogue_uploads)


def allow_catalogue_uploads():
    """A catalogue is larger than a form post: allow it here, and only here."""
    if request.endpoint == "catalogue_pages.publish":
        request.max_content_length = MAX_UPLOAD_BODY


def _versions():
    return current_app.extensions["distribution"].versions


@bp.get("")
@staff_only("operator")
def index(problem=None, status=200):
    """The versions published, newest first, and the form to publish another."""
    return render_template("backoffice/catalogue.html", versions=_versions().versions(),
                           problem=problem), status


@bp.post("")
@staff_only("operator")
def publish():
    """Publish the uploaded file as the next version, or show why it cannot be."""
    upload = request.files.get("catalogue")
    if upload is None or not upload.filename:
        return index(problem=_("Choose the catalogue file (.toml) to publish."), status=400)
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:80] or "catalogue.toml"
    try:
        version = _versions().publish(upload.stream.read(MAX_CATALOGUE_BYTES + 1),
                                      session["staff"], source=name)
    except PublishRefused as error:
        log.warning("catalogue upload refused for %s: %s", session["staff"], error)
        return index(problem=str(error), status=422)
    log.info("catalogue version %s published by %s", version, session["staff"])
    flash(_("Catalogue version %(version)s is published. Kiosks take it within their pull "
            "interval, each between two residents.", version=version))
    return redirect(url_for("catalogue_pages.index"))


@bp.post("/rollback")
@staff_only("operator")
def rollback():
    """Withdraw the latest version, so the one before it stands again."""
    try:
        withdrawn, standing = _versions().rollback(session["staff"])
    except PublishRefused as error:
        flash(_("Nothing was rolled back: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("catalogue_pages.index"))
    log.info("catalogue version %s withdrawn by %s", withdrawn, session["staff"])
    flash(_("Version %(withdrawn)s is withdrawn; version %(standing)s stands again.",
            withdrawn=withdrawn, standing=standing))
    return redirect(url_for("catalogue_pages.index"))
