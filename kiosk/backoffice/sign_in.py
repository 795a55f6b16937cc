"""Staff sign-in and sign-out, for the clerks' pages and the studio."""
import logging

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..web import services

log = logging.getLogger(__name__)
bp = Blueprint("staff", __name__)


@bp.route("/staff/sign-in", methods=["GET", "POST"])
def sign_in():
    problem = None
    if request.method == "POST":
        name = request.form.get("name", "")
        outcome, wait = services().staff.sign_in(name, request.form.get("password", ""),
                                                 client=request.remote_addr or "")
        if outcome != "ok":
            log.warning("staff sign-in refused (%s) for %r from %s", outcome, name[:80],
                        request.remote_addr)
        if outcome == "ok":
            session.wipe()  # nothing of a resident's session, not even its id, survives
            session["staff"] = request.form["name"]
            target = request.args.get("next", "")
            return redirect(target if target.startswith(("/studio", "/backoffice"))
                            else url_for("studio.index"))
        problem = (_("Too many wrong tries. Please wait %(seconds)s seconds and try again.",
                     seconds=wait) if outcome == "wait"
                   else _("The name or the password is not right."))
    return render_template("backoffice/sign_in.html", problem=problem), (401 if problem else 200)


@bp.post("/staff/sign-out")
def sign_out():
    session.wipe()
    return redirect(url_for("packages.home"))
