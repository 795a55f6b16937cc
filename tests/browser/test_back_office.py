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


class Clerk:
    """A clerk at a desk PC, counting the clicks (taps) their work takes. Clerks have a
    keyboard: the sign-in form and the search box are typed into."""

    def __init__(self, page, app, language="zh"):
        self.page = page
        self.words = Resident(page, app, language).words
        self.taps = 0

    def sign_in(self, name, password="correct horse battery"):
        self.page.goto("/staff/sign-in")
        self.page.locator("#name").fill(name)
        self.page.locator("#password").fill(password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=self.words("Sign in")).click()

    def tap(self, locator):
        """Click something that loads the next page, and count it."""
        self.taps += 1
        with self.page.expect_navigation():
            locator.click()

    def button(self, message, **values):
        return self.page.get_by_role("button", name=self.words(message, **values), exact=True)

    def link(self, message, **values):
        return self.page.get_by_role("link", name=self.words(message, **values), exact=True)


def one_slip(reference):
    """The reference as a clerk might mistype it: lower case, a space for a dash, and the
    last random character wrong."""
    wrong = "Z" if reference[-2] != "Z" else "Y"
    return (reference[:-2] + wrong + reference[-1]).lower().replace("-", " ", 1)


def test_a_clerk_finds_a_mistyped_reference_and_completes_it_in_three_taps(
        browser, kiosk_server, screenshots):
    app, base_url = kiosk_server
    app.extensions["kiosk"].staff.add("clerk", "correct horse battery", roles=["clerk"])
    context = browser.new_context(base_url=base_url, has_touch=True)
    page = context.new_page()
    page.goto("/")
    reference = make_an_application(page, app)
    app.extensions["kiosk"].outbox.deliver_due()

    clerk = Clerk(page, app)
    clerk.sign_in("clerk")
    expect(page.locator("h1")).to_have_text(clerk.words("Back office inbox"))
    expect(page.locator("#find-q")).to_be_focused()          # ready to type the reference
    screenshots(page, "zh-backoffice", "inbox")
    assert not axe_violations(page)

    page.keyboard.type(one_slip(reference))
    clerk.tap(clerk.button("Find"))
    expect(page.locator("h1")).to_have_text(clerk.words("Application %(reference)s",
                                                        reference=reference))
    expect(page.locator("main")).to_contain_text(reference)
    screenshots(page, "zh-backoffice", "found-by-check-character")
    assert not axe_violations(page)
    clerk.tap(clerk.link("Mark completed"))
    screenshots(page, "zh-backoffice", "complete-question")
    assert not axe_violations(page)
    clerk.tap(clerk.button("Yes, complete it"))
    expect(page.locator("main")).to_contain_text(clerk.words("Status changed to %(status)s.",
                                                             status=clerk.words("Completed")))
    assert app.extensions["kiosk"].backoffice.submission(reference)["status"] == "completed"
    assert clerk.taps == 3
    print(f"\nclerk: find a mistyped reference and mark it done: {clerk.taps} taps after sign-in")

    clerk.tap(clerk.button("Undo"))                           # a slip of the finger, taken back
    expect(page.locator("main")).to_contain_text(clerk.words("Undone. The status is back as it was."))
    assert app.extensions["kiosk"].backoffice.submission(reference)["status"] == "received"
    screenshots(page, "zh-backoffice", "undone")
    context.close()


def test_a_clerk_assigns_notes_ticks_prints_and_exports(browser, kiosk_server, screenshots):
    app, base_url = kiosk_server
    app.extensions["kiosk"].staff.add("王丽", "correct horse battery", roles=["clerk"])
    context = browser.new_context(base_url=base_url, has_touch=True, accept_downloads=True)
    page = context.new_page()
    page.goto("/")
    reference = make_an_application(page, app)
    app.extensions["kiosk"].outbox.deliver_due()
    backoffice = app.extensions["kiosk"].backoffice

    clerk = Clerk(page, app)
    clerk.sign_in("王丽")                                       # a Chinese staff name
    expect(page.get_by_role("button", name=clerk.words("Sign out %(name)s", name="王丽"))).to_be_visible()
    clerk.tap(page.get_by_role("link", name=reference))
    clerk.tap(clerk.button("Assign to me"))
    assert backoffice.submission(reference)["assignee"] == "王丽"
    page.locator("#note").fill("申请人电话确认，周五来补租赁合同")
    clerk.tap(clerk.button("Add note"))
    first_document = page.locator(".document-ticks button").first
    clerk.tap(first_document)
    expect(page.locator(".document-ticks button").first).to_have_attribute("aria-pressed", "true")
    assert len(backoffice.document_checks(reference)) == 1
    screenshots(page, "zh-backoffice", "detail")
    assert not axe_violations(page)

    clerk.tap(clerk.link("Print case sheet"))
    expect(page.locator(".case-sheet")).to_contain_text("申请人电话确认")
    assert not axe_violations(page)
    page.emulate_media(media="print")
    expect(page.locator(".case-sheet .reference-panel__number")).to_have_text(reference)
    expect(page.locator(".kiosk-bar")).to_be_hidden()         # nothing interactive on paper
    expect(page.get_by_role("button", name=clerk.words("Print"), exact=True)).to_be_hidden()
    screenshots(page, "zh-backoffice", "case-sheet-printed")
    page.emulate_media(media="screen")

    page.goto("/backoffice?mine=1")
    expect(page.locator("tbody")).to_contain_text(reference)
    with page.expect_download() as download:
        clerk.link("Export CSV").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    assert reference in exported and "已受理" in exported and "王丽" in exported
    assert "周五来补" not in exported                            # notes stay internal
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
    # As the operator's `staff unlock temp` would: the kiosk server is shared by the tests
    # after this one, whose clerks sign in from the same address.
    app.extensions["kiosk"].staff.unlock("temp")
