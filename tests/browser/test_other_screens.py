"""The screens off the main path: "Start over?", a calm error page, and the kiosk without JavaScript."""
import pytest
from playwright.sync_api import expect

from layout import axe_violations, layout_problems
from resident import Resident

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_start_over_asks_first_and_a_missing_page_is_calm(kiosk_page, kiosk_server, screenshots,
                                                         language):
    app, _ = kiosk_server
    page = kiosk_page
    resident = Resident(page, app, "zh")
    if language != "zh":
        resident.choose_language(language)
    resident.tap_link(resident.words("Start"))
    resident.tap_button(resident.local(resident.catalogue.packages["open_shop"].title))

    resident.tap_link(resident.words("Start over"))
    resident.expect_heading(resident.words("Start over?"))
    screenshots(page, f"{language}-default", "11-start-over")
    assert not layout_problems(page, False) + axe_violations(page)
    resident.tap_link(resident.words("No, go back"))
    assert page.url.endswith("/builder")

    page.goto("/no/such/page")
    resident.expect_heading(resident.words("Page not found"))
    screenshots(page, f"{language}-default", "12-not-found")
    assert not layout_problems(page, False) + axe_violations(page)

    page.goto("/builder")
    resident.tap_link(resident.words("Start over"))
    resident.tap_button(resident.words("Yes, start over"))
    page.goto("/builder")
    assert page.url.endswith("/packages")


def test_a_package_can_be_chosen_and_shaped_without_javascript(browser, kiosk_server):
    app, base_url = kiosk_server
    context = browser.new_context(java_script_enabled=False, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    resident = Resident(page, app, "zh")
    resident.choose_language("en")
    resident.tap_link(resident.words("Start"))
    resident.tap_button(resident.local(resident.catalogue.packages["retire"].title))
    resident.expect_heading(resident.local(resident.catalogue.packages["retire"].title))
    title = resident.local(resident.catalogue.items["senior_citizen_card"].title)
    resident.tap_button(resident.words("Remove: %(title)s", title=title))
    expect(page.get_by_role("button", name=resident.words("Add: %(title)s", title=title))).to_be_visible()
    resident.tap_link(resident.words("Continue"))
    resident.expect_heading(resident.words("A few questions first"))
    context.close()


def test_check_answers_masks_id_and_bank_card_numbers_until_the_resident_taps_show(
        kiosk_page, kiosk_server, screenshots):
    from journey import Visit
    from kiosk.validators import mask
    app, _ = kiosk_server
    page = kiosk_page
    visit = Visit(page, app, "ko")
    visit.reach_check("retire", "large")
    answers = page.locator("[data-private-answer]")
    assert answers.count() >= 2          # the ID number and the bank card number
    for index in range(answers.count()):
        answer = answers.nth(index)
        full = answer.locator("[data-private-full]").text_content().strip()
        expect(answer.locator("[data-private-masked]")).to_have_text(mask(full))
        expect(answer.locator("[data-private-full]")).to_be_hidden()
    first = answers.first
    show = first.get_by_role("button", name=visit.words("Show number"))
    visit.finger.tap(show)
    expect(first.locator("[data-private-full]")).to_be_visible()
    expect(first.locator("[data-private-masked]")).to_be_hidden()
    screenshots(page, "ko-check", "number-shown")
    assert not layout_problems(page, False) + axe_violations(page)
    visit.finger.tap(first.get_by_role("button", name=visit.words("Hide number")))
    expect(first.locator("[data-private-full]")).to_be_hidden()
