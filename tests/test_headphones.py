"""Private speech on headphones (EN 301 549 5.1.3, Section 508 402.2), on the server side:
plugging in turns read aloud on and says so, pulling out turns it off with a notice, the
resident chooses a slower rate, and Start over puts volume, rate and read aloud back to
kiosk.ini's. What the browser decides: tests/browser/test_private_speech.py."""
import json

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.headphones import MAX_OUTPUTS, outputs
from kiosk.prompts import Prompts
from kiosk.settings import DEFAULT_CONFIG
from support import csrf_token

SHIPPED_CATALOGUE = DEFAULT_CONFIG.parent / "kiosk" / "data" / "catalogue.toml"
SPEAKER = {"deviceId": "a1" * 32, "label": "Built-in Audio Analog Stereo", "kind": "audiooutput"}
HEADSET = {"deviceId": "b2" * 32, "label": "USB Headphones", "kind": "audiooutput"}


def change(client, **fields):
    return client.post("/preferences", data={"csrf_token": csrf_token(client), "next": "/",
                                             **fields})


def plug_in(client, devices=(SPEAKER, HEADSET)):
    return change(client, headphones="plugged", headphone_outputs=json.dumps(list(devices)))


def arrival(page):
    return page.document.find(".//*[@id='main']").get("data-speech-arrival").split()


def notice(page):
    found = page.document.find(".//*[@id='headphones-notice']")
    return found is not None and " ".join(found.text.split())


def test_plugging_headphones_in_turns_read_aloud_on_and_says_so_first(client):
    change(client, lang="en")
    plug_in(client)
    home = client.get("/")
    assert home.document.get("data-speech-volume") == "0.8"
    assert "/speech/en/normal/mode.headphones_on.ogg" in arrival(home)[0]
    assert "screen.home" in arrival(home)[1]
    assert notice(home) == "Headphones plugged in: read aloud is on. It plays only in the headphones."
    switch = home.document.find(".//*[@id='headphones-switch']")
    assert switch.get("data-headphones") == "in"
    assert json.loads(switch.get("data-outputs")) == [SPEAKER, HEADSET]
    again = client.get("/")
    assert notice(again) is False and len(arrival(again)) == 1   # said and shown once
    with client.session_transaction() as session:
        assert session["modes_used"] == ["speech"]


def test_pulling_them_out_turns_read_aloud_off_with_a_notice_and_nothing_spoken(client):
    change(client, lang="en")
    plug_in(client)
    client.get("/")
    change(client, headphones="unplugged", headphone_outputs=json.dumps([SPEAKER]))
    home = client.get("/")
    assert home.document.get("data-speech-volume") is None
    assert "kiosk-speech.js" not in home.get_data(as_text=True)
    assert notice(home).startswith("Headphones unplugged: read aloud is off")
    assert home.document.find(".//*[@id='headphones-switch']").get("data-headphones") == "out"
    with client.session_transaction() as session:
        assert "headphones" not in session and session["modes"]["speech"] is False


def test_the_switch_keeps_what_was_typed_on_a_form_screen(client):
    token = csrf_token(client)
    client.post("/packages", data={"csrf_token": token, "package": "open_shop"})
    client.post("/preferences", data={"csrf_token": token, "draft": "form", "headphones": "plugged",
                                      "next": "/form/applicant", "applicant_name": "김민수"})
    page = client.get("/form/applicant")
    assert 'value="김민수"' in page.get_data(as_text=True)
    # The switch goes through the form, as the mode toggles do.
    buttons = page.document.findall(".//*[@id='headphones-switch']//button")
    assert [b.get("form") for b in buttons] == ["step-form", "step-form"]


@pytest.mark.parametrize("raw", [
    "", "not json", "{}", '"text"', "[1, 2]", json.dumps([{"deviceId": 5}]),
    json.dumps([{"label": "x" * 201}]), json.dumps([SPEAKER] * (MAX_OUTPUTS + 1)),
    "[" * 5000 + "]" * 5000, json.dumps([{"deviceId": "a", "label": "Head\u0000phones\u202e"}]),
])
def test_a_made_up_list_of_outputs_is_dropped_and_the_switch_still_works(client, raw):
    response = change(client, headphones="plugged", headphone_outputs=raw)
    assert response.status_code == 302
    kept = client.get("/").document.find(".//*[@id='headphones-switch']").get("data-outputs")
    assert json.loads(kept) in ([], [{"deviceId": "a", "label": "Headphones", "kind": "audiooutput"}])


@pytest.mark.parametrize("value", ["PLUGGED", "in", "", "plugged ", "__class__"])
def test_a_made_up_headphone_change_changes_nothing(client, value):
    change(client, headphones=value)
    with client.session_transaction() as session:
        assert "headphones" not in session and not session.get("modes", {}).get("speech")


def test_outputs_keeps_only_ids_and_names():
    assert outputs(json.dumps([{**HEADSET, "groupId": "g", "kind": "videoinput"}])) == [HEADSET]


def test_slower_speech_is_the_residents_own_rate_and_starts_from_large_text(client):
    plug_in(client)
    assert "/speech/zh/normal/screen.home.ogg" in arrival(client.get("/"))[-1]
    change(client, toggle="slow_speech")
    page = client.get("/")
    assert "/speech/zh/slow/mode.slow_speech_on.ogg" in arrival(page)[0]
    toggle = page.document.find('.//button[@value="slow_speech"]')
    assert toggle.get("aria-pressed") == "true"
    change(client, toggle="slow_speech")
    change(client, toggle="large_text")     # large text would slow it, but the resident chose
    assert "/normal/screen.home.ogg" in arrival(client.get("/"))[-1]


def test_large_text_still_slows_speech_until_the_resident_chooses(client):
    plug_in(client)
    change(client, toggle="large_text")
    page = client.get("/")
    assert "/slow/screen.home.ogg" in arrival(page)[-1]
    assert page.document.find('.//button[@value="slow_speech"]').get("aria-pressed") == "true"
    change(client, toggle="slow_speech")    # "Slower speech" off: the normal rate again
    assert "/normal/screen.home.ogg" in arrival(client.get("/"))[-1]


def test_start_over_puts_volume_rate_and_read_aloud_back_for_the_next_resident(client):
    """EN 301 549 5.1.3.16: nothing the last resident set carries over."""
    plug_in(client)
    change(client, volume="up")
    change(client, volume="up")
    change(client, toggle="slow_speech")
    page = client.get("/")
    assert page.document.get("data-speech-volume") == "1.0"
    assert "/slow/screen.home.ogg" in arrival(page)[-1]
    # The idle dialog posts here too when time runs out (the form in timeout_dialog.html).
    assert page.document.find(".//form[@action='/start-over']") is not None
    client.post("/start-over", data={"csrf_token": csrf_token(client)})
    with client.session_transaction() as session:
        assert dict(session) == {} or set(session) <= {"csrf_token", "_fresh"}
    home = client.get("/")
    assert home.document.get("data-speech-volume") is None
    assert home.document.find(".//*[@id='headphones-switch']").get("data-headphones") == "out"
    change(client, toggle="speech")
    page = client.get("/")
    assert page.document.get("data-speech-volume") == "0.8"
    assert "/normal/screen.home.ogg" in arrival(page)[-1]


def test_the_headphone_notices_are_prompts_in_every_language_and_never_ask_to_listen():
    prompts = Prompts(load_catalogue(SHIPPED_CATALOGUE))
    assert {"mode.headphones_on", "mode.headphones_off", "mode.slow_speech_on"} <= set(prompts.keys())
    for way in ("speech", "explore", "sign"):
        assert prompts.text("mode.headphones_on", "en", way).startswith("Headphones plugged in")
    assert prompts.text("mode.slow_speech_off", "en") == "Slower speech is off."


def test_the_receipt_keeps_the_listeners_volume_and_headphones_and_finish_wipes_them(client):
    from test_resident_screens import SHOP_ANSWERS
    from support import answer_whole_form
    plug_in(client)
    change(client, volume="down")
    client.post("/packages", data={"csrf_token": csrf_token(client), "package": "open_shop"})
    answer_whole_form(client, SHOP_ANSWERS)
    client.post("/submit", data={"csrf_token": csrf_token(client, "/check")})
    done = client.get("/done")
    assert done.document.get("data-speech-volume") == "0.7"
    assert done.document.find(".//*[@id='headphones-switch']").get("data-headphones") == "in"
    client.post("/start-over", data={"csrf_token": csrf_token(client, "/done")})   # Finish
    home = client.get("/")
    assert home.document.get("data-speech-volume") is None
    assert home.document.find(".//*[@id='headphones-switch']").get("data-headphones") == "out"
