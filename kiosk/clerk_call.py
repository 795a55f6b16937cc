"""Calling a clerk from the kiosk: raise a call at the back office, follow it, cancel it.

No Flask here. The call goes where submissions go (kiosk.ini [handoff] target): for http,
over HTTP to `{base}/calls`, signed as submissions are (base: the submission URL without its
last part); for the other targets (builtin, and failing-demo's rehearsals), to the built-in
back office in this process, through the same document checks.
What is sent is only kiosk.call/1: kiosk, screen, language and modes, never anything the
resident typed. A back office that cannot be reached is DeskUnreachable, so the screen can
say so plainly.
"""
import json
import urllib.error
import urllib.parse
import urllib.request

from .backoffice.calls import SCHEMA, CallRefused, CallRejected
from .backoffice.inbox import Rejected, load_document
from .errors import KioskError
from .handoff import beside, body_of, signed_headers

MAX_ANSWER = 16 * 1024   # a call's state is a few hundred bytes


class DeskUnreachable(KioskError):
    """The back office did not answer, or answered something that is not a call."""


class CallUnknown(KioskError):
    """The back office has no such call (or it can no longer be changed that way)."""


def call_document(settings, screen, language, modes):
    """The kiosk.call/1 document for a resident on `screen`: nothing about the resident
    but the language of the screen and the modes switched on."""
    return {"schema": SCHEMA, "kiosk_id": settings.kiosk_id,
            # The name clerks know it by (the resident's page shows it in their language).
            "kiosk_name": settings.kiosk_name,
            "screen": screen, "language": language, "modes": sorted(modes)}


def public(call):
    """What the kiosk may know of a call: its id, state and times (no clerk's name)."""
    return {"id": call["id"], "state": call["state"], "raised_at": call["raised_at"],
            "answered_at": call["answered_at"] or None, "done_at": call["done_at"] or None}


def calls_base(submissions_url):
    """`https://cases.example.gov/kiosk/submissions` -> `https://cases.example.gov/kiosk/calls`."""
    return beside(submissions_url, "calls")


class Desk:
    """Where calls go. `raise_call`, `state` and `cancel` answer the call's public dict."""

    def raise_call(self, document):
        raise NotImplementedError

    def state(self, call_id):
        raise NotImplementedError

    def cancel(self, call_id):
        raise NotImplementedError


class BuiltInDesk(Desk):
    """This kiosk's own back office: the document goes through the receiving API's checks."""

    def __init__(self, calls):
        self.calls = calls

    def raise_call(self, document):
        try:
            return public(self.calls.raise_call(load_document(body_of(document))))
        except (Rejected, CallRejected) as error:
            raise DeskUnreachable(f"the back office refused the call: {error}") from None

    def state(self, call_id):
        call = self.calls.call(call_id)
        if call is None:
            raise CallUnknown(call_id)
        return public(call)

    def cancel(self, call_id):
        try:
            return public(self.calls.cancel(call_id))
        except CallRefused:
            raise CallUnknown(call_id) from None


class HttpDesk(Desk):
    """A back office over HTTP(S): POST {base}, GET {base}/<id>, POST {base}/<id>/cancel."""

    def __init__(self, base, secret, timeout, kiosk_id=None):
        self.base, self.secret, self.timeout = base.rstrip("/"), secret, timeout
        self.kiosk_id = kiosk_id   # sent as X-Kiosk-Id: whose key signs

    def raise_call(self, document):
        return self._send("POST", self.base, body_of(document))

    def state(self, call_id):
        return self._send("GET", f"{self.base}/{urllib.parse.quote(call_id, safe='')}", b"")

    def cancel(self, call_id):
        return self._send("POST", f"{self.base}/{urllib.parse.quote(call_id, safe='')}/cancel",
                          b"{}")

    def _send(self, method, url, body):
        headers = signed_headers(self.secret, body, "call", kiosk_id=self.kiosk_id)
        request = urllib.request.Request(url, data=body if method == "POST" else None,
                                         method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read(MAX_ANSWER))
        except urllib.error.HTTPError as error:
            if error.code in (404, 409):
                raise CallUnknown(f"HTTP {error.code}") from None
            raise DeskUnreachable(f"HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, ValueError) as error:
            raise DeskUnreachable(f"{type(error).__name__}: {getattr(error, 'reason', error)}") \
                from None
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str) \
                or answer.get("state") not in ("open", "on_my_way", "done", "cancelled"):
            raise DeskUnreachable("the back office's answer is not a call")
        return answer
