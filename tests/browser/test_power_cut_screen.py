"""After a power cut the screen comes back to the home screen by itself: Chromium starts
before the kiosk answers (as kiosk-screen.service may win the race at boot) and shows its
"cannot reach" page, which it reloads by itself once the server is up; a resident cut off
mid-journey leaves nothing on the screen for the next one."""
from playwright.sync_api import Error, expect

from layout import LANDSCAPE
from served_kiosk import ServedKiosk
from touch import Finger, forbid_keyboard

HOME = 'body[data-screen="home"]'


def screen(browser, url):
    """Chromium as kiosk-screen.service starts it: a new profile, no cookies, at the kiosk."""
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True)
    page = context.new_page()
    try:
        page.goto(url, timeout=5000)
    except Error:
        pass        # the kiosk is not answering yet: Chromium shows its error page
    return context, page


def test_after_a_power_cut_the_screen_returns_home_by_itself_and_shows_nothing_of_the_last_resident(
        browser, tmp_path, monkeypatch, screenshots):
    forbid_keyboard(monkeypatch)
    kiosk = ServedKiosk(tmp_path)
    context, page = screen(browser, kiosk.url)     # the screen is up before the server
    assert page.locator(HOME).count() == 0
    kiosk.start()
    try:
        expect(page.locator(HOME)).to_have_count(1, timeout=20000)   # no touch needed

        # A resident chooses English and a package ...
        finger = Finger(page, lambda word: word)
        finger.tap(page.locator('button[name="lang"][value="en"]'), navigates=True)
        finger.tap(page.locator("[data-primary-action]"), navigates=True)
        finger.tap(page.locator('button[name="package"]').first, navigates=True)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator(HOME).count() == 0

        # ... and the power goes: server and browser alike. Both come back at boot.
        kiosk.power_cut()
        context.close()
        context, page = screen(browser, kiosk.url)
        kiosk.start()
        expect(page.locator(HOME)).to_have_count(1, timeout=20000)
        # The next resident meets the kiosk's own language, not the last resident's choice.
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        screenshots(page, "zh", "home-after-power-cut")
    finally:
        context.close()
        kiosk.power_cut()
