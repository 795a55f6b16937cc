"""Call a clerk: the calls table and its times, the resident's button and waiting page,
the clerks' list, the signed API kiosks use, and the hostile input each takes."""
import datetime
import json
import re

import pytest
from sqlalchemy import text

from handoff_support import SECRET, back_office_app, sending_app, serve
from kiosk.backoffice.calls import (CallRefused, CallRejected, Calls, check_call, median,
                                    percentile)
from kiosk.handoff import body_of, signed_headers
from kiosk.voice_grammar import Intent, screen_grammar
from support import csrf_token, make_app

PASSWORD = "correct horse battery"
UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
VALID_ID = "11010519491231002X"
PRIVATE = {"applicant_name": "Zelda Quartermain", "applicant_id_type": "cn_resident",
           "applicant_id_number": VALID_ID, "applicant_phone": "13812345678"}
DOCUMENT = {"schema": "kiosk.call/1", "kiosk_id": "K2", "kiosk_name": "Hall kiosk 2",
            "screen": "form", "language": "en", "modes": ["large_text", "speech"]}


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


@pytest.fixture
def calls(backoffice_database):
    return Calls(backoffice_database)


# The calls module.

def test_a_call_goes_open_on_my_way_done_with_who_and_when(calls):
    call = calls.raise_call(DOCUMENT, now=at(0))
    assert call["state"] == "open" and call["modes"] == ["large_text", "speech"]
    assert [c["id"] for c in calls.waiting()] == [call["id"]]
    answered = calls.on_my_way(call["id"], "王丽", now=at(42))
    assert answered["state"] == "on_my_way" and answered["answered_by"] == "王丽"
    assert answered["answered_at"] == at(42).isoformat()
    done = calls.done(call["id"], "王丽", now=at(300))
    assert done["state"] == "done" and done["done_at"] == at(300).isoformat()
    assert calls.waiting() == []


def test_done_straight_from_open_counts_as_answered_then(calls):
    call = calls.raise_call(DOCUMENT, now=at(0))
    done = calls.done(call["id"], "clerk", now=at(30))
    assert done["answered_at"] == done["done_at"] == at(30).isoformat()


def test_a_resident_may_cancel_and_a_finished_call_cannot_move(calls):
    call = calls.raise_call(DOCUMENT, now=at(0))
    assert calls.cancel(call["id"], now=at(5))["state"] == "cancelled"
    for move in (lambda: calls.on_my_way(call["id"], "clerk"),
                 lambda: calls.done(call["id"], "clerk"), lambda: calls.cancel(call["id"])):
        with pytest.raises(CallRefused) as refused:
            move()
        assert refused.value.code == "not_allowed" and refused.value.state == "cancelled"
    with pytest.raises(CallRefused, match="unknown"):
        calls.on_my_way("C-nosuchcall123", "clerk")
    assert calls.call("'; drop table calls; --") is None


def test_median_and_95th_percentile_time_to_answer_over_a_period(calls):
    assert median([]) is None and percentile([], 95) is None
    assert median([1, 2, 3, 4]) == 2.5 and median([5, 1, 3][:1]) == 5
    assert percentile(list(range(1, 21)), 95) == 19 and percentile([7], 95) == 7
    for wait in range(1, 21):   # 20 calls answered after 10 s, 20 s, ... 200 s
        call = calls.raise_call(DOCUMENT, now=at(wait * 1000))
        calls.on_my_way(call["id"], "clerk", now=at(wait * 1000 + wait * 10))
    calls.raise_call(DOCUMENT, now=at(99_000))          # still waiting: counted, not timed
    times = calls.answer_times()
    assert times == {"count": 21, "answered": 20, "median_seconds": 105.0, "p95_seconds": 190.0}
    early = calls.answer_times(until=at(5500).isoformat())
    assert early["count"] == 5 and early["median_seconds"] == 30.0


@pytest.mark.parametrize("change, message", [
    ({"answers": {"applicant_name": "x"}}, "unexpected fields: answers"),
    ({"applicant_id_number": VALID_ID}, "unexpected fields"),
    ({"language": "fr"}, "language"),
    ({"screen": "<script>"}, "screen"),
    ({"modes": "speech"}, "modes"),
    ({"modes": ["telepathy"]}, "modes"),
    ({"schema": "kiosk.call/2"}, "schema"),
    ({"kiosk_name": "x" * 81}, "kiosk_name"),
    ({"kiosk_id": 7}, "kiosk_id"),
])
def test_a_call_document_holds_nothing_more_than_it_should(change, message):
    with pytest.raises(CallRejected, match=message):
        check_call({**DOCUMENT, **change})
    with pytest.raises(CallRejected, match="missing fields: screen"):
        check_call({key: value for key, value in DOCUMENT.items() if key != "screen"})


def test_call_a_clerk_is_a_voice_command_in_every_language():
    for language in ("zh", "en", "ko"):
        grammar = screen_grammar([], language, catalogue=None)
        assert Intent(command="call_clerk") in grammar.entries.values(), language
    assert screen_grammar([], "en", None).match("call a clerk").intent.command == "call_clerk"


# The resident's side and the clerks' pages.

@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    app.extensions["kiosk"].staff.add("clerk", PASSWORD, roles=["clerk"])
    return app


def signed_in(app):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    client.post("/staff/sign-in", data={"csrf_token": token, "name": "clerk",
                                        "password": PASSWORD})
    return client


def post(client, url, data=None, page="/"):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})})


def call_from(client, screen="menu", next_="/packages", **data):
    return post(client, "/call-clerk", {"screen": screen, "next": next_, **data})


def stored_calls(app):
    return app.extensions["kiosk"].backoffice_database.rows(text("select * from calls"))


def test_every_resident_screen_has_call_a_clerk_and_staff_pages_do_not(app):
    client = app.test_client()
    assert 'action="/call-clerk"' in client.get("/").get_data(as_text=True)
    assert 'action="/call-clerk"' in client.get("/packages").get_data(as_text=True)
    clerk = signed_in(app)
    assert 'action="/call-clerk"' not in clerk.get("/backoffice").get_data(as_text=True)
    assert 'action="/call-clerk"' not in client.get("/staff/sign-in").get_data(as_text=True)


def test_the_call_carries_kiosk_screen_language_and_modes_and_never_the_answers(app):
    client = app.test_client()
    post(client, "/preferences", {"lang": "ko", "next": "/"})
    post(client, "/preferences", {"toggle": "large_text", "next": "/"})
    post(client, "/packages", {"package": "open_shop"})
    post(client, "/form/applicant", PRIVATE)       # saved answers
    # And typed but not yet saved: the button submits the step's own form.
    response = post(client, "/call-clerk", {**PRIVATE, "applicant_name": "Yorick Unsaved",
                                            "draft": "form", "screen": "form",
                                            "next": "/form/applicant"})
    assert response.location == "/call-clerk"
    page = client.get("/call-clerk")
    row, = stored_calls(app)
    assert (row["kiosk_id"], row["screen"], row["language"], row["modes"]) == \
        ("K2", "form", "ko", "large_text")
    assert row["kiosk_name"] == "Service hall kiosk 2"
    assert "서비스홀 2번 키오스크" in page.get_data(as_text=True)
    clerk = signed_in(app)
    seen = [json.dumps(row, ensure_ascii=False), page.get_data(as_text=True),
            client.get("/call-clerk/state.json").get_data(as_text=True),
            clerk.get("/backoffice").get_data(as_text=True),
            clerk.get("/backoffice/calls.json").get_data(as_text=True)]
    for private in ("Zelda", "Quartermain", "Yorick", VALID_ID, "13812345678", "1231002X"):
        assert not any(private in text for text in seen), private
    # Back to my application keeps everything, the unsaved typing too.
    assert 'href="/form/applicant"' in page.get_data(as_text=True)
    assert "Yorick Unsaved" in client.get("/form/applicant").get_data(as_text=True)


def test_a_clerk_sees_the_call_and_marks_on_my_way_then_done_without_script(app):
    client = app.test_client()
    call_from(client, screen="builder")
    clerk = signed_in(app)
    listing = clerk.get("/backoffice/calls.json").get_json()
    call_id, = listing["ids"]
    assert "Service hall kiosk 2" in listing["html"] and call_id in listing["announce"]
    inbox = clerk.get("/backoffice").get_data(as_text=True)
    assert f'action="/backoffice/calls/{call_id}/on-my-way"' in inbox
    answered = post(clerk, f"/backoffice/calls/{call_id}/on-my-way",
                    {"next": "/backoffice/summary"}, page="/backoffice")
    assert answered.location == "/backoffice/summary"
    assert client.get("/call-clerk/state.json").get_json() == {"state": "on_my_way",
                                                               "reachable": True}
    again = post(clerk, f"/backoffice/calls/{call_id}/on-my-way", page="/backoffice")
    assert again.status_code == 302           # a second tap is told, not an error
    post(clerk, f"/backoffice/calls/{call_id}/done", page="/backoffice")
    assert client.get("/call-clerk/state.json").get_json()["state"] == "done"
    assert clerk.get("/backoffice/calls.json").get_json()["ids"] == []
    assert clerk.get("/backoffice/summary").status_code == 200


def test_a_second_tap_while_waiting_raises_no_second_call_and_cancel_ends_it(app):
    client = app.test_client()
    call_from(client)
    call_from(client, next_="/builder")
    assert len(stored_calls(app)) == 1
    assert 'href="/builder"' in client.get("/call-clerk").get_data(as_text=True)
    post(client, "/call-clerk/cancel")
    assert stored_calls(app)[0]["state"] == "cancelled"
    assert client.get("/call-clerk/state.json").get_json()["state"] == "cancelled"
    call_from(client)                      # a new call after that is a new call
    assert len(stored_calls(app)) == 2


def test_a_resident_cannot_mark_their_own_call_done_or_call_without_a_token(app):
    client = app.test_client()
    refused = client.post("/call-clerk", data={"screen": "menu", "next": "/"})
    assert refused.status_code == 400 and stored_calls(app) == []
    call_from(client)
    call_id = stored_calls(app)[0]["id"]
    for action in ("done", "on-my-way"):
        response = post(client, f"/backoffice/calls/{call_id}/{action}")
        assert response.status_code == 302 and "/staff/sign-in" in response.location
    assert client.post("/call-clerk/done").status_code in (404, 405)
    clerk = signed_in(app)
    assert clerk.post(f"/backoffice/calls/{call_id}/done").status_code == 400   # no token
    assert stored_calls(app)[0]["state"] == "open"
    assert client.get("/backoffice/calls.json").status_code == 302


def test_hostile_screen_names_and_next_addresses_are_not_carried(app):
    client = app.test_client()
    call_from(client, screen="<img src=x>", next_="//evil.example/")
    assert stored_calls(app)[0]["screen"] == "unknown"
    assert "evil.example" not in client.get("/call-clerk").get_data(as_text=True)


def test_the_waiting_page_without_a_call_goes_home(app):
    client = app.test_client()
    assert client.get("/call-clerk").location == "/"
    assert client.get("/call-clerk/state.json").status_code == 404


# The signed API.

def signed(body, secret=SECRET):
    return signed_headers(secret, body, "call")


@pytest.fixture(scope="module")
def api(tmp_path_factory, backoffice_kind):
    """One back office for the API tests: each makes its own calls."""
    return back_office_app(tmp_path_factory.mktemp("api")).test_client()


def raise_over_api(api, document=DOCUMENT):
    body = body_of(document)
    return api.post("/backoffice/api/calls", data=body, headers=signed(body))


def test_the_api_raises_follows_and_cancels_a_call(api):
    raised = raise_over_api(api)
    assert raised.status_code == 201 and raised.get_json()["state"] == "open"
    call_id = raised.get_json()["id"]
    state = api.get(f"/backoffice/api/calls/{call_id}", headers=signed(b""))
    assert state.status_code == 200 and state.get_json()["state"] == "open"
    cancel = api.post(f"/backoffice/api/calls/{call_id}/cancel", data=b"{}", headers=signed(b"{}"))
    assert cancel.get_json()["state"] == "cancelled"
    again = api.post(f"/backoffice/api/calls/{call_id}/cancel", data=b"{}", headers=signed(b"{}"))
    assert again.status_code == 409 and again.get_json()["error"] == "not_allowed"


@pytest.mark.parametrize("request_of, status, error", [
    (lambda: ("/backoffice/api/calls", body_of(DOCUMENT), signed(body_of(DOCUMENT), "wrong")),
     401, "unauthorized"),
    (lambda: ("/backoffice/api/calls", body_of(DOCUMENT), {}), 401, "unauthorized"),
    (lambda: ("/backoffice/api/calls", b"{not json", signed(b"{not json")), 400, "invalid"),
    (lambda: ("/backoffice/api/calls", b"[1, 2]", signed(b"[1, 2]")), 400, "invalid"),
    (lambda: ("/backoffice/api/calls", b"x" * 10_000_000, signed(b"x" * 10_000_000)),
     400, "too_large"),
    (lambda: ("/backoffice/api/calls", body_of({**DOCUMENT, "answers": {"a": 1}}),
              signed(body_of({**DOCUMENT, "answers": {"a": 1}}))), 400, "invalid"),
    (lambda: ("/backoffice/api/calls/C-nosuchcall123/cancel", b"{}", signed(b"{}")),
     404, "unknown_call"),
])
def test_the_api_refuses_bad_requests_clearly(api, request_of, status, error):
    url, body, headers = request_of()
    response = api.post(url, data=body, headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"] == error and response.get_json()["message"]


def test_the_api_answers_404_for_an_unknown_call_and_401_for_an_unsigned_look(api):
    assert api.get("/backoffice/api/calls/C-nosuchcall123", headers=signed(b"")).status_code == 404
    assert api.get("/backoffice/api/calls/<script>", headers=signed(b"")).status_code == 404
    assert api.get("/backoffice/api/calls/C-nosuchcall123").status_code == 401
    wrong_type = api.post("/backoffice/api/calls", data=body_of(DOCUMENT),
                          headers={**signed(body_of(DOCUMENT)), "Content-Type": "text/plain"})
    assert wrong_type.status_code == 400


def test_a_kiosk_calls_a_clerk_at_another_back_office_over_http(tmp_path):
    receiver = back_office_app(tmp_path)
    receiver.extensions["kiosk"].staff.add("clerk", PASSWORD, roles=["clerk"])
    url, server = serve(receiver)
    try:
        kiosk = sending_app(tmp_path, f"{url}/backoffice/api/submissions")
        resident = kiosk.test_client()
        post(resident, "/packages", {"package": "open_shop"})
        post(resident, "/form/applicant", PRIVATE)
        call_from(resident, screen="form", next_="/form/applicant")
        assert stored_calls(kiosk) == []          # the call lives at the back office
        row, = stored_calls(receiver)
        assert row["screen"] == "form" and row["kiosk_id"] == "K2"
        assert not any(value in json.dumps(row, ensure_ascii=False)
                       for value in ("Zelda", VALID_ID, "13812345678"))
        clerk = signed_in(receiver)
        post(clerk, f"/backoffice/calls/{row['id']}/on-my-way", page="/backoffice")
        assert resident.get("/call-clerk/state.json").get_json()["state"] == "on_my_way"
        post(resident, "/call-clerk/cancel")
        assert stored_calls(receiver)[0]["state"] == "cancelled"
    finally:
        server.shutdown()


def test_an_unreachable_back_office_is_said_plainly_never_a_500(tmp_path):
    kiosk = sending_app(tmp_path, "http://127.0.0.1:9/backoffice/api/submissions")
    resident = kiosk.test_client()
    post(resident, "/preferences", {"lang": "en", "next": "/"})
    response = call_from(resident)
    assert response.location == "/call-clerk"
    page = resident.get("/call-clerk")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.get_data(as_text=True))
    assert "The call could not be sent" in text and "ask at the counter" in text
    assert 'href="/packages"' in text
