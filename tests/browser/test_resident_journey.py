"""A resident completes a whole package by touch in a real browser, in each language.

On the way: a dropped optional service, an added one, eligibility questions, an ID
number with a typo that the kiosk catches, and a language switch in the middle of the
form that keeps what was typed. At the end the stored submission is checked.
"""
import pytest
from playwright.sync_api import expect

from layout import PORTRAIT, axe_violations, layout_problems
from resident import Resident, reference_on, wrong_check_digit

pytestmark = pytest.mark.browser

SCENARIOS = {
    "zh": {"package": "open_shop", "drop": "outdoor_signboard",
           "add": "tobacco_retail_licence", "not_eligible": {"shop_near_school": True},
           "switch_to": "en"},
    "en": {"package": "have_baby", "drop": "parenting_guidance", "add": "residence_permit",
           "not_eligible": {"parent_local_hukou": False}, "switch_to": "ko"},
    "ko": {"package": "retire", "drop": "housing_fund_retirement_withdrawal",
           "add": "social_security_card_replace", "not_eligible": {"age_60_plus": False},
           "switch_to": "zh"},
}


@pytest.mark.parametrize("large_text", [False, True], ids=["default", "large-text"])
@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_resident_completes_a_package_by_touch(kiosk_page, kiosk_server, screenshots,
                                               language, large_text):
    """In default mode on a landscape screen; in large-text mode on a portrait one."""
    app, _ = kiosk_server
    scenario = SCENARIOS[language]
    page = kiosk_page
    resident = Resident(page, app, "zh")
    catalogue = resident.catalogue
    mode = "large-text" if large_text else "default"
    problems = {}

    def shot(name):
        screenshots(page, f"{language}-{mode}", name)
        problems.update({f"{name}: {problem}": None
                         for problem in layout_problems(page, large_text) + axe_violations(page)})

    if large_text:
        page.set_viewport_size(PORTRAIT)
        resident.tap_button(resident.words("Large text"))
        expect(page.locator("html")).to_have_class("large-text")

    # Home: Chinese by default; the resident picks their language.
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    if language != "zh":
        resident.choose_language(language)
    resident.expect_heading(resident.words("Welcome to the one-stop service"))
    shot("01-home")

    # Package menu.
    resident.tap_link(resident.words("Start"))
    resident.expect_heading(resident.words("What would you like to get done?"))
    shot("02-menu")
    package = catalogue.packages[scenario["package"]]
    resident.tap_button(resident.local(package.title))

    # Builder: drop an optional brick, add one from the catalogue.
    resident.expect_heading(resident.local(package.title))
    shot("03-builder")
    dropped = catalogue.items[scenario["drop"]]
    resident.tap_button(resident.words("Remove: %(title)s", title=resident.local(dropped.title)))
    expect(page.get_by_role("button", name=resident.words(
        "Add: %(title)s", title=resident.local(dropped.title)), exact=True)).to_be_visible()
    resident.tap_link(resident.words("Add another service"))
    resident.expect_heading(resident.words("Add another service"))
    shot("04-add-service")
    added = catalogue.items[scenario["add"]]
    resident.tap_button(resident.words("Add: %(title)s", title=resident.local(added.title)))
    resident.tap_link(resident.words("Done, back to my package"))
    expect(page.locator(f"#item-{added.key}")).to_be_visible()
    chosen = [key for key in package.default_items() if key != dropped.key] + [added.key]

    # Eligibility, where a chosen service asks.
    resident.tap_link(resident.words("Continue"))
    not_eligible = scenario["not_eligible"]
    if catalogue.questions_for(chosen):
        resident.expect_heading(resident.words("A few questions first"))
        resident.answer_eligibility(chosen, dict(not_eligible))
        shot("05-eligibility")
        resident.tap_button(resident.words("Continue"))
    if not_eligible:
        failed = [key for key in chosen for rule in catalogue.items[key].eligibility
                  if rule.question in not_eligible and rule.eligible_answer != not_eligible[rule.question]]
        for key in failed:
            rule = next(r for r in catalogue.items[key].eligibility if r.question in not_eligible)
            expect(page.get_by_text(resident.local(rule.instead))).to_be_visible()
        shot("06-eligibility-outcome")
        resident.tap_link(resident.words("Continue with the rest"))
        chosen = [key for key in chosen if key not in failed]

    # The one form: a typo in the ID number first.
    resident.expect_heading(resident.words("Your details"))
    fields = catalogue.form_fields(chosen)
    shot("07-form")
    ids = resident.fill_form(fields, {})
    good_id = ids["applicant_id_number"] if "applicant_id_number" in ids else next(iter(ids.values()))
    id_field = "applicant_id_number" if "applicant_id_number" in ids else next(iter(ids))
    page.locator(f"#{id_field}").fill(wrong_check_digit(good_id))
    resident.tap_button(resident.words("Continue"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(resident.words(
        "This ID number is not right. Check each digit against your card"))
    shot("08-form-errors")
    name_field = next(f for f in fields if f.type == "name")
    expect(page.locator(f"#{name_field.key}")).to_have_value(resident.answer_for(name_field, {}))
    page.locator(f"#{id_field}").fill(good_id)

    # Switch language mid-form: what was typed stays, in the new language's screen.
    spoken = resident.language
    resident.choose_language(scenario["switch_to"])
    resident.expect_heading(resident.words("Your details"))
    expect(page.locator(f"#{id_field}")).to_have_value(good_id)
    resident.choose_language(spoken)
    resident.tap_button(resident.words("Continue"))

    # Check your answers, then send.
    resident.expect_heading(resident.words("Check your answers"))
    for key in chosen:
        expect(page.locator("main")).to_contain_text(resident.local(catalogue.items[key].title))
    expect(page.get_by_role("link", name=resident.words("Change")).first).to_be_visible()
    shot("09-check")
    resident.tap_button(resident.words("Send my application"))

    # Confirmation with a reference, stored with its outbox entry.
    resident.expect_heading(resident.words("Your application has been sent"))
    reference = reference_on(page)
    expect(page.get_by_role("button", name=resident.words("Print receipt"))).to_be_visible()
    shot("10-done")
    page.emulate_media(media="print")
    expect(page.locator(".kiosk-bar")).to_be_hidden()
    expect(page.locator("[data-reference]")).to_be_visible()
    screenshots(page, f"{language}-{mode}", "10-done-printed-receipt")
    page.emulate_media(media="screen")
    store = app.extensions["kiosk"].store
    submission = store.get_submission(reference)
    assert submission["language"] == language
    assert [item["key"] for item in submission["items"]] == chosen
    assert submission["answers"][id_field] == good_id
    assert submission["eligibility"]["answers"].keys() >= set(not_eligible)
    assert store.outbox_for(reference)[0]["status"] == "pending"

    # Finish wipes the session: the next resident starts from scratch, in Chinese.
    resident.tap_button(resident.words("Finish"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto("/check")
    assert page.url.endswith("/packages")
    assert not list(problems), "\n".join(problems)
