"""The fleet: a kiosk's heartbeat report (and that it holds nothing a resident typed), the
health rules at a fixed time, the latest heartbeat kept, the worker that sends them over
HTTP and to the built-in back office, the signed API and its hostile input, the clerks'
Kiosks page and `flask fleet status`."""
import copy
import datetime
import json
import time

import pytest
from sqlalchemy import insert

from handoff_support import SECRET, back_office_app, sending_app, serve
from kiosk.background import beat_forever
from kiosk.backoffice import tables
from kiosk.backoffice.fleet import (SILENT_SECONDS, Fleet, check_heartbeat, health,
                                    reason_text)
from kiosk.backoffice.inbox import Rejected
from kiosk.handoff import body_of, signed_headers
from kiosk.heartbeat import Heartbeat, beat, heartbeats_url, HttpHeartbeats
from support import csrf_token, make_app

PASSWORD = "correct horse battery"
UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
VALID_ID = "11010519491231002X"
PRIVATE = {"applicant_name": "Zelda Quartermain", "applicant_id_type": "cn_resident",
           "applicant_id_number": VALID_ID, "applicant_phone": "13812345678"}
SHA = "a" * 64
REPORT = {
    "schema": "kiosk.heartbeat/1", "kiosk_id": "K7", "kiosk_name": "Community centre 2",
    "sent": "2026-11-02T09:00:00+00:00", "software_version": "0.1.0",
    "catalogue": {"version": None, "sha256": SHA}, "clip_library": {"sha256": SHA},
    "outbox": {"pending": 0, "dead": 0, "oldest_pending_seconds": None},
    "speech": {"enabled": True, "engine_ready": True, "unspoken_prompts": 0, "ready": True},
    "voice": {"enabled": True, "models": {"ko": "installed", "zh": "missing"}, "ready": True},
    "signs": {"CSL": {"recorded": 12, "total": 183}},
    "disk": {"free_bytes": 50_000_000_000, "total_bytes": 250_000_000_000},
    "printer": {"state": "unknown"}, "last_resident_activity": None,
}


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


def changed(**parts):
    """REPORT with some of its parts changed: outbox={"pending": 30} merges into outbox."""
    report = copy.deepcopy(REPORT)
    for name, value in parts.items():
        if isinstance(value, dict):
            report[name].update(value)
        else:
            report[name] = value
    return report


def post(client, url, data=None, page="/"):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})})


def signed_in(app, name="clerk", language="en"):
    """A staff member's browser, signed in, its pages in `language` (the hall's is Chinese)."""
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    client.post("/staff/sign-in", data={"csrf_token": token, "name": name,
                                        "password": PASSWORD})
    client.post("/preferences", data={"csrf_token": csrf_token(client, "/staff/sign-in"),
                                      "lang": language, "next": "/"})
    return client


# The kiosk's report.

def test_the_report_follows_its_schema_and_holds_nothing_a_resident_typed(tmp_path):
    app = make_app(tmp_path)
    heartbeat = Heartbeat(app.extensions["kiosk"])
    assert heartbeat.report()["last_resident_activity"] is None
    resident = app.test_client()
    post(resident, "/packages", {"package": "open_shop"})
    post(resident, "/form/applicant", PRIVATE)
    report = heartbeat.report(now=datetime.datetime.now(UTC))
    check_heartbeat(report)
    text = json.dumps(report, ensure_ascii=False)
    for private in ("Zelda", "Quartermain", VALID_ID, "13812345678", "1231002X", "open_shop"):
        assert private not in text, private
    assert report["kiosk_id"] == "K2" and report["kiosk_name"] == "Service hall kiosk 2"
    assert report["software_version"].startswith("0.1.0")
    assert len(report["catalogue"]["sha256"]) == 64 and report["catalogue"]["version"] is None
    assert report["outbox"] == {"pending": 0, "dead": 0, "oldest_pending_seconds": None}
    assert report["disk"]["free_bytes"] > 0 and report["printer"] == {"state": "unknown"}
    assert set(report["signs"]) == {"CSL", "ASL", "KSL"}
    activity = datetime.datetime.fromisoformat(report["last_resident_activity"])
    assert abs((datetime.datetime.now(UTC) - activity).total_seconds()) < 60


def test_a_clerk_signed_in_is_not_resident_activity_and_a_wiped_session_is_remembered(tmp_path):
    app = make_app(tmp_path)
    app.extensions["kiosk"].staff.add("clerk", PASSWORD, roles=["clerk"])
    heartbeat = Heartbeat(app.extensions["kiosk"])
    signed_in(app).get("/backoffice")
    app.test_client().get("/")                 # the home screen showing: nobody is there yet
    assert heartbeat.report()["last_resident_activity"] is None
    resident = app.test_client()
    post(resident, "/packages", {"package": "open_shop"})
    seen = heartbeat.report()["last_resident_activity"]
    assert seen is not None
    post(resident, "/start-over")                          # the session is wiped
    assert heartbeat.report()["last_resident_activity"] >= seen


def test_heartbeats_go_beside_the_submissions():
    assert heartbeats_url("https://cases.example.gov/kiosk/submissions/") == \
        "https://cases.example.gov/kiosk/heartbeats"


# The health rules, at a fixed time.

@pytest.mark.parametrize("report, seconds_since, state, codes", [
    (REPORT, 0, "ok", []),
    (REPORT, SILENT_SECONDS - 1, "ok", []),
    (REPORT, SILENT_SECONDS, "down", ["silent"]),
    (changed(outbox={"pending": 21}), 0, "warning", ["outbox_backing_up"]),
    (changed(outbox={"pending": 20}), 0, "ok", []),
    (changed(outbox={"pending": 1, "oldest_pending_seconds": 601}), 0, "warning",
     ["outbox_backing_up"]),
    (changed(outbox={"dead": 1}), 0, "warning", ["dead_letters"]),
    (changed(disk={"free_bytes": 999_000_000}), 0, "warning", ["disk_nearly_full"]),
    (changed(disk={"free_bytes": 4_000_000_000, "total_bytes": 100_000_000_000}), 0,
     "warning", ["disk_nearly_full"]),
    (changed(speech={"engine_ready": False, "ready": False}), 0, "warning",
     ["speech_not_working"]),
    (changed(speech={"unspoken_prompts": 40, "ready": False}), 0, "warning",
     ["speech_cache_incomplete"]),
    (changed(speech={"enabled": False, "engine_ready": False}), 0, "ok", []),
    (changed(voice={"models": {"ko": "failed"}, "ready": False}), 0, "warning",
     ["voice_failed"]),
    (changed(printer={"state": "out_of_paper"}), 0, "warning", ["printer_out_of_paper"]),
    (changed(printer={"state": "offline"}), 0, "warning", ["printer_offline"]),
    (changed(outbox={"dead": 2}, printer={"state": "error"}), 3600, "down",
     ["silent", "dead_letters", "printer_error"]),
])
def test_health_says_the_state_and_why(report, seconds_since, state, codes):
    found_state, reasons = health(report, T0.isoformat(), at(seconds_since))
    assert found_state == state
    assert [reason["code"] for reason in reasons] == codes
    for reason in reasons:
        assert reason_text(reason)          # every reason has words, figures filled in


def test_reasons_carry_their_figures():
    _, reasons = health(changed(outbox={"pending": 30, "oldest_pending_seconds": 1250}),
                        T0.isoformat(), at(7 * 60))
    assert [reason_text(reason) for reason in reasons] == [
        "Silent for 7 min", "Outbox backing up: 30 waiting, the oldest for 20 min"]
    _, reasons = health(changed(disk={"free_bytes": 800_000_000}), T0.isoformat(), T0)
    assert reason_text(reasons[0]) == "Disk nearly full: 0.8 GB free"


# The latest heartbeat of each kiosk, and kiosks never heard from.

def test_the_latest_heartbeat_is_kept_and_never_heard_kiosks_are_down(backoffice_database):
    fleet = Fleet(backoffice_database)
    assert fleet.receive(REPORT, now=T0) == "created"
    later = changed(sent="2026-11-02T09:01:00+00:00", outbox={"dead": 3})
    assert fleet.receive(later, now=at(60)) == "updated"
    assert fleet.latest("K7") == {"received": at(60).isoformat(), "report": later}
    backoffice_database.run(insert(tables.kiosks).values(
        [{"id": "K9", "name": "Library kiosk", "added": T0.isoformat(), "revoked": ""},
         {"id": "K5", "name": "Old kiosk", "added": T0.isoformat(), "revoked": T0.isoformat()},
         {"id": "K7", "name": "Community centre 2 (register)", "added": T0.isoformat(),
          "revoked": ""}]))
    kiosks = fleet.kiosks(now=at(90))
    assert [(k["kiosk_id"], k["state"], [r["code"] for r in k["reasons"]]) for k in kiosks] == \
        [("K9", "down", ["never_heard"]), ("K7", "warning", ["dead_letters"])]
    assert kiosks[1]["name"] == "Community centre 2 (register)"    # the register's name wins
    assert kiosks[0]["report"] is None and kiosks[0]["received"] is None


def test_a_report_that_breaks_the_schema_is_not_kept(backoffice_database):
    fleet = Fleet(backoffice_database)
    with pytest.raises(Rejected, match="outbox/pending"):
        fleet.receive(changed(outbox={"pending": -1}))
    assert fleet.kiosks() == []


# The worker: one heartbeat per interval, over HTTP and to the built-in back office.

class Counting:
    """Wraps a Fleet to count what it receives."""

    def __init__(self, fleet):
        self.fleet, self.received = fleet, []

    def receive(self, data, now=None):
        self.received.append((time.monotonic(), data))
        return self.fleet.receive(data, now)

    def __getattr__(self, name):
        return getattr(self.fleet, name)


def test_the_worker_sends_one_heartbeat_per_interval_to_a_back_office_over_http(tmp_path):
    receiver = back_office_app(tmp_path)
    counting = receiver.extensions["kiosk"].fleet = Counting(receiver.extensions["kiosk"].fleet)
    url, server = serve(receiver)
    try:
        kiosk = sending_app(tmp_path, f"{url}/backoffice/api/submissions",
                            **{"handoff.heartbeat_seconds": "1"})
        beat_forever(kiosk.extensions["kiosk"], beats=2)
    finally:
        server.shutdown()
    (first, _), (second, report) = counting.received
    assert 0.9 <= second - first < 2.0
    assert report["kiosk_id"] == "K2"
    kiosks = receiver.extensions["kiosk"].fleet.kiosks()
    assert [(k["kiosk_id"], k["state"]) for k in kiosks] == [("K2", kiosks[0]["state"])]
    assert kiosks[0]["state"] in ("ok", "warning")       # heard from: never down


def test_the_worker_hands_heartbeats_to_the_built_in_back_office(tmp_path):
    app = make_app(tmp_path, **{"handoff.heartbeat_seconds": "1"})
    services = app.extensions["kiosk"]
    counting = services.fleet = Counting(services.fleet)
    beat_forever(services, beats=1)
    assert len(counting.received) == 1
    assert services.fleet.latest("K2")["report"]["schema"] == "kiosk.heartbeat/1"


def test_a_back_office_that_cannot_be_reached_is_logged_and_nothing_else(tmp_path, caplog):
    kiosk = sending_app(tmp_path, "http://127.0.0.1:9/backoffice/api/submissions")
    services = kiosk.extensions["kiosk"]
    receiver = HttpHeartbeats(heartbeats_url(services.outbox.target.url), SECRET, 1)
    assert beat(Heartbeat(services), receiver) is False
    assert "heartbeat not taken" in caplog.text
    beat_forever(services, beats=1)                     # returns; raises nothing


def test_heartbeat_seconds_zero_turns_them_off_and_a_bad_value_names_the_key(tmp_path):
    assert make_app(tmp_path, **{"handoff.heartbeat_seconds": "0"}) \
        .extensions["kiosk"].settings.handoff.heartbeat_seconds == 0
    with pytest.raises(Exception, match=r"\[handoff\] heartbeat_seconds"):
        make_app(tmp_path, **{"handoff.heartbeat_seconds": "soon"})


# The signed API.

def signed(body, secret=SECRET):
    return signed_headers(secret, body, "heartbeat")


@pytest.fixture(scope="module")
def api(tmp_path_factory, backoffice_kind):
    return back_office_app(tmp_path_factory.mktemp("api")).test_client()


def test_the_api_keeps_a_heartbeat_201_then_200(api):
    body = body_of(REPORT)
    first = api.post("/backoffice/api/heartbeats", data=body, headers=signed(body))
    assert first.status_code == 201 and first.get_json() == {"status": "created"}
    again = api.post("/backoffice/api/heartbeats", data=body, headers=signed(body))
    assert again.status_code == 200 and again.get_json() == {"status": "updated"}


def _raw(text):
    return text.encode()


HOSTILE = [
    ("unsigned", body_of(REPORT), lambda body: {"Content-Type": "application/json"},
     401, "unauthorized"),
    ("another secret", body_of(REPORT), lambda body: signed(body, "wrong"), 401, "unauthorized"),
    ("not JSON", b"{not json", signed, 400, "invalid"),
    ("a list", b"[1, 2]", signed, 400, "invalid"),
    ("text/plain", body_of(REPORT),
     lambda body: {**signed(body), "Content-Type": "text/plain"}, 415, "unsupported_type"),
    ("missing field", body_of({k: v for k, v in REPORT.items() if k != "disk"}), signed,
     400, "invalid"),
    ("unknown field", body_of({**REPORT, "answers": {"applicant_name": "Zelda"}}), signed,
     400, "invalid"),
    ("unknown inner field", body_of(changed(outbox={"references": ["K2-1"]})), signed,
     400, "invalid"),
    ("huge number", body_of(changed(outbox={"pending": 10 ** 30})), signed, 400, "invalid"),
    ("huge float", _raw(body_of(REPORT).decode().replace(
        '"oldest_pending_seconds": null', '"oldest_pending_seconds": 1e999')), signed,
     400, "invalid"),
    ("NaN", _raw(body_of(REPORT).decode().replace(
        '"oldest_pending_seconds": null', '"oldest_pending_seconds": NaN')), signed,
     400, "invalid"),
    ("a float count", body_of(changed(outbox={"pending": 1.5})), signed, 400, "invalid"),
    ("bad kiosk id", body_of({**REPORT, "kiosk_id": "<script>"}), signed, 400, "invalid"),
    ("time without zone", body_of({**REPORT, "sent": "2026-11-02T09:00:00"}), signed,
     400, "invalid"),
    ("unreal time", body_of({**REPORT, "sent": "2026-13-45T09:00:00Z"}), signed,
     400, "invalid"),
    ("control character", body_of({**REPORT, "kiosk_name": "Hall\u0007"}), signed,
     400, "invalid"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, signed, 413, "too_large"),
    ("deep nesting, small", b"[" * 6000 + b"]" * 6000, signed, 400, "invalid"),
    ("too large", b"{" + b" " * 20_000 + b"}", signed, 413, "too_large"),
    ("too many sign languages", body_of({**REPORT, "signs": {
        f"S{chr(65 + i)}L": {"recorded": 1, "total": 1} for i in range(11)}}), signed,
     400, "invalid"),
]


@pytest.mark.parametrize("case, body, headers_of, status, error", HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_the_api_refuses_hostile_input_with_json_never_a_500(api, case, body, headers_of,
                                                             status, error):
    response = api.post("/backoffice/api/heartbeats", data=body, headers=headers_of(body))
    assert response.status_code == status
    assert response.get_json()["error"] == error and response.get_json()["message"]


def test_nothing_refused_was_kept(tmp_path):
    receiver = back_office_app(tmp_path)
    client = receiver.test_client()
    for _, body, headers_of, _, _ in HOSTILE:
        client.post("/backoffice/api/heartbeats", data=body, headers=headers_of(body))
    assert receiver.extensions["kiosk"].fleet.kiosks() == []


# The clerks' Kiosks page and the command line.

@pytest.fixture(scope="module")
def fleet_app(tmp_path_factory, backoffice_kind):
    """Four kiosks, one of each state and the register's kiosk never heard from."""
    app = make_app(tmp_path_factory.mktemp("fleet"), **{"kiosk.time_zone": "Asia/Shanghai"})
    services = app.extensions["kiosk"]
    services.staff.add("clerk", PASSWORD, roles=["clerk"])
    services.staff.add("interpreter", PASSWORD, roles=["interpreter"])
    now = datetime.datetime.now(UTC)
    services.fleet.receive(changed(kiosk_id="K3", kiosk_name="Hall kiosk 3",
                                   outbox={"dead": 2}), now=now)
    services.fleet.receive(changed(kiosk_id="K4", kiosk_name="Hall kiosk 4"),
                           now=now - datetime.timedelta(minutes=8))
    services.fleet.receive(changed(kiosk_id="K5", kiosk_name="Hall kiosk 5"), now=now)
    services.backoffice_database.run(insert(tables.kiosks).values(
        id="K9", name="Library kiosk", added=now.isoformat()))
    return app


def test_the_kiosks_page_lists_every_kiosk_with_its_state_and_why(fleet_app):
    page = signed_in(fleet_app).get("/backoffice/fleet")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    order = [text.index(name) for name in ("Hall kiosk 4", "Library kiosk", "Hall kiosk 3",
                                           "Hall kiosk 5")]
    assert order == sorted(order)                       # down, down, warning, ok
    for words in ("Never heard from", "Silent for 8 min",
                  "Dead letters (applications that could not be handed off): 2",
                  "(UTC+08:00)", 'href="/backoffice/fleet" aria-current="page"',
                  'data-fleet-poll="/backoffice/fleet.json"', "clerk-fleet.js"):
        assert words in text, words


def test_the_kiosks_page_in_korean_and_chinese(fleet_app):
    clerk = signed_in(fleet_app)
    for language in ("ko", "zh"):
        post(clerk, "/preferences", {"lang": language, "next": "/backoffice/fleet"},
             page="/backoffice/fleet")
        page = clerk.get("/backoffice/fleet")
        assert page.status_code == 200
        assert f'lang="{language}' in page.get_data(as_text=True)


def test_fleet_json_gives_states_the_table_and_what_to_announce(fleet_app):
    answer = signed_in(fleet_app).get("/backoffice/fleet.json").get_json()
    assert answer["states"] == {"K9": "down", "K4": "down", "K3": "warning", "K5": "ok"}
    assert "Silent for 8 min" in answer["html"]
    assert answer["announce"]["K3"] == "Hall kiosk 3 (K3) is now: Warning"


def test_the_kiosks_page_is_for_clerks(fleet_app):
    anyone = fleet_app.test_client()
    assert anyone.get("/backoffice/fleet").status_code == 302
    assert anyone.get("/backoffice/fleet.json").status_code == 302
    assert signed_in(fleet_app, "interpreter").get("/backoffice/fleet").status_code == 403


def test_fleet_status_prints_the_same_table(fleet_app):
    result = fleet_app.test_cli_runner().invoke(args=["fleet", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["kiosk", "name", "state", "last", "heard", "why"]
    assert [line.split()[0] for line in lines[1:5]] == ["K4", "K9", "K3", "K5"]
    assert "Silent for 8 min" in lines[1] and "(UTC+08:00)" in lines[1]
    assert "never" in lines[2] and "Never heard from" in lines[2]
    assert lines[4].rstrip().endswith("-")
    assert lines[-1] == "4 kiosks: 2 down, 1 warning, 1 ok"


def test_fleet_status_with_no_kiosks_says_so(runner):
    result = runner.invoke(args=["fleet", "status"])
    assert result.exit_code == 0
    assert "No kiosk has sent a heartbeat yet" in result.output
