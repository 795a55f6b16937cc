"""What every receiving endpoint of the back office checks first: a kiosk's signature.

Submissions, ratings and calls for a clerk come signed the same way (kiosk.handoff.verify:
HMAC-SHA256 over the timestamp and the raw body); a refusal is JSON, as the hand-off
contract in the README says.
"""
from flask import jsonify, request

from ..handoff import verify
from ..web import services


def refused(status, code, message):
    """A JSON refusal: {"error": code, "message": message} with `status`."""
    return jsonify(error=code, message=message), status


def signed_body():
    """(body, None) when the request is signed by a kiosk of this hall, else (None, the
    401 refusal). The body is read once, raw, as it was signed."""
    kiosk = services()
    body = request.get_data(cache=False)
    problem = verify(kiosk.handoff_secret, request.headers, body,
                     kiosk.settings.handoff.max_clock_skew_seconds)
    if problem:
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
