"""One catalogue and one clip library for every kiosk: the centre publishes, kiosks pull,
check, keep a last good copy and switch between residents; clips go by content hash."""
import hashlib
import http.server
import json
import socket
import threading

import pytest

from handoff_support import SECRET, serve
from kiosk.backoffice.publishing import CatalogueVersions, PublishRefused
from kiosk.backoffice.tables import catalogue_versions
from kiosk.catalogue import load_catalogue
from kiosk.centre import Centre, CentreRefused
from kiosk.clip_sync import ClipSync
from kiosk.distribution import catalogue_version, clip_library_version, distribute_once
from kiosk.errors import CatalogueError
from kiosk.handoff import signed_headers, signature, verify
from kiosk.heartbeat import Heartbeat
from support import MINI_CATALOGUE, answer_whole_form, csrf_token, make_app, recorded_clip

PASSWORD = "correct horse battery"
MINI = MINI_CATALOGUE.read_text(encoding="utf-8")
OLD_TITLE, NEW_TITLE = "I want to open a shop", "Open a shop, the 2027 way"
NEW = MINI.replace(f'en = "{OLD_TITLE}"', f'en = "{NEW_TITLE}"')
BROKEN = MINI.replace('department = "market"', 'department = "markett"', 1)
SHOP_ANSWERS = {"applicant_name": "张三", "applicant_id_type": "cn_resident",
                "applicant_id_number": "11010519491231002X", "applicant_phone": "13812345678",
                "shop_name": "小面馆", "shop_kind": "restaurant"}


def kiosk(app):
    return app.extensions["kiosk"]


def versions(app):
    return app.extensions["distribution"].versions


def centre_app(tmp_path):
    """The centre: a back office with its own database and clip library."""
    return make_app(tmp_path / "centre", **{"handoff.secret": SECRET,
                                            "signs.library_dir": str(tmp_path / "centre-signs")})


def kiosk_app(tmp_path, centre_url, name="kiosk"):
    """A kiosk that hands off to (and pulls from) the centre at `centre_url`."""
    return make_app(tmp_path / name, **{
        "handoff.target": "http", "handoff.url": f"{centre_url}/backoffice/api/submissions",
        "handoff.secret": SECRET, "handoff.timeout_seconds": "2",
        "signs.library_dir": str(tmp_path / name / "signs")})


def closed_port_url():
    """The address of a port nothing listens on: a centre that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def en_title(app):
    return kiosk(app).catalogue.packages["open_shop"].title["en"]


# Publishing centrally: checked as at start-up, every version kept, rollback.

def test_a_published_catalogue_is_kept_with_its_hash_who_and_when(backoffice_database):
    published = CatalogueVersions(backoffice_database)
    assert published.publish(MINI.encode(), "ops") == 1
    assert published.publish(NEW.encode(), "ops") == 2
    current = published.current()
    assert current["version"] == 2 and current["body"] == NEW
    assert current["sha256"] == hashlib.sha256(NEW.encode()).hexdigest()
    assert [row["version"] for row in published.versions()] == [2, 1]
    assert all(row["published_by"] == "ops" and row["published"] for row in published.versions())


def test_an_invalid_catalogue_is_refused_with_the_start_up_message(backoffice_database, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CatalogueError) as at_start_up:
        load_catalogue(broken)
    with pytest.raises(PublishRefused) as published:
        CatalogueVersions(backoffice_database).publish(BROKEN.encode(), "ops", source=str(broken))
    assert str(published.value) == str(at_start_up.value)
    assert 'item "business_licence": field "department"' in str(published.value)
    assert CatalogueVersions(backoffice_database).versions() == []


@pytest.mark.parametrize("data, expected", [
    (b"this is = = not toml", "not valid TOML"),
    (b"", "the file is empty"),
    (b"\xff\xfe\x00not text", "not UTF-8 text"),
    (b"#" * (1024 * 1024 + 1), "larger than 1024 kB"),
    (b'[meta]\nname = "x"\n', "is missing or empty"),
])
def test_hostile_files_are_refused_with_a_clear_reason(backoffice_database, data, expected):
    with pytest.raises(PublishRefused, match=expected):
        CatalogueVersions(backoffice_database).publish(data, "ops", source="upload.toml")


def test_rollback_withdraws_the_latest_and_the_one_before_stands_again(backoffice_database):
    published = CatalogueVersions(backoffice_database)
    published.publish(MINI.encode(), "ops")
    published.publish(NEW.encode(), "ops")
    assert published.rollback("lead") == (2, 1)
    assert published.current()["version"] == 1
    withdrawn = published.versions()[0]
    assert withdrawn["withdrawn"] and withdrawn["withdrawn_by"] == "lead"
    with pytest.raises(PublishRefused, match="no earlier version"):
        published.rollback("lead")
    with pytest.raises(PublishRefused, match="already published, as version 1"):
        published.publish(MINI.encode(), "ops")


def test_the_catalogue_commands_publish_list_and_roll_back(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    (tmp_path / "new.toml").write_text(NEW, encoding="utf-8")
    (tmp_path / "broken.toml").write_text(BROKEN, encoding="utf-8")
    assert "no catalogue has been published" in runner.invoke(
        args=["catalogue", "versions"]).output.lower()
    result = runner.invoke(args=["catalogue", "publish", str(tmp_path / "new.toml")])
    assert result.exit_code == 0 and "catalogue version 1" in result.output
    runner.invoke(args=["catalogue", "publish", str(MINI_CATALOGUE)])
    refused = runner.invoke(args=["catalogue", "publish", str(tmp_path / "broken.toml")])
    assert refused.exit_code == 1 and "not published" in refused.output
    assert 'field "department"' in refused.output and "Traceback" not in refused.output
    listed = runner.invoke(args=["catalogue", "versions"]).output
    assert "2" in listed and "in use" in listed and "kept for rollback" in listed
    result = runner.invoke(args=["catalogue", "rollback"])
    assert result.exit_code == 0 and "Version 2 is withdrawn; version 1 stands" in result.output
    assert runner.invoke(args=["catalogue", "rollback"]).exit_code == 1
    # The check of kiosk.ini's catalogue is still the group's own command.
    assert "valid" in runner.invoke(args=["catalogue"]).output


# The operator's upload page.

def signed_in_operator(app):
    """A browser where the operator "ops" has signed in."""
    kiosk(app).staff.add("ops", PASSWORD, roles=["operator"])
    client = app.test_client()
    client.post("/staff/sign-in", data={"csrf_token": csrf_token(client, "/staff/sign-in"),
                                        "name": "ops", "password": PASSWORD})
    return client


@pytest.fixture
def operator(tmp_path):
    app = make_app(tmp_path)
    client = signed_in_operator(app)
    # Signing in starts a fresh session in the hall's language; these tests read English.
    client.post("/preferences", data={"csrf_token": csrf_token(client, "/backoffice/catalogue"),
                                      "lang": "en", "next": "/backoffice/catalogue"})
    client.application = app
    return client


def upload(client, data, name="catalogue.toml", **extra):
    import io
    token = csrf_token(client, "/backoffice/catalogue")
    return client.post("/backoffice/catalogue", content_type="multipart/form-data",
                       data={"csrf_token": token, "catalogue": (io.BytesIO(data), name),
                             **extra})


def test_the_operator_publishes_an_upload_and_rolls_back(operator):
    response = upload(operator, NEW.encode())
    assert response.status_code == 302
    page = operator.get("/backoffice/catalogue").get_data(as_text=True)
    assert "Catalogue version 1 is published" in page and "In use" in page
    upload(operator, MINI.encode())
    assert versions(operator.application).current()["version"] == 2
    response = operator.post("/backoffice/catalogue/rollback",
                             data={"csrf_token": csrf_token(operator, "/backoffice/catalogue")})
    assert response.status_code == 302
    assert versions(operator.application).current()["version"] == 1
    page = operator.get("/backoffice/catalogue").get_data(as_text=True)
    assert "Version 2 is withdrawn; version 1 stands again." in page
    assert "Withdrawn" in page and "Kept for rollback" not in page
    operator.post("/backoffice/catalogue/rollback",
                  data={"csrf_token": csrf_token(operator, "/backoffice/catalogue")})
    page = operator.get("/backoffice/catalogue").get_data(as_text=True)
    assert "Nothing was rolled back: version 1 is the only one standing" in page


HOSTILE_UPLOADS = [
    (BROKEN.encode(), "district.toml", 'district.toml: item "business_licence": field "department"'),
    (b"not = toml = at all", "x.toml", "not valid TOML"),
    (b"\x00\x01\x02\xff", "clip.webm", "not UTF-8 text"),
    (b"#" * (1024 * 1024 + 10), "huge.toml", "larger than 1024 kB"),
    (b"", "empty.toml", "the file is empty"),
]


def test_hostile_uploads_show_the_reason_in_the_operators_page_never_an_error(operator):
    for data, name, expected in HOSTILE_UPLOADS:
        response = upload(operator, data, name=name)
        assert response.status_code == 422, name
        page = response.get_data(as_text=True)
        assert "This catalogue cannot be published" in page
        assert expected.replace('"', "&#34;") in page, name
    assert versions(operator.application).versions() == []
    # A path for a name is only a name in the message; the same file twice is refused.
    upload(operator, MINI.encode(), name="../../etc/passwd")
    again = upload(operator, MINI.encode(), name="../../etc/passwd")
    assert again.status_code == 422 and "passwd: this catalogue is already published" in \
        again.get_data(as_text=True)


def test_an_upload_far_too_large_or_without_a_file_or_token_is_a_calm_page(operator):
    assert upload(operator, b"#" * (3 * 1024 * 1024)).status_code == 413
    token = csrf_token(operator, "/backoffice/catalogue")
    assert operator.post("/backoffice/catalogue", data={"csrf_token": token}).status_code == 400
    forged = operator.post("/backoffice/catalogue", content_type="multipart/form-data",
                           data={"catalogue": (__import__("io").BytesIO(MINI.encode()), "c.toml")})
    assert forged.status_code == 400
    assert versions(operator.application).versions() == []


def test_the_catalogue_page_is_in_the_operators_language(operator):
    for language in ("zh", "ko", "en"):
        operator.post("/preferences", data={
            "csrf_token": csrf_token(operator, "/backoffice/catalogue"), "lang": language,
            "next": "/backoffice/catalogue"})
        page = operator.get("/backoffice/catalogue")   # checked: one h1, a title, no dup ids
        assert page.status_code == 200
        assert page.document.get("lang") == {"zh": "zh-Hans"}.get(language, language)
    assert page.document.find(".//h1").text.strip() == "The district's catalogue"


def test_only_operators_open_the_catalogue_page(operator):
    app = operator.application
    kiosk(app).staff.add("clerk", PASSWORD, roles=["clerk"])
    clerk = app.test_client()
    clerk.post("/staff/sign-in", data={"csrf_token": csrf_token(clerk, "/staff/sign-in"),
                                       "name": "clerk", "password": PASSWORD})
    assert clerk.get("/backoffice/catalogue").status_code == 403
    assert app.test_client().get("/backoffice/catalogue").status_code == 302


# The signed API.

def signed_get(client, url):
    return client.get(url, headers={key: value for key, value in
                                    signed_headers(kiosk(client.application).handoff_secret,
                                                   b"", "").items()
                                    if key.startswith("X-")})


def test_the_catalogue_api_needs_a_signature_and_signs_its_answer(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    client.application = app
    unsigned = client.get("/backoffice/api/catalogue")
    assert unsigned.status_code == 401 and unsigned.json["error"] == "unauthorized"
    assert signed_get(client, "/backoffice/api/catalogue").status_code == 204  # none yet
    versions(app).publish(MINI.encode(), "ops")
    answer = signed_get(client, "/backoffice/api/catalogue")
    assert answer.status_code == 200 and answer.json["version"] == 1
    assert answer.json["body"] == MINI
    assert verify(kiosk(app).handoff_secret, answer.headers, answer.get_data(), 300) is None
    assert signed_get(client, "/backoffice/api/catalogue?have=1").status_code == 204
    assert signed_get(client, "/backoffice/api/catalogue?have=7").status_code == 200


class FakeCentre:
    """Answers every request with one prepared body and headers (a tampering proxy)."""

    def __init__(self, body, headers):
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                for name, value in {**fake.headers, "Content-Length": str(len(fake.body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(fake.body)

            def log_message(self, *args):
                pass

        self.body, self.headers = body, headers
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


def catalogue_answer(text, version=5, secret=SECRET, sha256=None):
    body = json.dumps({"schema": "kiosk.catalogue/1", "version": version, "body": text,
                       "sha256": sha256 or hashlib.sha256(text.encode()).hexdigest(),
                       "published": "2026-11-28T10:00:00+00:00"}).encode()
    headers = signed_headers(secret, body, "")
    return body, {"X-Kiosk-Timestamp": headers["X-Kiosk-Timestamp"],
                  "X-Kiosk-Signature": headers["X-Kiosk-Signature"]}


def test_a_kiosk_refuses_a_catalogue_that_is_not_the_centres(tmp_path, caplog):
    fake = FakeCentre(b"", {})
    app = kiosk_app(tmp_path, fake.url)
    signed_body, signed = catalogue_answer(NEW)
    for tamper, (body, headers) in {
            "altered on the way": (signed_body.replace(NEW_TITLE.encode(), b"Pay here first"),
                                   signed),
            "another secret": catalogue_answer(NEW, secret="not the hall's secret"),
            "unsigned": (signed_body, {}),
            "a wrong hash": catalogue_answer(NEW, sha256="0" * 64),
            "not a catalogue a kiosk can run": catalogue_answer(BROKEN),
            "not JSON": (b"<html>", signed)}.items():
        fake.body, fake.headers = body, headers
        caplog.clear()
        distribute_once_catalogue(app)
        assert en_title(app) == OLD_TITLE and catalogue_version(app) is None, tamper
        assert not (tmp_path / "kiosk" / "catalogue" / "current.json").exists(), tamper
        assert "refused" in caplog.text, tamper
    fake.body, fake.headers = signed_body, signed      # and the real thing is taken
    distribute_once_catalogue(app)
    assert en_title(app) == NEW_TITLE and catalogue_version(app) == 5
    fake.server.shutdown()


def distribute_once_catalogue(app):
    """One pass of the worker for the catalogue only (the clip part needs a real centre)."""
    distribution = app.extensions["distribution"]
    pulled = distribution.updates.pull()
    if pulled:
        distribution.switch.offer(*pulled)
    distribution.switch.switch_if_free(kiosk(app))


# A kiosk pulls, keeps its last good copy, and switches between residents.

def test_a_kiosk_pulls_the_published_catalogue_and_keeps_it_when_the_centre_is_down(tmp_path):
    centre = centre_app(tmp_path)
    url, server = serve(centre)
    app = kiosk_app(tmp_path, url)
    distribute_once(app)                        # nothing published yet: kiosk.ini's file
    assert catalogue_version(app) is None and en_title(app) == OLD_TITLE
    versions(centre).publish(NEW.encode(), "ops")
    distribute_once(app)
    assert catalogue_version(app) == 1 and en_title(app) == NEW_TITLE
    copy = tmp_path / "kiosk" / "catalogue"
    assert json.loads((copy / "current.json").read_text())["version"] == 1
    assert (copy / "catalogue-1.toml").read_text(encoding="utf-8") == NEW
    assert not list(copy.glob("*.part"))
    # The prompts, the search and the outbox's titles came with it.
    services = kiosk(app)
    assert services.prompts.catalogue is services.catalogue is services.outbox.catalogue
    server.shutdown()
    server.server_close()

    distribute_once(app)                        # the centre is down: nothing changes
    assert catalogue_version(app) == 1 and en_title(app) == NEW_TITLE
    # And at the next start, with the centre still down, the kiosk starts on its copy.
    restarted = kiosk_app(tmp_path, closed_port_url())
    assert catalogue_version(restarted) == 1 and en_title(restarted) == NEW_TITLE
    # A copy spoiled on disk is not used: the kiosk starts on kiosk.ini's file.
    (copy / "catalogue-1.toml").write_text(BROKEN, encoding="utf-8")
    spoiled = kiosk_app(tmp_path, closed_port_url())
    assert catalogue_version(spoiled) is None and en_title(spoiled) == OLD_TITLE


def test_the_worker_pulls_every_pull_seconds_and_the_setting_is_checked(tmp_path):
    from kiosk.distribution import distribute_forever
    from kiosk.errors import SettingsError
    centre = centre_app(tmp_path)
    url, server = serve(centre)
    versions(centre).publish(NEW.encode(), "ops")
    app = kiosk_app(tmp_path, url)
    assert kiosk(app).settings.handoff.pull_seconds == 300
    distribute_forever(app, passes=1)
    assert catalogue_version(app) == 1
    server.shutdown()
    with pytest.raises(SettingsError, match=r"\[handoff\] pull_seconds must be between 10"):
        make_app(tmp_path / "bad", **{"handoff.pull_seconds": "1"})


def test_a_kiosk_follows_a_rollback(tmp_path):
    centre = centre_app(tmp_path)
    url, server = serve(centre)
    app = kiosk_app(tmp_path, url)
    versions(centre).publish(MINI.encode(), "ops")
    versions(centre).publish(NEW.encode(), "ops")
    distribute_once(app)
    assert catalogue_version(app) == 2 and en_title(app) == NEW_TITLE
    versions(centre).rollback("ops")
    distribute_once(app)
    assert catalogue_version(app) == 1 and en_title(app) == OLD_TITLE
    server.shutdown()


def resident_post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})})


def test_the_resident_on_the_screen_finishes_on_the_old_catalogue_and_the_next_gets_the_new(
        tmp_path):
    centre = centre_app(tmp_path)
    url, server = serve(centre)
    app = kiosk_app(tmp_path, url)
    resident = app.test_client()
    resident_post(resident, "/preferences", {"lang": "en", "next": "/"})
    resident_post(resident, "/packages", {"package": "open_shop"})
    first_section = resident.get("/form").location
    resident_post(resident, first_section, SHOP_ANSWERS)     # half the form answered
    assert OLD_TITLE in resident.get("/builder").get_data(as_text=True)

    versions(centre).publish(NEW.encode(), "ops")
    distribute_once(app)                      # pulled, on disk, but waiting for the resident
    assert (tmp_path / "kiosk" / "catalogue" / "catalogue-1.toml").exists()
    assert catalogue_version(app) is None and en_title(app) == OLD_TITLE

    answer_whole_form(resident, SHOP_ANSWERS)
    check = resident.get("/check").get_data(as_text=True)
    assert OLD_TITLE in check and NEW_TITLE not in check
    assert resident_post(resident, "/submit").location == "/done"
    reference = kiosk(app).store.db.execute("select reference from submissions").fetchone()[0]
    assert kiosk(app).store.get_submission(reference)["package"]["title"] == OLD_TITLE
    assert resident.get("/done").status_code == 200
    assert catalogue_version(app) is None     # the confirmation is still on the screen
    resident_post(resident, "/start-over")    # Finish

    following = app.test_client()
    resident_post(following, "/preferences", {"lang": "en", "next": "/"})
    assert catalogue_version(app) == 1
    assert NEW_TITLE in following.get("/packages").get_data(as_text=True)
    # The heartbeat tells the fleet page which version the kiosk runs, and its copy.
    reported = Heartbeat(kiosk(app), app.extensions["distribution"]).report()["catalogue"]
    assert reported == {"version": 1, "sha256": hashlib.sha256(NEW.encode()).hexdigest()}
    server.shutdown()


def test_a_staff_session_does_not_hold_back_a_new_catalogue(tmp_path):
    app = make_app(tmp_path)
    signed_in_operator(app)
    switch = app.extensions["distribution"].switch
    (tmp_path / "new.toml").write_text(NEW, encoding="utf-8")
    switch.offer(load_catalogue(tmp_path / "new.toml"), 3)
    assert switch.switch_if_free(kiosk(app)) and en_title(app) == NEW_TITLE


def test_the_home_screen_waiting_for_somebody_does_not_hold_back_a_new_catalogue(tmp_path):
    """The kiosk's browser on the home screen has a session holding only its anti-forgery
    token (every wipe leaves one): nobody is mid-journey, so the switch goes ahead."""
    app = make_app(tmp_path)
    home = app.test_client()
    assert home.get("/").status_code == 200 and csrf_token(home)
    switch = app.extensions["distribution"].switch
    (tmp_path / "new.toml").write_text(NEW, encoding="utf-8")
    switch.offer(load_catalogue(tmp_path / "new.toml"), 3)
    assert switch.switch_if_free(kiosk(app)) and en_title(app) == NEW_TITLE


def test_no_switch_while_the_worker_takes_clips_into_the_library(tmp_path):
    """A switch swaps the sign library: not while the worker is adding clips to it."""
    app = make_app(tmp_path)
    switch = app.extensions["distribution"].switch
    (tmp_path / "new.toml").write_text(NEW, encoding="utf-8")
    switch.offer(load_catalogue(tmp_path / "new.toml"), 3)
    with switch.clips_busy:
        assert not switch.switch_if_free(kiosk(app)) and en_title(app) == OLD_TITLE
    assert switch.switch_if_free(kiosk(app)) and en_title(app) == NEW_TITLE


# One clip library: recorded on one kiosk, fetched by hash by another.

@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A real two-second VP8 WebM clip, as the studio records."""
    return recorded_clip(tmp_path_factory.mktemp("clips") / "clip.webm")


@pytest.fixture(scope="module")
def another_video(tmp_path_factory):
    """A second recording: other content, so another hash."""
    return recorded_clip(tmp_path_factory.mktemp("clips") / "again.webm", "testsrc2")


def a_prompt(app):
    return sorted(key for key in kiosk(app).prompts.keys() if key.startswith("screen."))[0]


def test_a_clip_recorded_on_one_kiosk_reaches_another_by_its_hash(tmp_path, video,
                                                                  another_video):
    centre = centre_app(tmp_path)
    url, server = serve(centre)
    recorder, other = kiosk_app(tmp_path, url, "k1"), kiosk_app(tmp_path, url, "k2")
    key = a_prompt(recorder)
    clip = kiosk(recorder).signs.save(key, "CSL", video, "王老师", text="欢迎")
    distribute_once(recorder)
    rows = centre.extensions["distribution"].clip_library.since()
    sha256 = hashlib.sha256(video.read_bytes()).hexdigest()
    assert [(row["key"], row["sha256"]) for row in rows] == [(key, sha256)]
    assert (tmp_path / "centre" / "clip-library" / sha256).read_bytes() == video.read_bytes()

    distribute_once(other)
    fetched = kiosk(other).signs.clip(key, "CSL")
    assert fetched is not None and fetched.signer == "王老师" and fetched.file == clip.file
    assert fetched.text_sha256 == clip.text_sha256
    assert (tmp_path / "k2" / "signs" / clip.file).read_bytes() == video.read_bytes()
    manifest = json.loads((tmp_path / "k2" / "signs" / "manifest.json").read_text())
    assert [entry["key"] for entry in manifest["clips"]] == [key]
    assert clip_library_version(other) == rows[0]["uploaded"]
    assert clip_library_version(centre) == rows[0]["uploaded"]
    # Nothing is sent or fetched twice.
    assert kiosk(other).signs.clip(key, "CSL") is not None
    sync = other.extensions["distribution"].clip_sync
    assert sync.run(kiosk(other).signs) == (0, 0)
    # A newer recording on the other kiosk goes back the other way; a sample goes nowhere.
    redone = kiosk(other).signs.save(key, "CSL", another_video, "李老师", text="欢迎")
    other_key = sorted(kiosk(recorder).prompts.keys())[-1]
    kiosk(recorder).signs.save(other_key, "CSL", video, "样片", status="sample")
    distribute_once(other)
    distribute_once(recorder)
    assert kiosk(recorder).signs.clip(key, "CSL").signer == redone.signer == "李老师"
    assert kiosk(other).signs.clip(other_key, "CSL") is None
    server.shutdown()


def test_the_clip_api_refuses_unsigned_tampered_and_answers_a_duplicate_with_200(tmp_path, video):
    from kiosk.backoffice.clip_library import upload_body
    app = centre_app(tmp_path)
    client = app.test_client()
    data = video.read_bytes()
    entry = {"key": "screen.home", "sign_language": "CSL", "suffix": ".webm", "duration": 2.0,
             "signer": "x", "status": "recorded", "recorded": "2026-11-28", "text_sha256": "",
             "sha256": hashlib.sha256(data).hexdigest()}

    def post(body, signed=True):
        headers = signed_headers(SECRET, body, "") if signed else {}
        headers["Content-Type"] = "application/x-kiosk-clip"
        return client.post("/backoffice/api/clips", data=body, headers=headers)

    assert post(upload_body(entry, data), signed=False).status_code == 401
    assert post(upload_body(entry, data)).status_code == 201
    assert post(upload_body(entry, data)).status_code == 200        # a duplicate
    cut = post(upload_body(entry, data[:-100]))
    assert cut.status_code == 400 and cut.json["error"] == "hash_mismatch"
    for hostile in (b"no newline at all", b"{not json\n" + data,
                    upload_body({**entry, "key": "../../etc"}, data),
                    upload_body({**entry, "suffix": ".exe"}, data)):
        answer = post(hostile)
        assert answer.status_code == 400 and answer.json["error"]
    fake = b"not a video at all"
    answer = post(upload_body({**entry, "sha256": hashlib.sha256(fake).hexdigest()}, fake))
    assert answer.status_code == 422 and answer.json["error"] in ("not_video", "damaged")
    assert client.get("/backoffice/api/clips").status_code == 401
    assert client.get(f"/backoffice/api/clips/{entry['sha256']}").status_code == 401
    listed = client.get("/backoffice/api/clips", headers=signed_headers(SECRET, b"", ""))
    assert listed.status_code == 200 and verify(SECRET, listed.headers, listed.get_data(), 300) \
        is None and len(listed.json["clips"]) == 1
    bad_hash = client.get("/backoffice/api/clips/..%2F..%2Fetc",
                          headers=signed_headers(SECRET, b"", ""))
    assert bad_hash.status_code in (400, 404)


class ClipCentre(FakeCentre):
    """Serves one clip's bytes at any address (cut short or altered, as a test needs)."""


@pytest.mark.parametrize("spoil", ["truncated", "altered"])
def test_a_spoilt_clip_download_is_refused_and_leaves_no_partial_file(tmp_path, video, spoil):
    data = video.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    served = data[:len(data) // 2] if spoil == "truncated" else data[:-1] + b"\x00"
    fake = ClipCentre(served, {})
    folder = tmp_path / "signs" / "CSL"
    folder.mkdir(parents=True)
    target = folder / "screen.home.webm"
    target.write_bytes(b"the clip the kiosk has now")
    sync = ClipSync(Centre(fake.url, SECRET, 2, 300), tmp_path / "state.json", 10 ** 7)
    with pytest.raises(CentreRefused, match="cut short or altered"):
        sync.download(sha256, target)
    assert target.read_bytes() == b"the clip the kiosk has now"
    assert sorted(path.name for path in folder.iterdir()) == ["screen.home.webm"]
    fake.server.shutdown()


def test_the_response_signature_covers_the_body():
    body = b'{"version": 1}'
    headers = {"X-Kiosk-Timestamp": "1000", "X-Kiosk-Signature": signature(SECRET, 1000, body)}
    assert verify(SECRET, headers, body, 300, now=1000) is None
    assert verify(SECRET, headers, body + b" ", 300, now=1000) == "signature does not match"


def test_the_tables_and_the_migration_agree_on_the_distribution_tables(backoffice_database):
    from sqlalchemy import inspect
    inspector = inspect(backoffice_database.engine)
    for table in (catalogue_versions,):
        assert {column["name"] for column in inspector.get_columns(table.name)} == \
            {column.name for column in table.columns}
    assert set(inspector.get_pk_constraint("clips")["constrained_columns"]) == {
        "sha256", "prompt_key", "sign_language"}
