"""Small helpers the blueprints share: the services, the resident's state, redirects."""
import functools
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

STEP_ENDPOINTS = {
    "home": "packages.home",
    "menu": "packages.menu",
    "builder": "packages.builder",
    "eligibility": "journey.eligibility",
    "form": "journey.answer_form",
    "check": "journey.check",
}


def services():
    """The Services built by create_app (settings, catalogue, store)."""
    return current_app.extensions["kiosk"]


def state():
    """The resident's journey state: the server-side session itself."""
    return session


def step_url(step, **values):
    return url_for(STEP_ENDPOINTS[step], **values)


def go_to_step(step, **values):
    return redirect(step_url(step, **values))


def local_path(target, fallback):
    """`target` if it is a path on this kiosk (no open redirects), else `fallback`."""
    if not target:
        return fallback
    parts = urlsplit(target)
    # Browsers read a backslash as a slash (/\evil.example is //evil.example) and drop
    # tabs and newlines: only a plain local path is followed.
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(char.isspace() or ord(char) < 32 for char in target)):
        return fallback
    return target


def returning_to_check(values):
    """True when a step was opened from a "Change" link on the check-your-answers page."""
    return values.get("from") == "check"


def staff_only(*roles):
    """Only for signed-in staff whose account has one of `roles` (any role when none are
    named). Others are sent to sign in and brought back; a removed account's session ends
    here; a signed-in clerk on an interpreter's page gets 403."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            account = services().staff.account(session["staff"]) if session.get("staff") else None
            if account is None:
                if session.get("staff"):
                    session.wipe()      # the account was removed: its session ends now
                # The whole address, so a studio view's or inbox's filters survive sign-in.
                return redirect(url_for("staff.sign_in",
                                        next=request.full_path.rstrip("?")))
            if roles and not set(roles) & set(account["roles"]):
                abort(403)
            g.staff_account = account   # the page's links need it too: looked up once
            return view(*args, **kwargs)
        return wrapper
    return decorator
