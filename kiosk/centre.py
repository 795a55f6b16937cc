"""The kiosk's side of talking to the centre for what it distributes (catalogue, clips).

No Flask here. Requests are signed as submissions are (kiosk.handoff.signed_headers; a GET
signs an empty body); answers with a body must carry the centre's signature over it, made
with the same secret, or they are refused: a copy altered on the way, or from anyone but
the centre, is never used. The centre is found beside the submissions URL:
https://centre.example.gov/backoffice/api/submissions -> .../backoffice/api/catalogue.
"""
import urllib.error
import urllib.parse
import urllib.request

from .errors import KioskError
from .handoff import beside, signed_headers, verify


class CentreUnreachable(KioskError):
    """The centre did not answer (down, no network, too slow): keep what the kiosk has."""


class CentreRefused(KioskError):
    """The centre answered something the kiosk will not use; the message says why."""


def api_base(submissions_url):
    """`https://host/backoffice/api/submissions` -> `https://host/backoffice/api`."""
    return beside(submissions_url, "")


class Centre:
    """Signed requests to the centre's distribution API, with checked answers."""

    def __init__(self, base, secret, timeout, max_skew, kiosk_id=""):
        self.base, self.secret, self.timeout = base.rstrip("/"), secret, timeout
        self.max_skew, self.kiosk_id = max_skew, kiosk_id

    def get(self, path, params=None, max_bytes=16 * 1024 * 1024, signed=True):
        """(status, body) of a signed GET; a body must carry the centre's signature
        unless `signed` is False (a clip, checked by its hash instead)."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._send(urllib.request.Request(
            self.base + path + query, method="GET", headers=self._headers(b"")),
            max_bytes, signed)

    def post(self, path, body, content_type):
        """(status, body) of a signed POST of `body`."""
        headers = {**self._headers(body), "Content-Type": content_type}
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST",
                                                 headers=headers), 64 * 1024, signed=False)

    def _headers(self, body):
        headers = signed_headers(self.secret, body, "")
        del headers["Idempotency-Key"], headers["Content-Type"]
        return {**headers, "X-Kiosk-Id": self.kiosk_id}

    def _send(self, request, max_bytes, signed):
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(max_bytes + 1)
                headers, status = response.headers, response.status
        except urllib.error.HTTPError as error:
            raise CentreRefused(f"HTTP {error.code} from {request.full_url}: "
                                f"{error.read(300).decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise CentreUnreachable(f"{request.full_url}: "
                                    f"{getattr(error, 'reason', error)}") from None
        if len(body) > max_bytes:
            raise CentreRefused(f"the answer from {request.full_url} is too large")
        if signed and body:
            problem = verify(self.secret, headers, body, self.max_skew)
            if problem:
                raise CentreRefused(f"the answer from {request.full_url} is not signed by "
                                    f"the centre: {problem}")
        return status, body
