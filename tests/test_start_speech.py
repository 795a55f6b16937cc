"""Starting read aloud without sight: the home screen's spoken hint, and turn_on=speech (sent
by a long press or the keypad's help key), which turns read aloud on and never off.
In the browser: tests/browser/test_speech_without_sight.py."""
import re

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.prompts import Prompts
from kiosk.settings import DEFAULT_CONFIG, LANGUAGES
from support import csrf_token

SHIPPED_CATALOGUE = DEFAULT_CONFIG.parent / "kiosk" / "data" / "catalogue.toml"


def hint_urls(page):
    found = re.search(r'data-start-speech-hint="([^"]*)"', page)
    return found.group(1).split() if found else []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guides_are_prompts_in_every_language(language):
    prompts = Prompts(load_catalogue(SHIPPED_CATALOGUE))
    assert {"guide.start_speech", "guide.speech_started"} <= set(prompts.keys())
    for key in ("guide.start_speech", "guide.speech_started"):
        assert prompts.text(key, language)
        # Said to a resident who cannot see: the same words in every way and mode.
        assert prompts.text(key, language, "sign") == prompts.text(key, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_screen_offers_the_hint_in_all_three_languages_its_own_first(client, language):
    token = csrf_token(client)
    client.post("/preferences", data={"csrf_token": token, "lang": language, "next": "/"})
    urls = hint_urls(client.get("/").get_data(as_text=True))
    spoken_in = [url.split("/")[2] for url in urls]
    assert spoken_in[0] == language and sorted(spoken_in) == sorted(LANGUAGES)
    assert all("/guide.start_speech.ogg?v=" in url for url in urls)
    for url in urls:            # real audio from the speech endpoint, by prompt key
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200 and response.mimetype == "audio/ogg"


def test_the_hint_is_only_on_the_home_screen_and_only_while_read_aloud_is_off(client):
    assert not hint_urls(client.get("/packages").get_data(as_text=True))
    token = csrf_token(client)
    client.post("/preferences", data={"csrf_token": token, "toggle": "speech", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert not hint_urls(page)
    assert "kiosk-keypad.js" in page and "data-hold-ring" in page


def test_turn_on_turns_read_aloud_on_says_so_and_never_turns_it_off(client):
    token = csrf_token(client)
    for _ in range(2):          # a long press sent twice leaves it on
        response = client.post("/preferences", data={"csrf_token": token, "turn_on": "speech",
                                                      "next": "/packages"})
        assert response.status_code == 302 and response.location.endswith("/packages")
        page = client.get("/packages").get_data(as_text=True)
        arrival = re.search(r'data-speech-arrival="([^"]*)"', page).group(1)
        assert arrival.index("mode.speech_on") < arrival.index("guide.speech_started") \
            < arrival.index("screen.menu")
    assert 'class="speech-bar"' in page


def test_turn_on_keeps_the_draft_of_the_form(client):
    token = csrf_token(client)
    client.post("/packages", data={"csrf_token": token, "package": next(iter(
        client.application.extensions["kiosk"].catalogue.packages))})
    section = client.get("/form").location
    client.post("/preferences", data={"csrf_token": token, "draft": "form", "next": section,
                                      "applicant_name": "Jane Smith", "turn_on": "speech"})
    page = client.get(section).get_data(as_text=True)
    assert 'value="Jane Smith"' in page and 'class="speech-bar"' in page


@pytest.mark.parametrize("value", ["", "sign", "large_text", "SPEECH", "speech\x00", "x" * 5000,
                                   "<script>", "explore"])
def test_turn_on_ignores_anything_but_read_aloud(client, value):
    token = csrf_token(client)
    response = client.post("/preferences", data={"csrf_token": token, "turn_on": value,
                                                  "next": "/packages"})
    assert response.status_code in (302, 413)
    page = client.get("/packages").get_data(as_text=True)
    assert 'class="speech-bar"' not in page and "data-speech-volume" not in page


def test_turn_on_without_a_token_is_a_calm_page(client):
    client.get("/")
    response = client.post("/preferences", data={"turn_on": "speech", "next": "/"})
    assert response.status_code == 400
    assert "data-speech-volume" not in client.get("/").get_data(as_text=True)
