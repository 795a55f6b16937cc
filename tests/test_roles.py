"""Two roles, one package: the central back office serves staff and kiosks, loads no
speech engine or voice model, and shows no resident screens; a kiosk is unchanged."""
import json
import subprocess
import sys
import textwrap

import pytest

from handoff_support import RECORD, SECRET
from kiosk.backoffice.kiosk_register import KioskRegister
from kiosk.handoff import body_of, payload, signed_headers
from support import TESTS, make_app


def central_app(tmp_path, **overrides):
    return make_app(tmp_path / "central", **{"server.role": "backoffice",
                                             "handoff.secret": SECRET, **overrides})


def test_the_central_back_office_sends_the_front_door_to_the_inbox(tmp_path):
    client = central_app(tmp_path).test_client()
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/backoffice")
    assert client.get("/backoffice").status_code == 302        # to the staff sign-in
    assert client.get("/staff/sign-in").status_code == 200


@pytest.mark.parametrize("path", ["/packages", "/form", "/check", "/status", "/call-clerk",
                                  "/speech/prompt/zh/screen.menu", "/voice/say",
                                  "/studio", "/signs/clip/zh/screen.menu"])
def test_resident_screens_and_kiosk_services_are_not_served_centrally(tmp_path, path):
    client = central_app(tmp_path).test_client()
    assert client.get(path).status_code == 404


def test_the_central_role_switches_speech_and_voice_off_whatever_kiosk_ini_says(tmp_path):
    services = central_app(tmp_path, **{"speech.enabled": "yes",
                                        "voice.enabled": "yes"}).extensions["kiosk"]
    assert not services.settings.speech.enabled and not services.settings.voice.enabled
    assert services.speech.engine is None and not services.speech.available()


def test_registered_kiosks_hand_off_to_the_central_back_office_and_no_other(tmp_path):
    kiosk = make_app(tmp_path / "kiosk")
    services = kiosk.extensions["kiosk"]
    reference = services.store.create_submission("K2", RECORD)
    body = body_of(payload(services.store.get_submission(reference), services.catalogue))
    central = central_app(tmp_path)

    def post(secret, kiosk_id=None):
        return central.test_client().post(
            "/backoffice/api/submissions", data=body,
            headers=signed_headers(secret, body, reference, kiosk_id=kiosk_id))
    # Even with its register empty, the centre does not take the hall's shared secret,
    # which a copied kiosk.ini (and every kiosk) holds.
    refused = post(SECRET)
    assert refused.status_code == 401 and "fleet add" in refused.get_json()["message"]
    key = KioskRegister(central.extensions["kiosk"].backoffice_database).add("K2", "Hall 2")
    assert post(SECRET).status_code == 401
    response = post(key, "K2")
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_role_that_does_not_exist_stops_start_up_naming_the_key(tmp_path):
    with pytest.raises(Exception, match=r"\[server\] role.*kiosk, backoffice"):
        make_app(tmp_path, **{"server.role": "central"})


MODULES_LOADED = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from support import make_app
    app = make_app(Path({folder!r}), **{{"server.role": {role!r}, "speech.enabled": "yes",
                                        "voice.enabled": "yes"}})
    client = app.test_client()
    for path in ("/", "/staff/sign-in", "/backoffice", "/packages"):
        client.get(path)
    print(json.dumps(sorted(name for name in sys.modules
                            if name.split(".")[0] in ("pyttsx3", "vosk"))))
""")


def modules_loaded(tmp_path, role):
    script = MODULES_LOADED.format(tests=str(TESTS), folder=str(tmp_path / role), role=role)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=TESTS.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_central_back_office_never_loads_the_speech_engine_or_vosk(tmp_path):
    assert modules_loaded(tmp_path, "backoffice") == []
    # The same check on a kiosk does see the speech engine: it can fail.
    assert "pyttsx3" in modules_loaded(tmp_path, "kiosk")


def test_the_back_office_suite_runs_on_the_database_it_names(tmp_path, backoffice_kind):
    database = make_app(tmp_path).extensions["kiosk"].backoffice_database
    assert database.dialect == backoffice_kind


def test_the_centres_clerks_see_the_catalogue_that_stands_in_every_process(tmp_path):
    from test_distribution import NEW, NEW_TITLE, OLD_TITLE
    central = central_app(tmp_path)
    versions = central.extensions["distribution"].versions

    def title():
        central.test_client().get("/staff/sign-in")          # any request
        return central.extensions["kiosk"].catalogue.packages["open_shop"].title["en"]
    assert title() == OLD_TITLE
    # Published by another process of the centre (the same database): seen next request.
    versions.publish(NEW.encode(), "ops")
    assert title() == NEW_TITLE
    versions.publish(NEW.replace(NEW_TITLE, "Open a shop, third edition").encode(), "ops")
    assert title() == "Open a shop, third edition"
    versions.rollback("ops")
    assert title() == NEW_TITLE
