"""Staff sign-in and sign-out, for the clerks' pages and the studio."""
import logging

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..web import services

log = logging.getLogger(__name__)
# Each role's first page, and the addresses that belong to its work.
ROLE_HOME = {"clerk": "backoffice.inbox", "interpreter": "studio.index",
             "operator": "backoffice.summary"}
ROLE_PAGES = {"clerk": ("/backoffice",), "interpreter": ("/studio",),
              "operator": ("/backoffice/summary", "/backoffice/catalogue", "/status")}
bp = Blueprint("staff", __name__)


@bp.route("/staff/sign-in", methods=["GET", "POST"])
def sign_in():
    problem = None
    if request.method == "POST":
        name = request.form.get("name", "")
        outcome, detail = services().staff.sign_in(name, request.form.get("password", ""),
                                                 client=request.remote_addr or "")
        if outcome != "ok":
            log.warning("staff sign-in refused (%s) for %r from %s", outcome, name[:80],
                        request.remote_addr)
        if outcome == "ok":
            session.wipe()  # nothing of a resident's session, not even its id, survives
            session["staff"] = detail     # the account's own spelling of the name
            return redirect(_landing(services().staff.account(detail)["roles"]))
        problem = (_("Too many wrong tries. Please wait %(seconds)s seconds and try again.",
                     seconds=detail) if outcome == "wait"
                   else _("The name or the password is not right."))
    return render_template("backoffice/sign_in.html", problem=problem), (401 if problem else 200)


def _landing(roles):
    """Where a signed-in person goes: the page they were sent from if their work includes
    it, else the first page of their first role."""
    target = request.args.get("next", "")
    for role in roles:
        if target.startswith(ROLE_PAGES[role]):
            return target
    return url_for(ROLE_HOME[roles[0]])


@bp.post("/staff/sign-out")
def sign_out():
    """Sign out, back to the staff sign-in page: the next clerk at this desk signs in."""
    session.wipe()
    return redirect(url_for("staff.sign_in"))
