"""What every receiving endpoint of the back office checks first: a kiosk's signature.

Submissions, ratings and calls for a clerk come signed the same way (kiosk.handoff.verify:
HMAC-SHA256 over the timestamp and the raw body); a refusal is JSON, as the hand-off
contract in the README says.

Whose key: while the register of kiosks (kiosk_register.py) is empty, the hall's one
shared secret, as a single kiosk with its built-in back office has always had. Once it
holds a kiosk, every request names its kiosk in X-Kiosk-Id and is signed with that kiosk's
current or previous key, and a document's own kiosk_id must be that kiosk: a kiosk cannot
post in another's name. Every refusal is logged (kiosk, reason, client; never the body).
"""
import json
import logging

from flask import g, jsonify, request

from ..handoff import KIOSK_ID_HEADER, verify
from ..roles import is_central
from ..web import services
from .kiosk_register import KioskRegister

log = logging.getLogger(__name__)
LOGGED_ID_LENGTH = 16   # of a malformed X-Kiosk-Id: enough to recognise, never a flood


def refused(status, code, message):
    """A JSON refusal: {"error": code, "message": message} with `status`."""
    return jsonify(error=code, message=message), status


def kiosk_register():
    """The register of kiosks in this back office's database."""
    return KioskRegister(services().backoffice_database)


def signed_body():
    """(body, None) when the request is signed by a kiosk of this hall, else (None, the
    401 refusal). The body is read once, raw, as it was signed. The kiosk that signed is
    in `flask.g.kiosk_id` (None under the shared secret), and the key it signed with in
    `flask.g.signing_secret`, for signing the answer to it."""
    kiosk = services()
    body = request.get_data(cache=False)
    claimed = request.headers.get(KIOSK_ID_HEADER)
    g.kiosk_id, g.signing_secret = None, None
    register = kiosk_register()
    if register.is_empty() and is_central(kiosk.settings):
        # A district's centre knows each kiosk by its own key: never the one shared secret,
        # which a copied kiosk.ini (and every kiosk of the hall) holds.
        problem = "this central back office takes only registered kiosks (fleet add)"
    elif register.is_empty():
        problem = verify(kiosk.handoff_secret, request.headers, body,
                         kiosk.settings.handoff.max_clock_skew_seconds)
        g.signing_secret = None if problem else kiosk.handoff_secret
    elif claimed is None:
        problem = f"this back office has a register of kiosks: send {KIOSK_ID_HEADER}"
    else:
        secret, problem = register.signer(claimed, request.headers, body,
                                          kiosk.settings.handoff.max_clock_skew_seconds)
        problem = problem or _not_in_its_own_name(claimed, body)
        if not problem:
            g.kiosk_id, g.signing_secret = claimed, secret
    if problem:
        log.warning("refused %s %s from kiosk %s at %s: %s", request.method, request.path,
                    _shown(claimed), request.remote_addr, problem)
        return None, refused(401, "unauthorized", problem)
    return body, None


def signed_json():
    """(body, None) for a signed JSON request, else (None, the refusal): 401 unsigned, 415
    for a body that does not say it is JSON (what the hand-off contract promises)."""
    body, refusal = signed_body()
    if refusal:
        return None, refusal
    if request.mimetype != "application/json":
        return None, refused(415, "unsupported_type", "send application/json")
    return body, None


def _not_in_its_own_name(kiosk_id, body):
    """The reason a signed document names another kiosk than the one that signed it, or
    None. A body that is not a JSON object is left to the endpoint's own checks (400)."""
    if not body:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(document, dict) and "kiosk_id" in document \
            and document["kiosk_id"] != kiosk_id:
        return "the document's kiosk_id is not the kiosk that signed it"
    return None


def _shown(claimed):
    """The claimed kiosk id, safe for one log line: quoted, short, no line breaks."""
    if claimed is None:
        return "(none)"
    return repr(claimed[:LOGGED_ID_LENGTH]) + ("..." if len(claimed) > LOGGED_ID_LENGTH else "")
