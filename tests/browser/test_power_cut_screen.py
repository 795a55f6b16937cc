"""After a power cut the screen comes back to the home screen by itself, and a resident cut
off mid-journey leaves nothing on it for the next one; when the server alone restarts
under a resident, their tap waits and goes through once it is back.

At boot kiosk-screen.service starts Chromium after kiosk-server.service says it is ready
(Type=notify), as these tests do. Chromium reloads its own "cannot reach" page by itself
if it ever shows it for a plain visit, but at growing intervals (over 20 s seen here)."""
from playwright.sync_api import expect

from layout import LANDSCAPE
from served_kiosk import ServedKiosk
from touch import Finger, forbid_keyboard

HOME = 'body[data-screen="home"]'


def screen(browser, url):
    """Chromium as kiosk-screen.service starts it: a new profile, no cookies, at the kiosk."""
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True)
    page = context.new_page()
    page.goto(url)
    return context, page


def test_after_a_power_cut_the_screen_returns_home_by_itself_and_shows_nothing_of_the_last_resident(
        browser, tmp_path, monkeypatch, screenshots):
    forbid_keyboard(monkeypatch)
    kiosk = ServedKiosk(tmp_path)
    kiosk.start()
    context, page = screen(browser, kiosk.url)
    try:
        expect(page.locator(HOME)).to_have_count(1)

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
        kiosk.start()
        context, page = screen(browser, kiosk.url)
        expect(page.locator(HOME)).to_have_count(1)
        # The next resident meets the kiosk's own language, not the last resident's choice.
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        screenshots(page, "zh", "home-after-power-cut")
    finally:
        context.close()
        kiosk.power_cut()


def test_a_tap_while_the_server_restarts_goes_through_when_it_is_back(browser, tmp_path,
                                                                      monkeypatch):
    """The server alone dies (systemd's watchdog, a crash) while a resident is at the screen:
    the tap they make meanwhile waits on the page instead of leaving Chromium's error page
    (which Chromium never reloads for a form), and goes through once the server is back;
    their session, kept on disk, resumes."""
    forbid_keyboard(monkeypatch)
    kiosk = ServedKiosk(tmp_path)
    kiosk.start()
    context, page = screen(browser, kiosk.url)
    try:
        finger = Finger(page, lambda word: word)
        finger.tap(page.locator('button[name="lang"][value="en"]'), navigates=True)
        finger.tap(page.locator("[data-primary-action]"), navigates=True)
        assert page.locator('body[data-screen="menu"]').count() == 1
        kiosk.power_cut()
        finger.tap(page.locator('button[name="package"]').first)
        expect(page.locator('body[data-kiosk-away="yes"]')).to_have_count(1)
        assert page.url.startswith(kiosk.url)           # not Chromium's error page
        kiosk.start()
        expect(page.locator('body[data-screen="menu"]')).to_have_count(0, timeout=15000)
        assert page.url.startswith(kiosk.url)
        assert page.locator("html").get_attribute("lang") == "en"   # the session resumed
        assert page.locator("body[data-kiosk-away]").count() == 0
    finally:
        context.close()
        kiosk.power_cut()
