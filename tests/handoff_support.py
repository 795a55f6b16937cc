"""Receivers for hand-off tests: the kiosk's own back office, or a bare one that misbehaves."""
import datetime
import http.server
import json
import threading
import time

from werkzeug.serving import make_server

from kiosk.backoffice.inbox import Rejected, check_submission
from kiosk.handoff import verify
from support import make_app

SECRET = "shared secret for the tests"
RECORD = {"language": "en", "modes": ["large_text"],
          "package": {"key": "open_shop", "title": "I want to open a shop", "title_zh": "我要开店"},
          "items": [{"key": "business_licence", "title": "Business licence",
                     "title_zh": "营业执照", "department": "market"}],
          "answers": {"applicant_name": "Jane Smith", "applicant_id_number": "E12345678"},
          "documents": ["id_card"], "eligibility": {"answers": {}, "not_eligible": []}}


def serve(app):
    """Run a WSGI app on a loopback port; returns (base URL, server)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def back_office_app(tmp_path):
    """A second kiosk install acting as the hall's back office, with its own database."""
    return make_app(tmp_path / "backoffice", **{"handoff.secret": SECRET})


def sending_app(tmp_path, url, **overrides):
    """A kiosk whose hand-off target is `url` over HTTP."""
    return make_app(tmp_path / "kiosk", **{"handoff.target": "http", "handoff.url": url,
                                           "handoff.secret": SECRET,
                                           "handoff.timeout_seconds": "1", **overrides})


class BareReceiver:
    """A minimal receiver: checks signature and schema, answers with the statuses it is given."""

    def __init__(self, answers=(), delay=0.0):
        self.answers = list(answers)   # status codes to answer, in turn; then 200
        self.delay = delay
        self.received = []             # references stored (once each)
        self.requests = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests += 1
                time.sleep(receiver.delay)
                if verify(SECRET, self.headers, body, 300):
                    return self.answer(401)
                status = receiver.answers.pop(0) if receiver.answers else 200
                if status == 200:
                    try:
                        data = json.loads(body)
                        check_submission(data)
                    except (ValueError, Rejected):
                        return self.answer(400)
                    if data["reference"] not in receiver.received:
                        receiver.received.append(data["reference"])
                self.answer(status)

            def answer(self, status):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/submissions"


def later(hours=0, minutes=0):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours,
                                                                             minutes=minutes)
