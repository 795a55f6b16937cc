"""A resident who walks away: "Are you still there?", then the session is wiped.

The browser's clock is driven by Playwright, so the test does not wait 90 real seconds.
"""
import pytest
from playwright.sync_api import expect

from resident import Resident

pytestmark = pytest.mark.browser


@pytest.fixture
def clocked_page(browser, kiosk_server):
    app, base_url = kiosk_server
    context = browser.new_context(has_touch=True, base_url=base_url)
    page = context.new_page()
    page.clock.install()
    page.goto("/")
    yield app, page
    context.close()


def start_a_package(app, page, language="en"):
    resident = Resident(page, app, "zh")
    resident.choose_language(language)
    resident.tap_link(resident.words("Start"))
    resident.tap_button(resident.local(resident.catalogue.packages["retire"].title))
    return resident


def wait_for_the_warning(app, page):
    """Start a package, then stay idle until "Are you still there?" appears."""
    settings = app.extensions["kiosk"].settings
    start_a_package(app, page)
    page.clock.run_for(settings.idle_timeout_seconds * 1000 + 500)
    expect(page.locator("#timeout-dialog")).to_be_visible()
    return settings


def test_the_idle_dialog_warns_and_continue_keeps_the_session(clocked_page):
    app, page = clocked_page
    settings = app.extensions["kiosk"].settings
    resident = start_a_package(app, page)
    dialog = page.get_by_role("alertdialog", name=resident.words("Are you still there?"))
    expect(dialog).to_be_hidden()

    page.clock.run_for(settings.idle_timeout_seconds * 1000 + 500)
    expect(dialog).to_be_visible()
    continue_button = dialog.get_by_role("button", name=resident.words("Continue"))
    expect(continue_button).to_be_focused()
    expect(dialog.locator("[data-countdown]")).to_have_text(str(settings.warning_seconds))

    page.clock.run_for(10_000)
    expect(dialog.locator("[data-countdown]")).to_have_text(str(settings.warning_seconds - 10))
    continue_button.tap()
    expect(dialog).to_be_hidden()
    page.clock.run_for(settings.warning_seconds * 1000)
    assert page.url.endswith("/builder")


def test_escape_closes_the_idle_dialog_like_continue(clocked_page):
    app, page = clocked_page
    wait_for_the_warning(app, page)
    # A switch or plugged-in keyboard user's Escape (WCAG 2.1.2), not a resident's tap.
    page.keyboard.press("Escape")
    expect(page.locator("#timeout-dialog")).to_be_hidden()
    assert page.url.endswith("/builder")


def test_without_an_answer_the_session_is_wiped_and_the_kiosk_returns_home(clocked_page):
    app, page = clocked_page
    settings = wait_for_the_warning(app, page)
    with page.expect_navigation():
        page.clock.run_for(settings.warning_seconds * 1000 + 1000)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto("/builder")
    assert page.url.endswith("/packages"), "the wiped session still had a package"


def test_touching_the_screen_restarts_the_idle_clock(clocked_page):
    app, page = clocked_page
    settings = app.extensions["kiosk"].settings
    start_a_package(app, page)
    page.clock.run_for((settings.idle_timeout_seconds - 5) * 1000)
    page.locator("h1").tap()
    page.clock.run_for(10_000)
    expect(page.locator("#timeout-dialog")).to_be_hidden()


def test_in_sign_mode_the_dialog_signs_its_question(clocked_page):
    app, page = clocked_page
    settings = app.extensions["kiosk"].settings
    resident = Resident(page, app, "zh")
    resident.tap_button(resident.words("Sign language"))
    start = page.get_by_role("link", name=resident.words("Start"))
    start.tap()                              # sign mode: the first tap shows the clip
    with page.expect_navigation():
        start.tap()
    page.clock.run_for(settings.idle_timeout_seconds * 1000 + 500)
    dialog = page.get_by_role("alertdialog", name=resident.words("Are you still there?"))
    expect(dialog).to_be_visible()
    clip = dialog.locator("[data-timeout-clip]")
    expect(clip).to_be_visible()
    assert "screen.timeout" in clip.get_attribute("src")
    page.wait_for_function("() => !document.querySelector('[data-timeout-clip]').paused",
                           timeout=10_000)


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_the_warning_chimes_and_i_need_more_time_doubles_the_idle_time(clocked_page, language):
    from layout import axe_violations
    app, page = clocked_page
    settings = app.extensions["kiosk"].settings
    resident = start_a_package(app, page, language)
    resident = Resident(page, app, language)
    page.clock.run_for(settings.idle_timeout_seconds * 1000 + 500)
    dialog = page.get_by_role("alertdialog", name=resident.words("Are you still there?"))
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("data-chime", "played")      # heard as well as seen
    assert not axe_violations(page)

    dialog.get_by_role("button", name=resident.words("I need more time")).tap()
    expect(dialog).to_be_hidden()
    page.clock.run_for(settings.idle_timeout_seconds * 1000 + 500)
    expect(dialog).to_be_hidden()                                  # the usual time has passed
    page.clock.run_for(settings.idle_timeout_seconds * 1000)
    expect(dialog).to_be_visible()                                 # twice the time
    expect(dialog.get_by_role("button", name=resident.words("I need more time"))).to_be_hidden()
    dialog.get_by_role("button", name=resident.words("Continue")).tap()

    page.reload()                                                  # the next pages keep it
    assert page.locator("body").get_attribute("data-idle-seconds") == \
        str(2 * settings.idle_timeout_seconds)
    store = app.extensions["kiosk"].store
    lifetime = next(store.db.query("select max(expires - updated) as seconds from sessions"))
    resident_lifetime = settings.idle_timeout_seconds + settings.warning_seconds + 30
    assert lifetime["seconds"] >= 2 * resident_lifetime - 1
