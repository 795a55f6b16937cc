"""A clerk in the built-in back office, in the browser: the application a resident just made."""
import re

import pytest
from playwright.sync_api import expect

from layout import axe_violations
from journey import Visit
from resident import Resident

pytestmark = pytest.mark.browser


def make_an_application(page, app):
    """A resident applies for the social security card package, by touch alone."""
    visit = Visit(page, app, "zh")
    visit.reach_check("social_security_card")
    return visit.send()


def test_a_clerk_finds_the_application_changes_its_status_and_exports(browser, kiosk_server,
                                                                      screenshots):
    app, base_url = kiosk_server
    app.extensions["kiosk"].staff.add("clerk", "correct horse battery")
    context = browser.new_context(base_url=base_url, has_touch=True, accept_downloads=True)
    page = context.new_page()
    page.goto("/")
    reference = make_an_application(page, app)
    app.extensions["kiosk"].outbox.deliver_due()

    page.goto("/backoffice")
    assert "/staff/sign-in" in page.url           # the back office needs a signed-in clerk
    clerk = Resident(page, app, "zh")
    page.locator("#name").fill("clerk")
    page.locator("#password").fill("correct horse battery")
    with page.expect_navigation():
        page.get_by_role("button", name=clerk.words("Sign in")).click()
    clerk.expect_heading(clerk.words("Back office inbox"))
    screenshots(page, "zh-backoffice", "inbox")
    assert not axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name=reference).click()
    page.get_by_label(clerk.words("In progress")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=clerk.words("Save status")).click()
    expect(page.locator("main")).to_contain_text(clerk.words("Status changed."))
    expect(page.locator("main")).to_contain_text("clerk")
    screenshots(page, "zh-backoffice", "detail")
    assert not axe_violations(page)

    page.goto("/backoffice?status=in_progress")
    with page.expect_download() as download:
        page.get_by_role("link", name=clerk.words("Export CSV")).click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    assert reference in exported and "in_progress" in exported
    context.close()


def test_wrong_passwords_make_the_clerk_wait(browser, kiosk_server):
    app, base_url = kiosk_server
    app.extensions["kiosk"].staff.add("temp", "correct horse battery")
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    clerk = Resident(page, app, "zh")
    for _ in range(5):
        page.goto("/staff/sign-in")
        page.locator("#name").fill("temp")
        page.locator("#password").fill("not the password")
        with page.expect_navigation():
            page.get_by_role("button", name=clerk.words("Sign in")).click()
    page.goto("/staff/sign-in")
    page.locator("#name").fill("temp")
    page.locator("#password").fill("correct horse battery")
    with page.expect_navigation():
        page.get_by_role("button", name=clerk.words("Sign in")).click()
    waiting = clerk.words("Too many wrong tries. Please wait %(seconds)s seconds and try again.",
                          seconds=999)
    expect(page.locator("main")).to_contain_text(re.compile(
        re.escape(waiting).replace("999", "[1-4]")))     # even the right password waits
    context.close()
