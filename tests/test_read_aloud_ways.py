"""Two ways to use read aloud: one tap acts (the default, for residents who can see the
screen), or "Hear before choosing" (a first tap only speaks, for those who cannot).
The spoken wording follows the way: nothing says "tap again" where one tap acts."""
import re

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.prompts import Prompts
from kiosk.settings import DEFAULT_CONFIG, LANGUAGES
from support import csrf_token

SHIPPED_CATALOGUE = DEFAULT_CONFIG.parent / "kiosk" / "data" / "catalogue.toml"

# Words that promise a second tap, or say a first tap only explains.
TAP_AGAIN = {
    "en": re.compile(r"tap (it |a button |a life event )?(again|once)", re.IGNORECASE),
    "zh": re.compile(r"再点一下"),
    "ko": re.compile(r"한 번 더 누르"),
}


@pytest.fixture(scope="module")
def prompts():
    return Prompts(load_catalogue(SHIPPED_CATALOGUE))


@pytest.mark.parametrize("language", LANGUAGES)
def test_where_one_tap_acts_nothing_asks_for_a_second_tap(prompts, language):
    asks_twice = {key: text for key in prompts.keys()
                  if TAP_AGAIN[language].search(text := prompts.text(key, language))}
    assert not asks_twice


@pytest.mark.parametrize("language", LANGUAGES)
def test_hearing_before_choosing_explains_the_second_tap(prompts, language):
    """The word lists find what the exploring wording says (they are not empty checks)."""
    for key in ("screen.home", "screen.menu", "mode.large_text_off", "language.zh"):
        explained = prompts.text(key, language, "explore")
        spoken_in = "zh" if key == "language.zh" else language
        assert TAP_AGAIN[spoken_in].search(explained), (key, explained)
        assert explained != prompts.text(key, language)


def test_sign_language_keeps_the_second_tap_for_buttons(prompts):
    """A signer's first tap shows the clip: the button's signed text says to tap again."""
    assert "Tap again" in prompts.text("mode.large_text_off", "en", "sign")
    assert prompts.text("language.en", "ko", "sign") == "English. Tap again to use this language."


def test_one_tap_words_say_the_state_and_the_language_in_its_own_words(prompts):
    assert prompts.text("mode.large_text_on", "en") == "Large text is on."
    assert prompts.text("mode.explore_off", "zh") == "先听后选已关闭。"
    assert prompts.text("language.ko", "en") == "한국어로 안내해 드려요."


def turn_speech_on(client):
    token = csrf_token(client)
    client.post("/preferences", data={"csrf_token": token, "toggle": "speech", "next": "/"})
    return token


def arrival(page):
    return page.document.find(".//*[@id='main']").get("data-speech-arrival").split()


def test_a_change_is_said_once_on_the_next_screen_before_its_guidance(client):
    token = turn_speech_on(client)
    first = arrival(client.get("/"))
    assert "/speech/zh/normal/mode.speech_on.ogg" in first[0]
    assert "screen.home" in first[1]
    assert len(arrival(client.get("/"))) == 1   # said once
    client.post("/preferences", data={"csrf_token": token, "lang": "ko", "next": "/"})
    assert "/speech/ko/normal/language.ko.ogg" in arrival(client.get("/"))[0]


def test_hear_before_choosing_is_a_way_of_read_aloud_not_a_mode_reported(client, app):
    token = turn_speech_on(client)
    client.post("/preferences", data={"csrf_token": token, "toggle": "explore", "next": "/"})
    home = client.get("/")
    assert home.document.get("data-speech-explore") is not None
    toggle = home.document.find('.//button[@name="toggle"][@value="explore"]')
    assert toggle.get("aria-pressed") == "true"
    urls = arrival(home)
    # What changed is said plainly; the screen's guidance in the exploring wording.
    assert "way=" not in urls[0] and "mode.explore_on" in urls[0]
    assert "screen.home" in urls[1] and "way=explore" in urls[1]
    with client.session_transaction() as session:
        assert session["modes_used"] == ["speech"]


def test_the_two_wordings_are_two_sounds(client, app):
    one_tap = client.get("/speech/en/normal/screen.menu.ogg")
    exploring = client.get("/speech/en/normal/screen.menu.ogg?way=explore")
    if one_tap.status_code == 503:
        pytest.skip("no speech engine on this machine")
    assert one_tap.status_code == exploring.status_code == 200
    assert one_tap.headers["ETag"] != exploring.headers["ETag"]


@pytest.mark.parametrize("way", ["sign", "EXPLORE", "../x", "speech explore"])
def test_an_unknown_way_is_a_clear_json_error(client, way):
    response = client.get(f"/speech/en/normal/screen.menu.ogg?way={way}")
    assert response.status_code == 404
    assert "way" in response.get_json()["error"]


@pytest.mark.parametrize("toggle", ["explore ", "modes_used", "", "__class__"])
def test_a_made_up_toggle_changes_nothing(client, toggle):
    token = turn_speech_on(client)
    client.post("/preferences", data={"csrf_token": token, "toggle": toggle, "next": "/"})
    with client.session_transaction() as session:
        assert session["modes"] == {"speech": True}
