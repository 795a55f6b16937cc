"""What kiosks ask the centre for: the catalogue that stands, and the shared clip library.

Every request is signed by the kiosk as submissions are (an empty body for a GET); every
answer with a body is signed back with the kiosk's own key (X-Kiosk-Timestamp and
X-Kiosk-Signature over the body), so a kiosk can tell it came from the centre unaltered.

GET  /backoffice/api/catalogue?have=N   204 when N stands (or nothing is published), else
                                        kiosk.catalogue/1: version, sha256 and the TOML
POST /backoffice/api/clips              one kiosk.clip/1 upload: 201 created, 200 had it
GET  /backoffice/api/clips?since=T      the clips that came at or after T (oldest first)
GET  /backoffice/api/clips/<sha256>     one clip's bytes (the kiosk checks the hash)
"""
import time

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file

from ..handoff import body_of, signature, SIGNATURE_HEADER, TIMESTAMP_HEADER
from ..web import services
from .clip_library import ClipRefused
from .receiving import refused, signed_body

bp = Blueprint("distribution", __name__, url_prefix="/backoffice/api")
CATALOGUE_SCHEMA = "kiosk.catalogue/1"
CLIP_STATUS = {"too_large": 413, "hash_mismatch": 400, "bad_body": 400, "bad_json": 400,
               "bad_schema": 400, "invalid": 400, "bad_hash": 400}


def init_app(app, csrf):
    # Machines sign their requests; there is no browser form to carry a token.
    csrf.exempt(bp)
    app.before_request(allow_clip_uploads)


def allow_clip_uploads():
    """A clip is far larger than a form post: allow it here, and only here."""
    if request.endpoint == "distribution.receive_clip":
        request.max_content_length = services().settings.signs.max_upload_bytes + 64 * 1024


def _distribution():
    return current_app.extensions["distribution"]


def signed_answer(data, status=200):
    """JSON `data`, signed with the key the asking kiosk signed with (the hall's shared
    secret, or its own key from the register), so it can check where the answer came from."""
    body = body_of(data)
    timestamp = int(time.time())
    return Response(body, status=status, mimetype="application/json", headers={
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(g.signing_secret, timestamp, body)})


@bp.get("/catalogue")
def catalogue():
    """The catalogue that stands, unless the kiosk already has it (`have`)."""
    _, refusal = signed_body()
    if refusal:
        return refusal
    current = _distribution().versions.current()
    if current is None or request.args.get("have", "") == str(current["version"]):
        return Response(status=204)
    return signed_answer({"schema": CATALOGUE_SCHEMA, "version": current["version"],
                         "sha256": current["sha256"], "published": current["published"],
                         "body": current["body"]})


@bp.post("/clips")
def receive_clip():
    """Keep a clip a kiosk's studio recorded: 201 new, 200 the centre already had it."""
    body, refusal = signed_body()
    if refusal:
        return refusal
    try:
        outcome = _distribution().clip_library.receive(body, g.kiosk_id or "")
    except ClipRefused as error:
        return refused(CLIP_STATUS.get(error.code, 422), error.code, str(error))
    return jsonify(status=outcome), 201 if outcome == "created" else 200


@bp.get("/clips")
def clip_list():
    """The clips that came at or after `since` (an ISO time; all without it)."""
    _, refusal = signed_body()
    if refusal:
        return refusal
    since = request.args.get("since", "")[:40]
    library = _distribution().clip_library
    return signed_answer({"clips": library.since(since), "version": library.version()})


@bp.get("/clips/<sha256>")
def clip_file(sha256):
    """One clip's bytes, by the hash of its content."""
    _, refusal = signed_body()
    if refusal:
        return refusal
    try:
        path = _distribution().clip_library.path(sha256)
    except ClipRefused as error:
        return refused(400, error.code, str(error))
    if not path.is_file():
        return refused(404, "not_found", "the centre has no clip with this hash")
    return send_file(path, mimetype="application/octet-stream", max_age=0)
