"""A browser stand-in for pages served by another process: keeps cookies, follows no
redirects, and answers like Flask's test client (status_code, location, get_data), so the
journey helpers in support.py drive a kiosk process over real HTTP as they drive an app."""
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
import uuid


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Page:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.body = status, headers, body
        self.location = headers.get("Location")

    def get_data(self, as_text=False):
        return self.body.decode("utf-8") if as_text else self.body


class RemoteBrowser:
    """One person's browser at `base` (http://127.0.0.1:PORT)."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects)

    def get(self, path, headers=None):
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))

    def post(self, path, data=None, files=None, headers=None):
        """A form post; `files` maps a field to (filename, bytes) for multipart/form-data."""
        if files:
            body, content_type = _multipart(data or {}, files)
        else:
            body = urllib.parse.urlencode(data or {}).encode()
            content_type = "application/x-www-form-urlencoded"
        return self._open(urllib.request.Request(
            self.base + path, data=body, method="POST",
            headers={"Content-Type": content_type, **(headers or {})}))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return Page(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:    # redirects and errors alike
            return Page(error.code, error.headers, error.read())


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: video/webm\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
