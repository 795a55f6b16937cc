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
