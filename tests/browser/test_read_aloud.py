"""Read aloud in the browser: prompts play on arrival, Repeat, Stop, one tap that acts and
says what it chose, and "Hear before choosing" (explore, then choose) for residents who
cannot see the screen. What a retiree spends both ways: test_four_walks.py, walk 1."""

import pytest
from playwright.sync_api import expect

from journey import Visit
from resident import Resident
from touch import forbid_keyboard

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


def explore_then_choose(page, target, spoken):
    """Tap once and hear `spoken` (nothing else happens), then tap again to choose."""
    url = page.url
    target.tap()
    expect_speaking(page, spoken)
    assert page.url == url
    with page.expect_navigation():
        target.tap()


def turn_on_speech(page, app, explore=False):
    """Read aloud on from the home screen; with `explore`, "Hear before choosing" too."""
    resident = Resident(page, app, "zh")
    resident.tap_button(resident.words("Read aloud"))
    if explore:
        toggle = page.locator(".speech-bar").get_by_role(
            "button", name=resident.words("Hear before choosing"), exact=True)
        with page.expect_navigation():
            toggle.tap()   # a one-tap control until it is on
        expect(toggle).to_have_attribute("aria-pressed", "true")
    return resident


def choose_at_once(page, target, said_next):
    """One tap chooses; the next screen says what was chosen first."""
    with page.expect_navigation():
        target.tap()
    expect_speaking(page, said_next)


def test_turning_speech_on_plays_the_screens_prompt(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    turn_on_speech(kiosk_page, app)
    expect_speaking(kiosk_page, "/speech/zh/normal/screen.home.ogg")
    assert not audio_state(kiosk_page)["state"] == "blocked"


def test_the_kiosks_player_plays_a_cached_ogg_opus_prompt_to_its_end(kiosk_page, kiosk_server):
    """The cache keeps Ogg Opus: Chromium says it can play it, decodes it (a duration like
    the prompt's) and plays it through to `ended`."""
    app, _ = kiosk_server
    turn_on_speech(kiosk_page, app)
    expect_speaking(kiosk_page, "/speech/zh/normal/screen.home.ogg")
    played = kiosk_page.evaluate("""() => new Promise((done) => {
        const a = document.getElementById('speech-audio');
        const report = () => done({support: a.canPlayType('audio/ogg; codecs=opus'),
                                   duration: a.duration, ended: a.ended, error: a.error});
        if (a.ended) { report(); } else { a.addEventListener('ended', report, {once: true}); }
        setTimeout(report, 20000); })""")
    assert played["support"] == "probably" and played["error"] is None
    assert played["ended"] and 1 < played["duration"] < 30


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


def test_one_tap_chooses_a_package_and_the_next_screen_says_what_was_chosen(kiosk_page,
                                                                           kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    resident = turn_on_speech(page, app)
    expect_speaking(page, "/speech/zh/normal/mode.speech_on.ogg")
    choose_at_once(page, page.get_by_role("link", name=resident.words("Start"), exact=True),
                   "screen.menu")
    assert "way=" not in audio_state(page)["src"]   # the one-tap wording
    card = page.get_by_role("button", name=resident.local(
        resident.catalogue.packages["retire"].title), exact=True)
    choose_at_once(page, card, "chosen.retire")
    large_text = page.locator(".kiosk-bar").get_by_role(
        "button", name=resident.words("Large text"), exact=True)
    choose_at_once(page, large_text, "/speech/zh/slow/mode.large_text_on.ogg")
    expect(page.locator("html")).to_have_class("large-text")


def test_hearing_before_choosing_a_first_tap_speaks_a_package_and_a_second_chooses_it(
        kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    resident = turn_on_speech(page, app, explore=True)
    expect_speaking(page, "mode.explore_on")
    expect_speaking(page, "screen.home.ogg?v=")
    assert "way=explore" in audio_state(page)["src"]
    start = page.get_by_role("link", name=resident.words("Start"), exact=True)
    explore_then_choose(page, start, "control.start")
    expect_speaking(page, "screen.menu")
    card = page.get_by_role("button", name=resident.local(
        resident.catalogue.packages["retire"].title), exact=True)
    explore_then_choose(page, card, "/speech/zh/normal/package.retire.ogg")
    expect_speaking(page, "chosen.retire")


def test_switching_language_switches_the_voice(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    turn_on_speech(page, app, explore=True)
    english = page.get_by_role("button", name="English", exact=True)
    # The button speaks in its own language before it is chosen.
    explore_then_choose(page, english, "/speech/en/normal/language.en.ogg")
    expect_speaking(page, "/speech/en/normal/screen.home.ogg")
    korean = page.get_by_role("button", name="한국어", exact=True)
    korean.tap()
    expect_speaking(page, "/speech/ko/normal/language.ko.ogg")


def test_one_tap_switches_language_and_says_so_in_the_new_language(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    turn_on_speech(page, app)
    choose_at_once(page, page.get_by_role("button", name="한국어", exact=True),
                   "/speech/ko/normal/language.ko.ogg")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect_speaking(page, "/speech/ko/normal/screen.home.ogg")


def test_large_text_speaks_slower(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    resident = turn_on_speech(page, app, explore=True)
    toggle = page.get_by_role("button", name=resident.words("Large text"), exact=True)
    explore_then_choose(page, toggle, "mode.large_text_off")
    expect_speaking(page, "/speech/zh/slow/screen.home.ogg")


def wait_for_private_speech(page, what):
    """Wait until the speech audio plays a blob: a key echo or a read-back made just now."""
    try:
        page.wait_for_function("() => { const a = document.getElementById('speech-audio');"
                               " return a.currentSrc.startsWith('blob:') && a.dataset.state === 'playing'; }",
                               timeout=10_000)
    except Exception:
        raise AssertionError(f"{what} did not play: {audio_state(page)}") from None


def test_keys_are_echoed_errors_spoken_and_answers_read_back(kiosk_page, kiosk_server, monkeypatch):
    app, _ = kiosk_server
    page = kiosk_page
    forbid_keyboard(monkeypatch)
    visit = Visit(page, app, "en")
    visit.start("default")
    chosen = visit.choose_package("social_security_card")
    visit.continue_from_builder()
    visit.answer_eligibility(chosen)
    visit.finger.open("applicant_name")
    visit.finger.type_keys("Jane")
    # Read aloud is on every screen; turning it on keeps what was typed.
    visit.close_keyboard()
    visit.finger.tap(page.locator(".kiosk-bar").get_by_role(
        "button", name=visit.words("Read aloud"), exact=True), navigates=True)
    expect(page.locator("#applicant_name")).to_have_value("Jane")
    expect_speaking(page, "/speech/en/normal/screen.form.ogg")

    # Each key is said as it is tapped; the field is read back when the keyboard closes.
    visit.finger.open("applicant_name")
    page.evaluate("document.getElementById('speech-audio').dataset.state = ''")
    visit.finger.type_keys(" S")
    wait_for_private_speech(page, "the key echo")
    visit.finger.type_keys("mith")
    page.evaluate("document.getElementById('speech-audio').dataset.state = ''")
    visit.finger.key(visit.words("Done"))
    wait_for_private_speech(page, "the read-back of the field")
    expect(page.locator("#applicant_name")).to_have_value("Jane Smith")

    # Tapping the field again says its question, then what it holds so far.
    page.evaluate("document.getElementById('speech-audio').dataset.state = ''")
    visit.finger.open("applicant_name")
    expect_speaking(page, "/speech/en/normal/field.applicant_name.ogg")
    wait_for_private_speech(page, "the field's answer so far")
    visit.close_keyboard()

    continue_button = page.locator(".bottom-dock").get_by_role(
        "button", name=visit.words("Continue"), exact=True)
    page.locator("#applicant_name").evaluate("(field) => { field.value = ''; }")
    with page.expect_navigation():
        continue_button.tap()   # one tap acts
    expect_speaking(page, "screen.form_errors")
    page.wait_for_function("() => document.getElementById('speech-audio').currentSrc"
                           ".includes('/speech/en/normal/error.')", timeout=20_000)

    visit.fill_whole_form()
    resident = visit.resident
    resident.expect_heading(resident.words("Check your answers"))
    page.get_by_role("button", name=resident.words("Read back") + " " + resident.local(
        resident.catalogue.fields["applicant_name"].label)).tap()
    wait_for_private_speech(page, "read back")


def double_tap(page, role, name, navigates):
    """With read aloud on, the first tap speaks and the second chooses."""
    target = page.get_by_role(role, name=name, exact=True)
    target.tap()
    if navigates:
        with page.expect_navigation():
            target.tap()
    else:
        target.tap()
