"""Starting read aloud without sight, in the browser (EN 301 549 5.1.3 / 5.1.6, Section 508
402): the home screen says how at a tap or key, a long press turns read aloud on without
choosing what was under the finger, and a physical keypad walks a whole package with each
focused control spoken."""
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS
from journey import RELEASE, Visit
from layout import axe_violations
from resident import Resident
from touch import Finger

pytestmark = pytest.mark.browser
LANGUAGE_TILES = {"en": "English", "ko": "한국어"}


def speech_requests(page):
    """Every prompt audio the page asks the speech endpoint for, in order."""
    requests = []
    page.on("request", lambda request: requests.append(request.url)
            if "/speech/" in request.url else None)
    return requests


def in_language(page, app, language):
    resident = Resident(page, app, language)
    if language in LANGUAGE_TILES:
        resident.tap_button(LANGUAGE_TILES[language])
    return resident


class Touch:
    """One finger on the glass, through the DevTools protocol (Playwright's touchscreen can
    only tap): down, move, up, with time in between."""

    def __init__(self, page, target):
        box = target.bounding_box()
        self.x, self.y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.cdp = page.context.new_cdp_session(page)

    def send(self, kind, points):
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def down(self):
        self.send("touchStart", [{"x": self.x, "y": self.y}])

    def move(self, dx, dy):
        self.send("touchMove", [{"x": self.x + dx, "y": self.y + dy}])

    def up(self):
        self.send("touchEnd", [])
        self.cdp.detach()


def long_press(page, target, seconds=2.3):
    """Touch `target` and keep the finger down for `seconds`."""
    finger = Touch(page, target)
    finger.down()
    page.wait_for_timeout(seconds * 1000)
    finger.up()


def hint_state(page):
    return page.evaluate("""() => { const a = document.getElementById('start-speech-hint');
        return a && {state: a.dataset.state, src: a.currentSrc, plays: a.dataset.plays}; }""")


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_a_tap_on_the_home_screen_says_how_to_start_read_aloud(kiosk_page, kiosk_server, language):
    app, _ = kiosk_server
    page = kiosk_page
    in_language(page, app, language)
    requests = speech_requests(page)
    page.clock.install()
    # Played fast here: three languages one after the other take some 20 s at 1x.
    page.evaluate("() => { const a = document.getElementById('start-speech-hint');"
                  " a.defaultPlaybackRate = 16; a.playbackRate = 16; }")
    page.locator(".lead").tap()                       # a tap on nothing in particular
    page.wait_for_function("""(lang) => { const a = document.getElementById('start-speech-hint');
        return a.currentSrc.includes('/speech/' + lang + '/normal/guide.start_speech.ogg')
            && ['playing', 'ended'].includes(a.dataset.state); }""", arg=language, timeout=15_000)
    page.locator(".lead").tap()                       # still there while it speaks
    page.wait_for_function("() => document.getElementById('start-speech-hint').dataset.state === 'ended'",
                           timeout=30_000)
    spoken_in = [url.split("/speech/")[1][:2] for url in requests if "guide.start_speech" in url]
    assert spoken_in[0] == language and sorted(set(spoken_in)) == ["en", "ko", "zh"]
    assert hint_state(page)["plays"] == "1"
    if language != "zh":
        return                                        # the rest is the same in every language
    page.clock.run_for(26_000)                        # said again: someone is still there
    page.wait_for_function("() => document.getElementById('start-speech-hint').dataset.plays === '2'")
    # Turned on by a long press, the hint stops for good and the screen speaks instead.
    with page.expect_navigation():
        long_press(page, page.locator(".lead"))
    expect(page.locator(".speech-bar")).to_be_visible()
    assert page.locator("#start-speech-hint").count() == 0


def test_a_key_on_the_home_screen_says_it_too_and_the_help_key_turns_read_aloud_on(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    # The kiosk's physical keypad (arrows, Enter, help) is what this test is about: its
    # keys reach the page as key events, as a USB keypad's do.
    page.keyboard.press("ArrowDown")
    page.wait_for_function("""() => { const a = document.getElementById('start-speech-hint');
        return a && a.currentSrc.includes('/speech/zh/normal/guide.start_speech.ogg'); }""")
    expect(page.locator("html")).to_have_class("keypad-used")
    with page.expect_navigation():
        page.keyboard.press("F1")
    expect(page.locator(".speech-bar")).to_be_visible()
    # Said: read aloud is on, how to go on by keypad (then the screen's guidance).
    page.wait_for_function("""() => { const a = document.getElementById('speech-audio');
        return a && a.currentSrc.includes('guide.speech_started'); }""", timeout=20_000)
    page.keyboard.press("*")                          # help again: all of it again
    page.wait_for_function("""() => { const a = document.getElementById('speech-audio');
        return a && a.currentSrc.includes('mode.speech_on'); }""", timeout=10_000)


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_a_long_press_turns_read_aloud_on_and_chooses_nothing(kiosk_page, kiosk_server, language):
    app, _ = kiosk_server
    page = kiosk_page
    resident = in_language(page, app, language)
    resident.tap_link(resident.words("Start"))
    menu = page.url
    card = page.locator("main").get_by_role(
        "button", name=resident.local(resident.catalogue.packages["retire"].title), exact=True)
    if language != "en":
        lifting_early_or_moving_is_a_tap_or_a_scroll(page, card, menu, language)
    with page.expect_navigation():
        long_press(page, card)
    assert page.url == menu                           # the card was not chosen
    expect(page.locator(".speech-bar")).to_be_visible()
    page.wait_for_function("""() => { const a = document.getElementById('speech-audio');
        return a && /mode.speech_on|guide.speech_started/.test(a.currentSrc); }""", timeout=20_000)
    # Taps still act at once.
    with page.expect_navigation():
        card.tap()
    resident.expect_heading(resident.local(resident.catalogue.packages["retire"].title))


def lifting_early_or_moving_is_a_tap_or_a_scroll(page, card, menu, language):
    """The ring fills while the finger stays down (screenshot); a finger that moves is
    scrolling, and nothing is turned on or chosen."""
    finger = Touch(page, card)
    finger.down()
    page.wait_for_timeout(800)
    expect(page.locator("[data-hold-ring]")).to_be_visible()
    folder = ARTIFACTS / "screens" / language
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "long-press-ring.png"))   # not full page: no resize
    finger.move(0, 80)                                # a finger that moves is scrolling
    expect(page.locator("[data-hold-ring]")).to_be_hidden()
    finger.up()
    page.wait_for_timeout(2300)
    assert page.url == menu and page.locator(".speech-bar").count() == 0


def test_a_long_press_keeps_what_was_typed(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    visit = Visit(page, app, "en")
    visit.start("default")
    visit.choose_package("social_security_card")
    visit.continue_from_builder()
    visit.go_to_field("applicant_name")
    visit.finger.type_keys("Jo")
    visit.close_keyboard()
    with page.expect_navigation():
        long_press(page, page.locator("h1"))
    expect(page.locator("#applicant_name")).to_have_value("Jo")
    expect(page.locator(".speech-bar")).to_be_visible()


class Keypad(Finger):
    """A resident with a keypad only: arrows to move, Enter to choose. Stands in for the
    finger in a Visit, so the same journey is walked by keys."""

    def __init__(self, page, words):
        super().__init__(page, words)
        self.presses = 0

    def press(self, key):
        self.presses += 1
        self.page.keyboard.press(key)

    def focus_on(self, control, limit=120):
        for _ in range(limit):
            where = control.evaluate("""(el) => el === document.activeElement ? 'here'
                : (document.activeElement.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING
                   ? 'down' : 'up')""")
            if where == "here":
                return
            self.press("ArrowDown" if where == "down" else "ArrowUp")
        raise AssertionError(f"the keypad never reached {control}")

    def tap(self, target, navigates=False):
        target = target.first if hasattr(target, "first") else target
        control = target.evaluate_handle(
            "(el) => el.htmlFor ? document.getElementById(el.htmlFor) : el").as_element()
        self.taps += 1
        self.focus_on(control)
        if control.evaluate("(el) => el.matches('input[type=text], input:not([type]), input[type=tel], input[type=email], textarea')"):
            return                                    # focusing a field opens the keyboard
        if navigates:
            with self.page.expect_navigation():
                self.press("Enter")
        else:
            self.press("Enter")

    def key(self, name):
        """An on-screen key by arrows (by where the keys are), then Enter."""
        self.key_taps += 1
        wanted = self.keyboard.get_by_role("button", name=name, exact=True).first
        expect(wanted).to_be_visible()
        if not self.page.evaluate("document.getElementById('touch-keyboard').contains(document.activeElement)"):
            self.press("ArrowDown")                   # from the field into its keys
        for _ in range(60):
            move = wanted.evaluate("""(el) => {
                const here = document.activeElement.getBoundingClientRect(), there = el.getBoundingClientRect();
                if (el === document.activeElement) return null;
                const dy = (there.top + there.height / 2) - (here.top + here.height / 2);
                if (Math.abs(dy) > here.height / 2) return dy > 0 ? 'ArrowDown' : 'ArrowUp';
                return there.left > here.left ? 'ArrowRight' : 'ArrowLeft'; }""")
            if move is None:
                self.press("Enter")
                return
            self.press(move)
        raise AssertionError(f"the keypad never reached the key {name!r}")

    def layout(self, name):
        self.key(name)


def test_a_whole_package_by_keypad_with_each_control_spoken(kiosk_page, kiosk_server, screenshots):
    """English, read aloud on by the help key: home, language, menu, package, builder, the
    form (typed on the on-screen keyboard by arrows and Enter), check, send, done.
    Every key typed is also read back through the speech engine, so the whole form takes
    some 40 s: `make test` types the first answer and `make test-release` all of them."""
    app, _ = kiosk_server
    page = kiosk_page
    visit = Visit(page, app, "en")
    visit.persona = replace(visit.persona, fills_optional=False)   # fewer keys, same screens
    keypad = visit.finger = Keypad(page, lambda message: visit.resident.words(message))
    with page.expect_navigation():
        keypad.press("F1")                            # help: read aloud on
    expect(page.locator(".speech-bar")).to_be_visible()
    requests = speech_requests(page)
    keypad.tap(page.get_by_role("button", name="English", exact=True), navigates=True)
    visit.resident.language = "en"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    keypad.tap(page.get_by_role("link", name=visit.words("Start"), exact=True), navigates=True)
    assert any("/speech/en/" in url and "control.start" in url for url in requests)
    screenshots(page, "en", "keypad-focus-menu")
    visit.choose_package("social_security_card")
    assert any("package.social_security_card" in url for url in requests)   # spoken on focus
    # Axe with the keypad's focus ring on a control and the long press's ring drawn.
    keypad.press("ArrowDown")
    page.evaluate("""() => { const ring = document.querySelector('[data-hold-ring]');
        ring.hidden = false; ring.style.left = '50%'; ring.style.top = '50%';
        ring.style.setProperty('--hold-progress', '200deg'); }""")
    assert page.evaluate("document.documentElement.classList.contains('keypad-used')")
    assert axe_violations(page) == []
    screenshots(page, "en", "keypad-focus-builder")
    page.evaluate("document.querySelector('[data-hold-ring]').hidden = true")
    visit.continue_from_builder()
    visit.answer_eligibility(visit.catalogue.packages["social_security_card"].default_items())
    if not RELEASE:
        visit.answer(visit.catalogue.fields["applicant_name"])
        expect(page.locator("#applicant_name")).to_have_value("Jane Smith")
        assert any("/field.applicant_name" in url for url in requests)    # spoken on focus
        keypad.press("Escape")                        # Back: the keyboard's Done
        expect(keypad.keyboard).to_be_hidden()
        return
    visit.fill_whole_form()
    assert any("/field." in url for url in requests) and any("/option." in url for url in requests)
    assert visit.send()
