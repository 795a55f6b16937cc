"""Per-kiosk keys: the register of kiosks (add, rotate, revoke, list), the `fleet` commands,
the receiving API that takes only a registered kiosk's own key, and a key rotation while a
kiosk has submissions queued. Hostile requests are refused with 401 JSON and logged."""
import datetime
import json
import logging

import pytest

from handoff_support import RECORD, SECRET, back_office_app, later, sending_app, serve
from kiosk.backoffice.kiosk_register import KioskRegister, RegisterError
from kiosk.clerk_call import call_document
from kiosk.handoff import body_of, signed_headers

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SUBMISSIONS = "/backoffice/api/submissions"


def kiosk(app):
    return app.extensions["kiosk"]


def register_of(app):
    return KioskRegister(kiosk(app).backoffice_database)


def signed_now(secret, body, kiosk_id=None, now=None):
    """Headers as a kiosk signs, at T0 + `now` seconds."""
    return signed_headers(secret, body, "x", now=(T0 + datetime.timedelta(seconds=now or 0))
                          .timestamp(), kiosk_id=kiosk_id)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


# The register.

@pytest.fixture
def register(backoffice_database):
    return KioskRegister(backoffice_database)


def test_a_kiosk_is_added_with_a_key_that_is_never_listed_again(register):
    assert register.is_empty()
    secret = register.add("K7", "  Community   centre 2 ", now=T0)
    assert len(secret) == 64 and int(secret, 16) and secret != register.add("K3", "Hall 1")
    assert not register.is_empty()
    k3, k7 = register.kiosks()
    assert k7["name"] == "Community centre 2" and not k7["revoked"]
    assert [(key["key_id"], key["state"]) for key in k7["keys"]] == [("K7-1", "current")]
    assert secret not in json.dumps(register.kiosks())


@pytest.mark.parametrize("kiosk_id", ["k7", "K", "K1", "K0", "KIOSK77", "", "K7\n", "K 7",
                                      "K７", "K7;drop", None])
def test_an_id_kiosk_ini_would_refuse_is_refused(register, kiosk_id):
    with pytest.raises(RegisterError, match="2 to 6 of"):
        register.add(kiosk_id, "Hall")
    assert register.is_empty()


@pytest.mark.parametrize("name, message", [("", "give the kiosk a name"),
                                           ("   ", "give the kiosk a name"),
                                           ("x" * 81, "at most 80"), ("Hall\x00", "printable")])
def test_a_kiosk_needs_a_short_printable_name(register, name, message):
    with pytest.raises(RegisterError, match=message):
        register.add("K7", name)


def test_an_id_is_registered_once_and_a_revoked_id_is_not_given_again(register):
    register.add("K7", "Hall")
    with pytest.raises(RegisterError, match="already a kiosk K7"):
        register.add("K7", "Another")
    register.revoke("K7", now=T0)
    with pytest.raises(RegisterError, match="revoked on 2026-11-28T09:00Z"):
        register.add("K7", "Hall again")
    for change in (register.revoke, register.rotate):
        with pytest.raises(RegisterError, match="revoked"):
            change("K7")
        with pytest.raises(RegisterError, match="no kiosk K9"):
            change("K9")


def test_only_the_kiosks_own_key_at_a_fresh_time_passes(register):
    k7, k3 = register.add("K7", "Hall"), register.add("K3", "Hall 1")
    body = b'{"kiosk_id": "K7"}'
    assert register.check("K7", signed_now(k7, body), body, 300, now=at(10)) is None
    assert register.check("K7", signed_now(k3, body), body, 300, now=at(10)) \
        == "signature does not match"
    assert register.check("K7", signed_now(k7, body), body + b" ", 300, now=at(10)) \
        == "signature does not match"
    assert "too far" in register.check("K7", signed_now(k7, body), body, 300, now=at(301))
    assert register.check("K9", signed_now(k7, body), body, 300, now=at(0)) \
        == "kiosk not in the register"
    assert register.check("K7" * 500, {}, body, 300) == "malformed kiosk id"
    register.revoke("K7")
    assert register.check("K7", signed_now(k7, body), body, 300, now=at(0)) == "kiosk revoked"


def test_a_rotated_key_keeps_the_old_one_until_the_kiosk_uses_the_new_one(register):
    old = register.add("K7", "Hall", now=T0)
    new = register.rotate("K7", now=at(60))
    body = b"{}"
    states = lambda: [(key["key_id"], key["state"]) for key in register.kiosks()[0]["keys"]]
    assert states() == [("K7-1", "previous"), ("K7-2", "current")]
    for seconds in (70, 80):     # the kiosk has not switched yet: its old key still works
        assert register.check("K7", signed_now(old, body, now=seconds), body, 300,
                              now=at(seconds)) is None
    assert register.check("K7", signed_now(new, body, now=90), body, 300, now=at(90)) is None
    assert states() == [("K7-1", "retired"), ("K7-2", "current")]
    assert "retired key" in register.check("K7", signed_now(old, body, now=95), body, 300,
                                           now=at(95))
    assert register.check("K7", signed_now(new, body, now=99), body, 300, now=at(99)) is None


def test_rotating_twice_before_the_kiosk_switches_keeps_the_key_it_has(register):
    """An operator who lost the printed key rotates again: the kiosk still signs with its
    first key, which must stay accepted; the never-used second key is retired."""
    first = register.add("K7", "Hall", now=T0)
    second = register.rotate("K7", now=at(10))
    third = register.rotate("K7", now=at(20))
    keys = {key["key_id"]: key["state"] for key in register.kiosks()[0]["keys"]}
    assert keys == {"K7-1": "previous", "K7-2": "retired", "K7-3": "current"}
    body = b"{}"
    assert register.check("K7", signed_now(first, body, now=30), body, 300, now=at(30)) is None
    assert "retired" in register.check("K7", signed_now(second, body, now=30), body, 300,
                                       now=at(30))
    assert register.check("K7", signed_now(third, body, now=30), body, 300, now=at(30)) is None


def test_a_revoked_kiosk_keeps_no_key(register, backoffice_database):
    from kiosk.backoffice.tables import kiosk_keys
    from sqlalchemy import select
    register.add("K7", "Hall")
    register.rotate("K7")
    register.revoke("K7")
    rows = backoffice_database.rows(select(kiosk_keys))
    assert {row["state"] for row in rows} == {"retired"} and {row["secret"] for row in rows} == {""}


# The fleet commands.

def test_fleet_add_prints_the_key_once_with_the_lines_to_paste(app, runner):
    empty = runner.invoke(args=["fleet", "list"])
    assert "No kiosks registered" in empty.output
    added = runner.invoke(args=["fleet", "add", "K7", "--name", "Community centre 2",
                                "--url", "https://backoffice.example.gov/"])
    assert added.exit_code == 0, added.output
    secret = added.output.split("secret = ")[1].split()[0]
    assert register_of(app).check("K7", signed_headers(secret, b"{}", "x", kiosk_id="K7"),
                                  b"{}", 300) is None
    assert "[kiosk]\nid = K7" in added.output
    assert "[handoff]\ntarget = http\nsecret = " in added.output
    assert "[handoff.http]\nurl = https://backoffice.example.gov/backoffice/api/submissions" \
        in added.output
    assert "first registered kiosk" in added.output and "shown only this once" in added.output
    listed = runner.invoke(args=["fleet", "list"])
    assert listed.exit_code == 0 and secret not in listed.output
    assert "K7\tCommunity centre 2\tkey K7-1 current since" in listed.output


def test_fleet_rotate_and_revoke_say_what_happens_next(app, runner):
    first = runner.invoke(args=["fleet", "add", "K7", "--name", "Hall"]).output
    assert "https://BACK-OFFICE/backoffice/api/submissions" in first   # no --url: a placeholder
    rotated = runner.invoke(args=["fleet", "rotate", "K7"])
    assert rotated.exit_code == 0 and "secret = " in rotated.output
    assert "old key is accepted until" in rotated.output and "url =" not in rotated.output
    listed = runner.invoke(args=["fleet", "list"]).output
    assert "K7-1 previous (accepted until the kiosk switches)" in listed
    assert "K7-2 current" in listed
    for key in (first, rotated.output):
        assert key.split("secret = ")[1].split()[0] not in listed
    revoked = runner.invoke(args=["fleet", "revoke", "K7"])
    assert revoked.exit_code == 0 and "refused (401)" in revoked.output
    assert "K7\tHall\trevoked 20" in runner.invoke(args=["fleet", "list"]).output


@pytest.fixture(scope="module")
def k7_registered(tmp_path_factory, backoffice_kind):
    """One back office with K7 registered, for the refusals (which change nothing)."""
    from support import make_app
    app = make_app(tmp_path_factory.mktemp("fleet"))
    register_of(app).add("K7", "Hall")
    return app


@pytest.mark.parametrize("args, message", [
    (["fleet", "add", "k7", "--name", "Hall"], "a kiosk id is 2 to 6 of"),
    (["fleet", "add", "K7", "--name", "Hall"], "there is already a kiosk K7 (Hall)"),
    (["fleet", "add", "K9", "--name", ""], "give the kiosk a name"),
    (["fleet", "rotate", "K9"], "there is no kiosk K9"),
    (["fleet", "revoke", "K9"], "there is no kiosk K9"),
    (["fleet", "revoke", "<script>" * 1000], "there is no kiosk"),
])
def test_fleet_commands_refuse_in_one_line_without_a_traceback(k7_registered, args, message):
    result = k7_registered.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1


# The receiving API.

def submission(kiosk_id="K7", reference="K7-261128-7HQM4"):
    from kiosk.handoff import SCHEMA
    return {"schema": SCHEMA, "reference": reference, "kiosk_id": kiosk_id,
            "created": "2026-11-28T10:00:00+08:00", "language": "en", "accessibility_modes": [],
            "package": {"key": "open_shop", "title": "I want to open a shop", "title_zh": "我要开店"},
            "items": RECORD["items"], "answers": {"applicant_name": "Jane Smith"}, "documents": [],
            "eligibility": {"answers": {}, "not_eligible": []}}


def post(app, body, headers, url=SUBMISSIONS):
    return app.test_client().post(url, data=body, headers=headers,
                                  environ_base={"REMOTE_ADDR": "192.0.2.7"})


def _centre(tmp_path):
    app = back_office_app(tmp_path)
    register = register_of(app)
    app.keys = {"K7": register.add("K7", "Hall"), "K3": register.add("K3", "Hall 1"),
                "K5": register.add("K5", "Stolen")}
    register.revoke("K5")
    return app


@pytest.fixture
def centre(tmp_path):
    """A back office with K7 and K3 registered, and K5 revoked; app.keys holds their keys."""
    return _centre(tmp_path)


@pytest.fixture(scope="module")
def refusing_centre(tmp_path_factory, backoffice_kind):
    """The same, once for every hostile request (each is refused, so none changes it)."""
    return _centre(tmp_path_factory.mktemp("centre"))


def test_an_empty_register_keeps_the_shared_secret(tmp_path):
    app = back_office_app(tmp_path)
    for kiosk_id, reference in ((None, "K7-261128-7HQM4"), ("K7", "K7-261128-8HQM3")):
        body = body_of(submission(reference=reference))
        assert post(app, body, signed_headers(SECRET, body, "x", kiosk_id=kiosk_id)) \
            .status_code == 201


def test_a_registered_kiosk_posts_with_its_own_key(centre):
    body = body_of(submission())
    response = post(centre, body, signed_headers(centre.keys["K7"], body, "x", kiosk_id="K7"))
    assert response.status_code == 201
    assert kiosk(centre).backoffice.submission("K7-261128-7HQM4")["kiosk_id"] == "K7"


def _hostile_requests():
    """(what, kiosk id claimed, key name or a secret, document changes, seconds late, the
    reason the refusal gives)."""
    malformed = "malformed kiosk id"
    return [
        ("the shared secret without X-Kiosk-Id", None, SECRET, {}, 0, "send X-Kiosk-Id"),
        ("the shared secret as K7", "K7", SECRET, {}, 0, "signature does not match"),
        ("forged X-Kiosk-Id: K3's key claiming K7", "K7", "K3", {}, 0,
         "signature does not match"),
        ("another kiosk's key in its own name", "K3", "K7", {"kiosk_id": "K3"}, 0,
         "signature does not match"),
        ("a revoked kiosk", "K5", "K5", {"kiosk_id": "K5"}, 0, "kiosk revoked"),
        ("an unregistered kiosk", "K9", "K7", {"kiosk_id": "K9"}, 0, "not in the register"),
        ("a body in another kiosk's name", "K3", "K3", {"kiosk_id": "K7"}, 0,
         "the document's kiosk_id is not the kiosk that signed it"),
        ("a replayed old request", "K7", "K7", {}, -3600, "timestamp too far"),
        ("a very long id", "K7" * 5000, "K7", {}, 0, malformed),
        ("a header injection", "K7\\r\\nX-Admin: 1", "K7", {}, 0, malformed),
        ("an id with spaces and quotes", "K7' OR '1'='1", "K7", {}, 0, malformed),
        ("an empty id", "", "K7", {}, 0, malformed),
        ("a full-width id", "K７", "K7", {}, 0, malformed),
    ]


@pytest.mark.parametrize("what, claimed, key, changes, late, reason", _hostile_requests(),
                         ids=[case[0] for case in _hostile_requests()])
def test_hostile_requests_are_refused_with_401_json_and_logged(refusing_centre, caplog, what,
                                                               claimed, key, changes, late,
                                                               reason):
    centre = refusing_centre
    body = body_of({**submission(), **changes})
    headers = signed_headers(centre.keys.get(key, key), body, "x",
                             now=(datetime.datetime.now(UTC).timestamp() + late))
    if claimed is not None:
        headers["X-Kiosk-Id"] = claimed
    with caplog.at_level(logging.WARNING, logger="kiosk.backoffice.receiving"):
        response = post(centre, body, headers)
    assert response.status_code == 401, what
    assert response.get_json()["error"] == "unauthorized"
    assert reason in response.get_json()["message"]
    line, = [record.getMessage() for record in caplog.records]
    assert "192.0.2.7" in line and reason in line and len(line) < 300
    assert "Jane Smith" not in line and "\n" not in line
    assert repr(claimed[:16]) in line if claimed is not None else "(none)" in line
    assert kiosk(centre).backoffice.submission(submission()["reference"]) is None


def test_a_folded_header_over_real_http_is_refused_and_logged_on_one_line(centre, caplog):
    """What the test client cannot send: a raw request whose X-Kiosk-Id goes on over a
    folded line, as an injection would try."""
    import socket
    body = body_of(submission())
    headers = signed_headers(centre.keys["K7"], body, "x")
    url, server = serve(centre)
    try:
        lines = [f"POST {SUBMISSIONS} HTTP/1.1", f"Host: {url.split('//')[1]}",
                 "X-Kiosk-Id: K7", " X-Admin: yes", f"Content-Length: {len(body)}",
                 *[f"{name}: {value}" for name, value in headers.items()],
                 "Connection: close"]
        with caplog.at_level(logging.WARNING, logger="kiosk.backoffice.receiving"), \
                socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as sock:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    finally:
        server.shutdown()
    status_line = answer.split(b"\r\n", 1)[0]
    assert b" 401 " in status_line, status_line
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "unauthorized"
    line, = [record.getMessage() for record in caplog.records]
    assert "malformed kiosk id" in line and "\n" not in line and "\r" not in line
    assert kiosk(centre).backoffice.submission(submission()["reference"]) is None


def test_ratings_and_calls_take_the_kiosks_own_key_too(centre, caplog):
    rating = body_of({"schema": "kiosk.rating/1", "reference": "K7-261128-7HQM4",
                      "kiosk_id": "K7", "rated": "2026-11-28T10:00:00+08:00", "version": 1,
                      "level": "satisfied", "reasons": []})
    assert post(centre, rating, signed_headers(centre.keys["K3"], rating, "x", kiosk_id="K7"),
                "/backoffice/api/ratings").status_code == 401
    call = body_of(call_document(kiosk(centre).settings, "home", "en", []) | {"kiosk_id": "K7"})
    raised = post(centre, call, signed_headers(centre.keys["K7"], call, "call", kiosk_id="K7"),
                  "/backoffice/api/calls")
    assert raised.status_code == 201
    call_id = raised.get_json()["id"]
    # K3 cannot follow or cancel K7's call: to K3 it is no call at all.
    for url, body in ((f"/backoffice/api/calls/{call_id}/cancel", b"{}"),):
        assert post(centre, body, signed_headers(centre.keys["K3"], body, "call",
                                                 kiosk_id="K3"), url).status_code == 404
        assert post(centre, body, signed_headers(centre.keys["K7"], body, "call",
                                                 kiosk_id="K7"), url).status_code == 200
    looked = centre.test_client().get(f"/backoffice/api/calls/{call_id}", headers=signed_headers(
        centre.keys["K3"], b"", "call", kiosk_id="K3"))
    assert looked.status_code == 404
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


# Kiosks over HTTP: each with its own key, and a rotation with submissions queued.

def test_two_kiosks_each_with_its_own_key_deliver_to_one_back_office(tmp_path):
    centre = back_office_app(tmp_path)
    keys = {kiosk_id: register_of(centre).add(kiosk_id, f"Hall {kiosk_id}")
            for kiosk_id in ("K7", "K3")}
    url, server = serve(centre)
    try:
        kiosks = {kiosk_id: sending_app(tmp_path / kiosk_id, f"{url}{SUBMISSIONS}",
                                        **{"kiosk.id": kiosk_id, "handoff.secret": key,
                                           "handoff.ratings_url": f"{url}/backoffice/api/ratings"})
                  for kiosk_id, key in keys.items()}
        references = {kiosk_id: kiosk(app).store.create_submission(kiosk_id, RECORD)
                      for kiosk_id, app in kiosks.items()}
        for app in kiosks.values():
            assert kiosk(app).outbox.deliver_due() == 1
        for kiosk_id, reference in references.items():
            assert kiosk(centre).backoffice.submission(reference)["kiosk_id"] == kiosk_id
        # A resident's call from K3 goes with K3's key and name.
        call = kiosk(kiosks["K3"]).desk.raise_call(
            call_document(kiosk(kiosks["K3"]).settings, "home", "en", []))
        assert call["state"] == "open"
        assert kiosk(centre).calls.call(call["id"])["kiosk_id"] == "K3"
        # A machine that copied K7's key but says it is K3 gets nowhere.
        thief = sending_app(tmp_path / "thief", f"{url}{SUBMISSIONS}",
                            **{"kiosk.id": "K3", "handoff.secret": keys["K7"]})
        stolen = kiosk(thief).store.create_submission("K3", RECORD)
        assert kiosk(thief).outbox.deliver_due() == 0
        assert kiosk(thief).outbox.status()["dead"] == 1
        assert kiosk(centre).backoffice.submission(stolen) is None
    finally:
        server.shutdown()


def test_a_rotation_loses_no_queued_submission(tmp_path):
    """The centre rotates K7's key while K7 has submissions queued: they are delivered with
    the old key; the operator pastes the new key; later ones verify with the new key, and
    from then on the old key is refused."""
    centre = back_office_app(tmp_path)
    old_key = register_of(centre).add("K7", "Hall")
    url, server = serve(centre)
    try:
        def k7(url, key):     # the kiosk (re)started with these settings, on its own database
            return sending_app(tmp_path, url, **{"kiosk.id": "K7", "handoff.secret": key})

        # The centre is unreachable: three submissions wait in K7's outbox.
        offline = k7("http://127.0.0.1:9/backoffice/api/submissions", old_key)
        queued = [kiosk(offline).store.create_submission("K7", RECORD) for _ in range(3)]
        assert kiosk(offline).outbox.deliver_due() == 0
        new_key = register_of(centre).rotate("K7")

        # The centre is back; the kiosk has not switched: its old key is accepted.
        before_switch = k7(f"{url}{SUBMISSIONS}", old_key)
        queued.append(kiosk(before_switch).store.create_submission("K7", RECORD))
        assert kiosk(before_switch).outbox.deliver_due(now=later(hours=1)) == 4
        # More wait while the operator pastes the new key.
        waiting = [kiosk(before_switch).store.create_submission("K7", RECORD) for _ in range(2)]

        switched = k7(f"{url}{SUBMISSIONS}", new_key)
        assert kiosk(switched).outbox.deliver_due() == 2
        assert kiosk(switched).outbox.status() | {"last_delivered": None} == {
            "pending": 0, "delivered": 6, "dead": 0, "oldest_pending_seconds": None,
            "last_delivered": None}
        for reference in queued + waiting:
            assert kiosk(centre).backoffice.submission(reference)["kiosk_id"] == "K7"
        keys = {key["key_id"]: key["state"] for key in register_of(centre).kiosks()[0]["keys"]}
        assert keys == {"K7-1": "retired", "K7-2": "current"}

        # The old key no longer works, for anyone.
        body = body_of(submission(reference="K7-261128-9HQM2"))
        response = post(centre, body, signed_headers(old_key, body, "x", kiosk_id="K7"))
        assert response.status_code == 401 and "retired key" in response.get_json()["message"]
    finally:
        server.shutdown()
