"""Call a clerk, in the browser: three residents (zh, en, ko) tap Call a clerk by touch; a
clerk's inbox, open all along, shows their calls without reloading; the clerk taps On my
way for each, and each kiosk page says so in its resident's language."""
import pytest
from playwright.sync_api import expect

from journey import Visit
from layout import LANDSCAPE, PORTRAIT, axe_violations, layout_problems
from test_back_office import Clerk
from touch import forbid_keyboard

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
POLL = 10_000   # the pages ask every 3 to 4 seconds


def resident_calls(browser, base_url, app, language, viewport, screenshots):
    """A resident starts in `language` and taps Call a clerk in the top bar."""
    context = browser.new_context(viewport=viewport, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, language)
    visit.start("large" if language == "ko" else "default")
    bar = page.locator(".kiosk-bar").get_by_role("button", name=visit.words("Call a clerk"))
    expect(bar).to_be_visible()
    screenshots(page, language, "call-clerk-in-the-top-bar")
    visit.finger.tap(bar, navigates=True)
    expect(page.locator("h1")).to_have_text(visit.words("A clerk is coming"))
    expect(page.locator("#call-state")).to_have_text(
        visit.words("Your call has been sent. A clerk will answer it soon."))
    return context, page, visit


def test_residents_call_and_a_clerk_on_the_inbox_answers_without_reloading(
        browser, kiosk_server, screenshots, monkeypatch):
    app, base_url = kiosk_server
    app.extensions["kiosk"].staff.add("desk clerk", PASSWORD, roles=["clerk"], reset=True)
    desk = browser.new_context(viewport=LANDSCAPE, base_url=base_url)
    clerk_page = desk.new_page()
    clerk = Clerk(clerk_page, app, "zh")
    clerk.sign_in("desk clerk")
    expect(clerk_page.locator("h1")).to_have_text(clerk.words("Back office inbox"))
    clerk_page.evaluate("window.notReloaded = true")

    forbid_keyboard(monkeypatch)      # residents have a touchscreen and nothing else
    residents = [resident_calls(browser, base_url, app, language, viewport, screenshots)
                 for language, viewport in (("zh", LANDSCAPE), ("en", PORTRAIT),
                                            ("ko", PORTRAIT))]
    for _, page, visit in residents:
        assert not axe_violations(page), visit.persona.language
        assert not layout_problems(page, large_text=visit.persona.language == "ko")
        screenshots(page, visit.persona.language, "call-clerk-waiting")
    monkeypatch.undo()                # the clerk has a keyboard

    calls = clerk_page.locator("[data-calls-list] .calls-list__call")
    expect(calls).to_have_count(3, timeout=POLL)
    assert clerk_page.evaluate("window.notReloaded") is True
    expect(clerk_page.locator("[data-calls-announce]")).not_to_be_empty()
    expect(calls.first).to_contain_text("Service hall kiosk 2")
    expect(calls.nth(2)).to_contain_text("한국어")
    screenshots(clerk_page, "zh-backoffice", "calls-waiting")
    assert not axe_violations(clerk_page)

    for _ in residents:
        clerk.tap(clerk_page.locator("[data-calls-list]").get_by_role(
            "button", name=clerk.words("On my way"), exact=True).first)
    for _, page, visit in residents:
        expect(page.locator("#call-state")).to_have_text(
            visit.words("A clerk is on the way to you."), timeout=POLL)
    screenshots(residents[2][1], "ko", "call-clerk-on-my-way")

    # The Korean resident goes back to where they were; the call goes on without them.
    ko_page, ko_visit = residents[2][1], residents[2][2]
    ko_visit.finger.tap_link(ko_visit.words("Back to my application"))
    expect(ko_page.locator("h1")).not_to_have_text(ko_visit.words("A clerk is coming"))

    clerk.tap(clerk_page.locator("[data-calls-list]").get_by_role(
        "button", name=clerk.words("Done"), exact=True).first)
    zh_page, zh_visit = residents[0][1], residents[0][2]
    expect(zh_page.locator("#call-state")).to_have_text(
        zh_visit.words("Your call is closed. If you still need help, call a clerk again."),
        timeout=POLL)
    for context, _, _ in residents:
        context.close()
    desk.close()
