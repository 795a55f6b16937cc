"""Read aloud in the browser: prompts play on arrival, Repeat, Stop, explore-then-choose."""
import re

import pytest
from playwright.sync_api import expect

from resident import Resident

pytestmark = pytest.mark.browser


def audio_state(page):
    return page.evaluate("""() => { const a = document.getElementById('speech-audio');
        return a && {state: a.dataset.state || '', error: a.dataset.error, src: a.currentSrc, paused: a.paused,
                     time: a.currentTime}; }""")


def expect_speaking(page, key_part):
    """Wait until the speech audio has started playing a URL containing `key_part`."""
    try:
        wait_for_speech(page, key_part)
    except Exception:
        raise AssertionError(f"not speaking {key_part}: {audio_state(page)}") from None


def wait_for_speech(page, key_part):
    page.wait_for_function("""(part) => { const a = document.getElementById('speech-audio');
        return a && a.currentSrc.includes(part) && (a.dataset.state === 'playing'
                                                    || a.dataset.state === 'ended'); }""",
                           arg=key_part, timeout=10_000)


def turn_on_speech(page, app):
    resident = Resident(page, app, "zh")
    resident.tap_button(resident.words("Read aloud"))
    return resident


def test_turning_speech_on_plays_the_screens_prompt(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    turn_on_speech(kiosk_page, app)
    expect_speaking(kiosk_page, "/speech/zh/normal/screen.home.wav")
    assert not audio_state(kiosk_page)["state"] == "blocked"


def test_repeat_replays_and_stop_stops(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    resident = turn_on_speech(kiosk_page, app)
    expect_speaking(kiosk_page, "screen.home")
    stop = kiosk_page.get_by_role("button", name=resident.words("Stop"), exact=True)
    stop.tap()
    expect(kiosk_page.locator("#speech-audio")).to_have_attribute("data-state", "stopped")
    assert audio_state(kiosk_page)["paused"]
    kiosk_page.get_by_role("button", name=resident.words("Repeat"), exact=True).tap()
    expect_speaking(kiosk_page, "screen.home")
    assert not audio_state(kiosk_page)["paused"] or audio_state(kiosk_page)["state"] == "ended"


def test_a_first_tap_speaks_a_package_and_a_second_tap_chooses_it(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    resident = turn_on_speech(page, app)
    start = page.get_by_role("link", name=resident.words("Start"), exact=True)
    start.tap()
    expect_speaking(page, "control.start")
    assert page.url.endswith("/")
    with page.expect_navigation():
        start.tap()
    expect_speaking(page, "screen.menu")

    card = page.get_by_role("button", name=resident.local(
        resident.catalogue.packages["retire"].title), exact=True)
    card.tap()
    expect_speaking(page, "/speech/zh/normal/package.retire.wav")
    assert page.url.endswith("/packages")
    with page.expect_navigation():
        card.tap()
    expect_speaking(page, "chosen.retire")


def test_switching_language_switches_the_voice(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    turn_on_speech(page, app)
    english = page.get_by_role("button", name="English", exact=True)
    english.tap()
    # The button speaks in its own language before it is chosen.
    expect_speaking(page, "/speech/en/normal/language.en.wav")
    with page.expect_navigation():
        english.tap()
    expect_speaking(page, "/speech/en/normal/screen.home.wav")
    korean = page.get_by_role("button", name="한국어", exact=True)
    korean.tap()
    expect_speaking(page, "/speech/ko/normal/language.ko.wav")


def test_large_text_speaks_slower(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    resident = turn_on_speech(page, app)
    toggle = page.get_by_role("button", name=resident.words("Large text"), exact=True)
    toggle.tap()
    with page.expect_navigation():
        toggle.tap()
    expect_speaking(page, "/speech/zh/slow/screen.home.wav")
