"""Hand-off: signed delivery, retries, dead letters, the receiving API, retention."""
import datetime
import json
import time

import pytest
from sqlalchemy import text

from handoff_support import (RECORD, SECRET, BareReceiver, back_office_app, later, sending_app,
                             serve)
from kiosk.backoffice.inbox import check_submission
from kiosk.handoff import FailingDemoTarget, body_of, payload, signed_headers, verify


def kiosk(app):
    return app.extensions["kiosk"]


def test_the_payload_is_versioned_and_carries_titles_for_resident_and_clerk(tmp_path):
    app = sending_app(tmp_path, "http://127.0.0.1:9/")
    reference = kiosk(app).store.create_submission("K2", RECORD)
    data = payload(kiosk(app).store.get_submission(reference), kiosk(app).catalogue)
    check_submission(data)
    assert data["schema"] == "kiosk.submission/1" and data["reference"] == reference
    assert data["items"][0]["title_zh"] == "营业执照"
    assert data["documents"][0]["title_zh"] == "身份证件"
    assert datetime.datetime.fromisoformat(data["created"]).tzinfo is not None


def test_a_signature_covers_body_and_time():
    body = b'{"a": 1}'
    headers = signed_headers(SECRET, body, "K2-261126-ABCD7", now=1000)
    assert verify(SECRET, headers, body, 300, now=1100) is None
    assert verify(SECRET, headers, b'{"a": 2}', 300, now=1100) == "signature does not match"
    assert "too far" in verify(SECRET, headers, body, 300, now=2000)
    assert verify("another secret", headers, body, 300, now=1100) == "signature does not match"


def test_delivery_to_the_built_in_back_office_over_http(tmp_path):
    receiver = back_office_app(tmp_path)
    receiver_url, server = serve(receiver)
    sender = sending_app(tmp_path, f"{receiver_url}/backoffice/api/submissions")
    reference = kiosk(sender).store.create_submission("K2", RECORD)
    assert kiosk(sender).outbox.deliver_due() == 1
    assert kiosk(sender).outbox.status()["delivered"] == 1
    stored = kiosk(receiver).backoffice.submission(reference)
    assert stored["payload"]["answers"] == RECORD["answers"] and stored["status"] == "received"
    server.shutdown()


def test_the_built_in_target_delivers_in_process(tmp_path):
    from support import make_app
    app = make_app(tmp_path)
    reference = kiosk(app).store.create_submission("K2", RECORD)
    assert kiosk(app).outbox.deliver_due() == 1
    stored = kiosk(app).backoffice.submission(reference)
    assert stored["status"] == "received" and stored["payload"]["answers"] == RECORD["answers"]


def test_an_outage_is_retried_and_each_submission_delivered_once(tmp_path):
    receiver = BareReceiver(answers=[503, 503, 502])
    sender = sending_app(tmp_path, receiver.url)
    outbox = kiosk(sender).outbox
    references = [kiosk(sender).store.create_submission("K2", RECORD) for _ in range(3)]
    moment = later()
    for _ in range(6):  # each pass later than any backoff
        outbox.deliver_due(now=moment)
        moment += datetime.timedelta(hours=2)
    assert sorted(receiver.received) == sorted(references)
    status = outbox.status()
    assert status.pop("last_delivered")
    assert status == {"pending": 0, "delivered": 3, "dead": 0, "oldest_pending_seconds": None}


def test_a_slow_receiver_is_retried_later(tmp_path):
    receiver = BareReceiver(delay=1.5)
    sender = sending_app(tmp_path, receiver.url)
    reference = kiosk(sender).store.create_submission("K2", RECORD)
    kiosk(sender).outbox.deliver_due()
    row = kiosk(sender).outbox.entries_for(reference)[0]
    assert row["status"] == "pending" and "timed out" in row["last_error"].lower()
    assert row["next_attempt"] > row["created"]


def test_a_refusal_is_a_dead_letter_that_a_person_can_retry(tmp_path):
    receiver = BareReceiver(answers=[400])
    sender = sending_app(tmp_path, receiver.url)
    reference = kiosk(sender).store.create_submission("K2", RECORD)
    kiosk(sender).outbox.deliver_due()
    row = kiosk(sender).outbox.entries_for(reference)[0]
    assert row["status"] == "dead" and "HTTP 400" in row["last_error"]
    runner = sender.test_cli_runner()
    assert "dead: 1" in runner.invoke(args=["handoff", "status"]).output
    assert "1 back in the queue" in runner.invoke(args=["handoff", "retry", reference]).output
    kiosk(sender).outbox.deliver_due()
    assert receiver.received == [reference]


def test_retries_stop_after_the_configured_hours(tmp_path):
    sender = sending_app(tmp_path, "http://127.0.0.1:9/nobody-listens", **{"handoff.retry_hours": "1"})
    reference = kiosk(sender).store.create_submission("K2", RECORD)
    kiosk(sender).outbox.deliver_due(now=later(hours=2))
    row = kiosk(sender).outbox.entries_for(reference)[0]
    assert row["status"] == "dead" and row["last_error"].startswith("gave up after 1 hours")


def test_a_duplicate_is_stored_once_and_answered_as_delivered(tmp_path):
    app = back_office_app(tmp_path)
    client = app.test_client()
    data = json.loads(body_of(payload({"reference": "K2-261126-ABCD7", "kiosk_id": "K2",
                                       "created": "2026-11-26T09:00:00+08:00", **RECORD},
                                      kiosk(app).catalogue)))
    body = body_of(data)
    first = client.post("/backoffice/api/submissions", data=body,
                        headers=signed_headers(SECRET, body, data["reference"]))
    second = client.post("/backoffice/api/submissions", data=body,
                         headers=signed_headers(SECRET, body, data["reference"]))
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json() == {"status": "duplicate"}
    assert kiosk(app).backoffice_database.scalar(text("select count(*) from inbox")) == 1


@pytest.mark.parametrize("change, status, message", [
    (lambda body, headers: (body, {**headers, "X-Kiosk-Signature": "sha256=00"}), 401,
     "signature does not match"),
    (lambda body, headers: (body, {**headers, "X-Kiosk-Timestamp": str(int(time.time()) - 4000)}),
     401, "timestamp"),
    (lambda body, headers: (b"{not json", signed_headers(SECRET, b"{not json", "x")), 400,
     "not valid JSON"),
    (lambda body, headers: (body_of({"schema": "kiosk.submission/9"}),
                            signed_headers(SECRET, body_of({"schema": "kiosk.submission/9"}), "x")),
     400, "is a required property"),
    (lambda body, headers: (body, {**headers, "Content-Type": "text/plain"}), 415, "application/json"),
    (lambda body, headers: (b"[" * 100_000 + b"]" * 100_000,
                            signed_headers(SECRET, b"[" * 100_000 + b"]" * 100_000, "x")),
     400, "nested too deeply"),
    (lambda body, headers: (b'{"x": "\\ud800"}', signed_headers(SECRET, b'{"x": "\\ud800"}', "x")),
     400, "not UTF-8"),
])
def test_the_receiving_api_refuses_bad_requests_clearly(tmp_path, change, status, message):
    app = back_office_app(tmp_path)
    body = body_of({"schema": "kiosk.submission/1"})
    body, headers = change(body, signed_headers(SECRET, body, "x"))
    response = app.test_client().post("/backoffice/api/submissions", data=body, headers=headers)
    assert response.status_code == status
    assert message in response.get_json()["message"]


def send(app, data):
    body = body_of(data)
    return app.test_client().post("/backoffice/api/submissions", data=body,
                                  headers=signed_headers(SECRET, body, "x"))


def valid_submission():
    from kiosk.handoff import SCHEMA
    return {"schema": SCHEMA, "reference": "K2-261127-7HQM4", "kiosk_id": "K2",
            "created": "2026-11-27T10:00:00+08:00", "language": "en", "accessibility_modes": [],
            "package": {"key": "open_shop", "title": "I want to open a shop", "title_zh": "我要开店"},
            "items": [{"key": "business_licence", "title": "Business licence",
                       "title_zh": "营业执照", "department": "market"}],
            "answers": {"applicant_name": "Jane Smith"}, "documents": [],
            "eligibility": {"answers": {}, "not_eligible": []}}


@pytest.mark.parametrize("break_it, where", [
    (lambda d: d["package"].update(title_zh={"x": 1}), "package/title_zh"),
    (lambda d: d["package"].update(title_zh=None), None),          # allowed: build your own
    (lambda d: d["items"][0].update(key={"x": 1}), "items/0/key"),
    (lambda d: d["eligibility"].update(answers=[True]), "eligibility/answers"),
    (lambda d: d["answers"].update(applicant_name="x" * 5000), "answers/applicant_name"),
    (lambda d: d.update(nested=[[[[]]]]), "the document"),
    (lambda d: d.update(created="2026-11-27T10:00:00"), "created"),
    (lambda d: d["answers"].update(applicant_name="A\u0000B"), "the body holds a character"),
    (lambda d: d["answers"].update(applicant_name="A\ufffeB"), "the body holds a character"),
])
def test_a_signed_document_that_breaks_the_schema_is_refused_with_where(tmp_path, break_it, where):
    app = back_office_app(tmp_path)
    data = valid_submission()
    break_it(data)
    response = send(app, data)
    if where is None:
        assert response.status_code == 201
    else:
        assert response.status_code == 400 and response.get_json()["message"].startswith(where)


def test_the_kiosks_own_payload_follows_the_published_schema(tmp_path):
    from kiosk.backoffice.inbox import check_submission
    from kiosk.handoff import payload
    app = back_office_app(tmp_path)
    reference = kiosk(app).store.create_submission("K2", RECORD)
    check_submission(payload(kiosk(app).store.get_submission(reference), kiosk(app).catalogue))


def test_a_resident_who_used_every_mode_is_handed_off(tmp_path):
    """Each mode a resident can turn on is one the published schema takes (a new mode added
    to the kiosk but not to the schema would turn its users' applications into dead letters)."""
    from kiosk.backoffice.inbox import check_submission
    from kiosk.flow import ACCESSIBILITY_MODES
    from kiosk.handoff import payload
    app = back_office_app(tmp_path)
    reference = kiosk(app).store.create_submission(
        "K2", {**RECORD, "modes": list(ACCESSIBILITY_MODES)})
    document = payload(kiosk(app).store.get_submission(reference), kiosk(app).catalogue)
    assert set(document["accessibility_modes"]) == set(ACCESSIBILITY_MODES)
    check_submission(document)


def test_answers_are_purged_after_the_retention_days_but_the_record_stays(tmp_path):
    from support import make_app
    app = make_app(tmp_path)
    reference = kiosk(app).store.create_submission("K2", RECORD)
    kiosk(app).outbox.deliver_due()
    assert kiosk(app).outbox.purge(30) == 0
    assert kiosk(app).outbox.purge(30, now=later(hours=24 * 31)) == 1
    submission = kiosk(app).store.get_submission(reference)
    assert submission["answers"] == {} and submission["reference"] == reference
    assert "purged" in app.test_cli_runner().invoke(args=["purge"]).output


def test_the_status_page_says_when_the_hand_off_needs_attention(tmp_path):
    from support import make_app
    app = make_app(tmp_path)
    client = app.test_client()
    assert "一切正常" in client.get("/status").get_data(as_text=True)
    kiosk(app).store.create_submission("K2", RECORD)
    kiosk(app).outbox.target = FailingDemoTarget("refuse", receiver=None)
    kiosk(app).outbox.deliver_due()
    page = client.get("/status").get_data(as_text=True)
    assert "需要处理" in page and "死信" in page
