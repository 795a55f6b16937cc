"""By keyboard or switch alone: logical order, visible focus, focus on each new screen's h1,
the error summary after a failed step, and a timeout dialog that holds focus."""
import pytest
from playwright.sync_api import expect

from resident import Resident

pytestmark = pytest.mark.browser


def focused(page):
    return page.evaluate("""() => { const el = document.activeElement;
        return (el.id ? '#' + el.id : el.tagName.toLowerCase()) + '|' + (el.innerText || '').trim(); }""")


def tab_to(page, text, limit=40):
    """Press Tab until the focused element shows `text`; fail if it never comes."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused(page):
            return
    raise AssertionError(f"Tab never reached {text!r}")


def test_a_whole_step_sequence_by_keyboard(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    resident = Resident(page, app, "en")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()        # first: skip to content
    tab_to(page, "English")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, resident.words("Start"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_be_focused()                # focus moves to the new h1
    tab_to(page, resident.local(resident.catalogue.packages["retire"].title))
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.locator("h1")).to_have_text(resident.local(resident.catalogue.packages["retire"].title))
    expect(page.locator("h1")).to_be_focused()
    tab_to(page, resident.words("Continue"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, resident.words("Continue"))                  # nothing answered
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()    # errors: focus on the summary


@pytest.mark.parametrize("contrast", [False, True], ids=["default", "high-contrast"])
def test_keyboard_focus_is_clearly_visible(kiosk_page, kiosk_server, contrast):
    app, _ = kiosk_server
    page = kiosk_page
    if contrast:
        Resident(page, app, "zh").tap_button(Resident(page, app, "zh").words("High contrast"))
    tab_to(page, "English")
    outline = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert outline >= 3


def test_the_timeout_dialog_holds_focus_and_escape_closes_it(browser, kiosk_server):
    app, base_url = kiosk_server
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.clock.install()
    page.goto("/packages")
    page.clock.run_for(app.extensions["kiosk"].settings.idle_timeout_seconds * 1000 + 500)
    dialog = page.locator("#timeout-dialog")
    expect(dialog).to_be_visible()
    assert dialog.get_attribute("role") == "alertdialog"
    for _ in range(6):                       # Tab cycles inside the dialog, never behind it
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('timeout-dialog').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    context.close()


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_nothing_moves_on_its_own(browser, kiosk_server, motion):
    app, base_url = kiosk_server
    context = browser.new_context(base_url=base_url, reduced_motion=motion)
    page = context.new_page()
    page.goto("/packages")
    assert page.evaluate("document.getAnimations().length") == 0
    context.close()


def test_announcements_use_live_regions_and_each_fragment_its_language(kiosk_page):
    page = kiosk_page
    for code, lang in (("中文", "zh-Hans"), ("English", "en"), ("한국어", "ko")):
        assert page.get_by_role("button", name=code, exact=True).get_attribute("lang") == lang
    assert page.locator("#timeout-dialog").get_attribute("aria-describedby") == "timeout-text"


def open_applicant_screen(page, app, language="en"):
    """The first screen of the one form, reached by posts (this test is about what follows)."""
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.content()).group(1)
    page.request.post("/preferences", form={"csrf_token": token, "lang": language, "next": "/"})
    page.request.post("/packages", form={"csrf_token": token, "package": "social_security_card"})
    page.goto("/form/applicant")


def test_a_plugged_in_keyboard_still_types_and_enter_moves_to_the_next_field(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    open_applicant_screen(page, app)
    page.locator("#applicant_name").focus()
    expect(page.locator("#touch-keyboard")).to_be_visible()
    page.keyboard.type("Jane Smith")
    expect(page.locator("#applicant_name")).to_have_value("Jane Smith")
    page.keyboard.press("Enter")                 # not the top bar's first button: next field
    expect(page.locator("#applicant_id_number")).to_be_focused()
    assert page.url.endswith("/form/applicant")


def test_a_switch_user_reaches_the_on_screen_keys_and_types_with_them(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    open_applicant_screen(page, app)
    page.locator("#applicant_name").focus()
    tab_to(page, "q")
    assert page.evaluate("document.getElementById('touch-keyboard').contains(document.activeElement)")
    page.keyboard.press("Enter")
    expect(page.locator("#applicant_name")).to_have_value("q")
    expect(page.locator("#touch-keyboard")).to_be_visible()
