"""Private speech on headphones in the browser (EN 301 549 5.1.3, Section 508 402.2).

Chromium's fake media devices cannot be plugged in or out, so each tab gets a
navigator.mediaDevices.enumerateDevices() the test controls (page.add_init_script), and
the test fires devicechange as the browser would. What the server keeps: tests/test_headphones.py."""
import json

import pytest
from playwright.sync_api import expect

from journey import Visit
from layout import LANDSCAPE, PORTRAIT, axe_violations, layout_problems, reach_problems
from resident import Resident
from test_read_aloud import audio_state, expect_speaking

pytestmark = pytest.mark.browser

SPEAKER = [{"deviceId": "default", "kind": "audiooutput", "label": "Default"},
           {"deviceId": "speaker", "kind": "audiooutput", "label": "Built-in Audio Analog Stereo"}]
# Each language plugs in headphones the browser recognises in another way.
HEADPHONES = {
    "zh": {"deviceId": "usb-1", "kind": "audiooutput", "label": "USB 耳机"},   # by name
    "en": {"deviceId": "usb-2", "kind": "audiooutput", "label": "USB Audio Device"},   # one more
    "ko": {"deviceId": "usb-3", "kind": "audiooutput", "label": "헤드폰 (USB)"},   # by name
}

# The tab's audio outputs live in sessionStorage (this test's, not the kiosk's), so they
# stay plugged in across the screens; set_outputs() changes them and fires devicechange.
FAKE_DEVICES = """(() => {
  const KEY = 'test-audio-outputs';
  const initial = %s;
  const now = () => JSON.parse(sessionStorage.getItem(KEY) || 'null') || initial;
  navigator.mediaDevices.enumerateDevices = () => Promise.resolve(
    now().map((device) => Object.assign({groupId: 'g'}, device)));
  window.setAudioOutputs = (outputs) => {
    sessionStorage.setItem(KEY, JSON.stringify(outputs));
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  };
  // What the speech audio was doing when the screen was left (to see it stopped at once).
  window.addEventListener('pagehide', () => {
    const audio = document.getElementById('speech-audio');
    if (audio) sessionStorage.setItem('test-audio-at-leave',
        JSON.stringify({paused: audio.paused, muted: audio.muted, src: audio.currentSrc}));
  });
})();""" % json.dumps(SPEAKER)

# (what was listed before, what is listed now, what the kiosk makes of it)
BUILT_IN = {"deviceId": "speaker", "kind": "audiooutput", "label": "Built-in Audio Analog Stereo"}
USB_DAC = {"deviceId": "dac", "kind": "audiooutput", "label": "USB Audio Device"}
NAMED = {"deviceId": "hp", "kind": "audiooutput", "label": "Headphones"}
NAMELESS = {"deviceId": "", "kind": "audiooutput", "label": ""}
MIC = {"deviceId": "mic", "kind": "audioinput", "label": "Headset Microphone"}


def default(label):
    return {"deviceId": "default", "kind": "audiooutput", "label": label}


DECISIONS = [
    ([BUILT_IN], [BUILT_IN, NAMED], "plugged"),
    ([BUILT_IN, NAMED], [BUILT_IN], "unplugged"),
    ([BUILT_IN], [BUILT_IN, {**NAMED, "label": "耳机"}], "plugged"),
    ([BUILT_IN], [BUILT_IN, {**NAMED, "label": "이어폰"}], "plugged"),
    ([BUILT_IN], [BUILT_IN, {**NAMED, "label": "Jabra EVOLVE Headset"}], "plugged"),
    ([BUILT_IN], [BUILT_IN, USB_DAC], "plugged"),              # a new output, no name to go by
    ([BUILT_IN, USB_DAC], [BUILT_IN], "unplugged"),
    ([default("Default - Speakers"), BUILT_IN], [default("Default - Headphones"), BUILT_IN],
     "plugged"),                                                # the default switched to them
    ([default("Default - Headphones"), BUILT_IN], [default("Default - Speakers"), BUILT_IN],
     "unplugged"),
    ([default("Default"), BUILT_IN], [default("Default"), BUILT_IN], "nothing"),
    ([BUILT_IN], [{**BUILT_IN, "label": "Built-in Audio Headphones"}], "nothing"),   # same id
    ([], [BUILT_IN], "nothing"),                 # the sound system starting, not a plug
    ([BUILT_IN, USB_DAC], [], "nothing"),        # the sound system stopping
    ([BUILT_IN], [BUILT_IN, MIC], "nothing"),    # a microphone is not an output
    ([NAMELESS], [NAMELESS], "nothing"),         # no permission: nothing can be told apart
    ([NAMELESS], [NAMELESS, NAMELESS], "nothing"),
    ([BUILT_IN], [USB_DAC], "nothing"),          # one output for another: no more, no fewer
    (None, [BUILT_IN, NAMED], "plugged"),        # nothing known before (the first look)
    ([BUILT_IN, NAMED], [BUILT_IN, NAMED], "nothing"),
]


@pytest.fixture
def fake_outputs_page(browser, kiosk_server):
    """A touchscreen tab whose audio outputs the test plugs in and out."""
    app, base_url = kiosk_server
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=base_url)
    context.add_init_script(FAKE_DEVICES)
    page = context.new_page()
    page.goto("/")
    yield app, page
    context.close()


def set_outputs(page, outputs):
    """Plug in or out: the screen reloads with read aloud switched."""
    with page.expect_navigation():
        page.evaluate("(outputs) => window.setAudioOutputs(outputs)", outputs)


def notice(page):
    return page.locator("#headphones-notice")


def test_the_decision_of_what_happened_over_a_table_of_cases(kiosk_page):
    decided = kiosk_page.evaluate("""(cases) => cases.map(([before, now]) =>
        window.KioskHeadphones.decide(before, now))""", [case[:2] for case in DECISIONS])
    wrong = [(case, got) for case, got in zip(DECISIONS, decided) if got != case[2]]
    assert not wrong


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_headphones_in_turn_read_aloud_on_and_out_turn_it_off_at_once(fake_outputs_page,
                                                                      language, screenshots):
    app, page = fake_outputs_page
    resident = Resident(page, app, "zh")
    if language != "zh":
        resident.choose_language(language)
    expect(page.locator(".speech-bar")).to_have_count(0)

    set_outputs(page, SPEAKER + [HEADPHONES[language]])
    expect(page.locator(".speech-bar")).to_be_visible()
    expect(notice(page)).to_have_text(resident.words(
        "Headphones plugged in: read aloud is on. It plays only in the headphones."))
    expect_speaking(page, f"/speech/{language}/normal/mode.headphones_on.ogg")
    expect_speaking(page, f"/speech/{language}/normal/screen.home.ogg")
    assert not axe_violations(page)
    assert not layout_problems(page, large_text=False)
    if language != "en":
        screenshots(page, language, "headphones-plugged-in")

    # Speaking when they come out: it stops before the screen is even left.
    page.get_by_role("button", name=resident.words("Repeat"), exact=True).tap()
    expect_speaking(page, "mode.headphones_on")
    set_outputs(page, SPEAKER)
    at_leave = json.loads(page.evaluate("() => sessionStorage.getItem('test-audio-at-leave')"))
    assert at_leave["paused"] and at_leave["muted"], at_leave
    expect(page.locator(".speech-bar")).to_have_count(0)
    expect(page.locator("#speech-audio")).to_have_count(0)   # no read aloud on this screen
    expect(notice(page)).to_contain_text(resident.words(
        "Headphones unplugged: read aloud is off, so nothing is spoken out loud. "
        "To use it without headphones, tap Read aloud."))
    read_aloud = page.get_by_role("button", name=resident.words("Read aloud"), exact=True)
    expect(read_aloud).to_have_attribute("aria-pressed", "false")
    assert not axe_violations(page)
    if language != "en":
        screenshots(page, language, "headphones-unplugged")


def test_what_was_typed_survives_the_switch_and_slower_speech_is_a_tap(fake_outputs_page,
                                                                      screenshots):
    app, page = fake_outputs_page
    visit = Visit(page, app, "ko")
    visit.start("default")
    chosen = visit.choose_package("retire")
    visit.continue_from_builder()
    visit.answer_eligibility(chosen)
    assert visit.on_form()
    field = visit.fields_on_screen()[0]
    visit.finger.open(field.key)
    visit.finger.type_hangul("김민")
    visit.close_keyboard()
    expect(page.locator(f"#{field.key}")).to_have_value("김민")

    set_outputs(page, SPEAKER + [HEADPHONES["ko"]])
    expect(page.locator(f"#{field.key}")).to_have_value("김민")
    expect_speaking(page, "/speech/ko/normal/mode.headphones_on.ogg")
    assert not axe_violations(page)
    screenshots(page, "ko", "headphones-form")
    slower = page.locator(".speech-bar").get_by_role(
        "button", name=visit.words("Slower speech"), exact=True)
    with page.expect_navigation():
        slower.tap()
    expect(slower).to_have_attribute("aria-pressed", "true")
    expect_speaking(page, "/speech/ko/slow/mode.slow_speech_on.ogg")
    expect(page.locator(f"#{field.key}")).to_have_value("김민")

    visit.finger.open(field.key)      # back on the field when the headphones come out
    visit.close_keyboard()
    set_outputs(page, SPEAKER)
    expect(page.locator(f"#{field.key}")).to_have_value("김민")
    expect(notice(page)).to_be_in_viewport()   # the screen comes back at the notice
    assert "#at-" not in page.url
    assert audio_state(page) is None


def test_the_read_aloud_bar_with_its_rate_fits_a_portrait_screen_in_large_text(
        fake_outputs_page, screenshots):
    app, page = fake_outputs_page
    page.set_viewport_size(PORTRAIT)
    resident = Resident(page, app, "zh")
    resident.tap_button(resident.words("Large text"))
    set_outputs(page, SPEAKER + [HEADPHONES["zh"]])
    expect(notice(page)).to_be_visible()
    slower = page.locator(".speech-bar").get_by_role(
        "button", name=resident.words("Slower speech"), exact=True)
    expect(slower).to_have_attribute("aria-pressed", "true")   # large text speaks slowly
    expect_speaking(page, "/speech/zh/slow/screen.home.ogg")
    assert not layout_problems(page, large_text=True) + axe_violations(page) + reach_problems(page)
    screenshots(page, "zh", "headphones-large-text")
