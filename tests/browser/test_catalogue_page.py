"""The operator publishes the district's catalogue in the browser: a mistake in the file is
shown with the start-up message inside a page in the operator's language."""
import pytest
from playwright.sync_api import expect

from layout import axe_violations, layout_problems
from resident import Resident

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_an_operator_sees_a_mistake_in_the_catalogue_named_in_their_language(
        browser, kiosk_server, screenshots, tmp_path, language):
    app, base_url = kiosk_server
    staff = app.extensions["kiosk"].staff
    if staff.account("ops") is None:
        staff.add("ops", PASSWORD, roles=["operator"])
    words = Resident(None, app, language).words
    broken = tmp_path / "district.toml"
    broken.write_text(app.extensions["kiosk"].settings.catalogue_path.read_text(encoding="utf-8")
                      .replace('icon = "shop"', 'icon = "../shop.svg"', 1), encoding="utf-8")
    context = browser.new_context(base_url=base_url, locale=language)
    page = context.new_page()
    page.goto("/staff/sign-in")
    page.locator("#name").fill("ops")       # staff have a keyboard
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=Resident(None, app, "zh").words("Sign in")).click()
    page.goto("/backoffice/catalogue")
    with page.expect_navigation():      # signing in started a fresh session, in Chinese
        page.get_by_role("button", name={"zh": "中文", "ko": "한국어"}[language]).click()
    expect(page.locator("h1")).to_have_text(words("The district's catalogue"))
    page.locator("#catalogue").set_input_files(str(broken))
    with page.expect_navigation():
        page.get_by_role("button", name=words("Check and publish")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(words("This catalogue cannot be published"))
    expect(summary).to_contain_text('district.toml: package "')
    expect(summary).to_contain_text('field "icon"')
    screenshots(page, f"{language}-backoffice", "catalogue-refused")
    assert not axe_violations(page)
    assert not layout_problems(page, large_text=False)
    context.close()
