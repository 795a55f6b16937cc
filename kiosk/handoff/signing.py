"""The hand-off's payload and its signature: versioned JSON ("kiosk.submission/1"), signed
with HMAC-SHA256 over "<timestamp>.<raw body>". No Flask here.

The back office's receiving API checks what the kiosk signs here with `verify`; calls for a
clerk and ratings are signed the same way.
"""
import hashlib
import hmac
import json
import time

SCHEMA = "kiosk.submission/1"
SIGNATURE_HEADER = "X-Kiosk-Signature"
TIMESTAMP_HEADER = "X-Kiosk-Timestamp"
KIOSK_ID_HEADER = "X-Kiosk-Id"   # whose key signed: a back office with a register of kiosks


def payload(submission, catalogue):
    """The versioned JSON the back office receives for one stored submission."""
    documents = [{"key": key, "title": catalogue.documents[key].title.in_language(
                      submission["language"]) if key in catalogue.documents else key,
                  "title_zh": catalogue.documents[key].title["zh"]
                  if key in catalogue.documents else key}
                 for key in submission["documents"]]
    return {"schema": SCHEMA, "reference": submission["reference"],
            "kiosk_id": submission["kiosk_id"], "created": submission["created"],
            "language": submission["language"], "accessibility_modes": submission["modes"],
            "package": submission["package"], "items": submission["items"],
            "answers": submission["answers"], "documents": documents,
            "eligibility": submission["eligibility"]}


def body_of(data):
    """The exact bytes that are signed and sent: sorted keys, UTF-8, Chinese kept as is."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signature(secret, timestamp, body):
    """HMAC-SHA256 over "<timestamp>.<raw body>": the timestamp is signed too, against replays."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret, body, reference, now=None, kiosk_id=None):
    """The headers of a signed POST of `body`; `reference` is its idempotency key and
    `kiosk_id` names the kiosk whose key `secret` is (sent as X-Kiosk-Id)."""
    timestamp = int(now if now is not None else time.time())
    headers = {"Content-Type": "application/json; charset=utf-8",
               TIMESTAMP_HEADER: str(timestamp),
               SIGNATURE_HEADER: signature(secret, timestamp, body), "Idempotency-Key": reference}
    if kiosk_id:
        headers[KIOSK_ID_HEADER] = kiosk_id
    return headers


def verify(secret, headers, body, max_skew, now=None):
    """None when the signature and timestamp are good, else the reason they are not."""
    try:
        timestamp = int(headers.get(TIMESTAMP_HEADER, ""))
    except ValueError:
        return "missing or malformed timestamp"
    if abs((now if now is not None else time.time()) - timestamp) > max_skew:
        return "timestamp too far from the receiver's clock"
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(expected, headers.get(SIGNATURE_HEADER, "")):
        return "signature does not match"
    return None
