"""The on-screen keyboard's input methods on the web: candidates for what was tapped or drawn."""
import logging

from flask import Blueprint, jsonify, request

from ..modes.input_methods import BadInput, InputUnavailable
from ..web import services

log = logging.getLogger(__name__)
bp = Blueprint("input", __name__, url_prefix="/input")


@bp.post("/<method>")
def candidates(method):
    """POST JSON to an input method (pinyin, handwriting); answers its candidates as JSON.

    Nothing is stored or logged: a name being typed is personal data.
    """
    handler = services().input_methods.get(method)
    if handler is None:
        return jsonify(error="unknown_method", message="no such input method"), 404
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="not_json", message="send a JSON object"), 400
    try:
        return jsonify(handler.candidates(payload))
    except BadInput as bad:
        return jsonify(error=bad.code, message="the input cannot be used"), 400
    except InputUnavailable as missing:
        log.warning("input method %s is not available: %s", method, missing)
        return jsonify(error="unavailable", message=f"{method} is not available here"), 503
