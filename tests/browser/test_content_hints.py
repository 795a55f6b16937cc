"""Hints and documents that fit the resident, and the foreigner's residence permit, by touch.

In zh, en and ko: a retiree's Employer question says nothing about the mother's employer,
while the new parent's does; the father applying is not told to leave his own name blank,
and is asked for both parents' ID documents without "Your ID document" as well; a foreign
national finds the foreigner's residence permit next to the citizens' one, by topic and by
typing, and its eligibility question turns a Chinese citizen to the citizens' permit.
"""
import dataclasses

import pytest
from playwright.sync_api import expect

from journey import Visit, release_or
from personas import PERSONAS
from touch import forbid_keyboard

pytestmark = pytest.mark.browser
LANGUAGES = ["zh", "en", "ko"]


@pytest.fixture
def visit(browser, kiosk_server, monkeypatch):
    app, base_url = kiosk_server
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True,
                                  base_url=base_url)
    page = context.new_page()
    page.goto("/")
    forbid_keyboard(monkeypatch)
    made = []

    def make(language, **persona):
        one = Visit(page, app, language)
        if persona:
            one.persona = dataclasses.replace(one.persona, **persona)
        made.append(one)
        return one
    yield make
    context.close()


def hint_at(page, key):
    hint = page.locator(f"#field-{key} .field__hint")
    return hint.inner_text() if hint.count() else None


def answer_form_until(visit, path):
    """Answer screen after screen of the one form until the one at `path`."""
    while visit.on_form() and f"/form/{path}" not in visit.page.url:
        visit.answer_section()
        visit.continue_form()
    assert f"/form/{path}" in visit.page.url, visit.page.url


def document_titles(visit):
    return visit.page.locator(".document-list li").all_inner_texts()


@pytest.mark.parametrize("language", release_or(["zh"], LANGUAGES))
def test_a_retiree_is_not_asked_for_the_mothers_employer(visit, screenshots, language):
    resident = visit(language)
    catalogue = resident.catalogue
    employer = catalogue.fields["employer_name"]
    hints = {hint.key: hint.text.in_language(language) for hint in employer.hints}
    resident.start("default")
    chosen = resident.choose_package("retire")
    resident.continue_from_builder()
    resident.answer_eligibility(chosen)
    answer_form_until(resident, "work")
    assert hint_at(resident.page, "employer_name") == hints["retirement"]
    expect(resident.page.locator("main")).not_to_contain_text(hints["maternity"])
    screenshots(resident.page, language, "hints-retire-work")


# The father applying for his baby: test_four_walks.py, walk 2.


SEARCH = {"zh": "jlxk", "en": "visa", "ko": "거류"}
FOREIGNERS = {
    "zh": {"id_type": "passport", "id_number": "E23456789",
           "answers": {**PERSONAS["zh"].answers,
                       "nationality": [("pinyin", [("fa", "法"), ("guo", "国")])]}},
    "en": {"answers": {**PERSONAS["en"].answers, "nationality": [("keys", "British")]}},
    "ko": {"answers": {**PERSONAS["ko"].answers, "nationality": [("hangul", "한국")]}},
}


@pytest.mark.parametrize("language", release_or(["ko"], LANGUAGES))
def test_a_foreign_national_finds_and_applies_for_the_foreigners_residence_permit(
        visit, screenshots, language):
    resident = visit(language, **FOREIGNERS[language])
    catalogue, page, finger = resident.catalogue, resident.page, resident.finger
    permit = catalogue.items["foreigner_residence_permit"]
    title = permit.title.in_language(language)
    resident.start("default")
    finger.tap_button(resident.words("Build your own"))
    finger.tap_link(resident.words("Add another service"))
    # By topic: next to the citizens' permit, under Hukou and ID.
    residence = page.locator("section[aria-labelledby=category-residence]")
    expect(residence.locator("#item-foreigner_residence_permit")).to_be_visible()
    expect(residence.locator("#item-residence_permit")).to_be_visible()
    # By typing: pinyin initials, an everyday word, Hangul.
    finger.open("service-query")
    if language == "ko":
        finger.type_hangul(SEARCH[language])
    else:
        finger.type_keys(SEARCH[language])
    resident.close_keyboard()
    expect(page.locator("#item-foreigner_residence_permit")).to_be_visible()
    expect(page.locator("#item-pension_claim")).to_be_hidden()
    screenshots(page, language, "foreigner-permit-search")
    finger.tap_button(resident.words("Add: %(title)s", title=title))
    finger.tap_link(resident.words("Done, back to my package"))
    resident.continue_from_builder()

    # A Chinese citizen is turned to the citizens' permit...
    question = "applicant_chinese_citizen"
    finger.tap(page.locator(f'label[for="{question}"]'))
    finger.tap_button(resident.words("Continue"))
    rule = permit.eligibility[0]
    expect(page.locator("main")).to_contain_text(rule.instead.in_language(language))
    screenshots(page, language, "foreigner-permit-citizen-outcome")
    finger.tap_link(resident.words("Change my answers"))
    # ...and a foreign national goes on to the form.
    chosen = resident.answer_eligibility(["foreigner_residence_permit"])
    assert chosen == ["foreigner_residence_permit"]
    assert resident.on_form()
    resident.fill_whole_form()
    resident.resident.expect_heading(resident.words("Check your answers"))
    titles = document_titles(resident)
    for key in ("passport", "photo", "accommodation_registration", "work_permit"):
        wanted = catalogue.documents[key].title.in_language(language)
        assert any(title.startswith(wanted) for title in titles), (key, titles)
    for key in ("study_certificate", "id_card"):
        unwanted = catalogue.documents[key].title.in_language(language)
        assert not any(title.startswith(unwanted) for title in titles), (key, titles)
    screenshots(page, language, "foreigner-permit-check")
    reference = resident.send()
    submission = resident.app.extensions["kiosk"].store.get_submission(reference)
    assert [item["key"] for item in submission["items"]] == ["foreigner_residence_permit"]
    assert submission["answers"]["residence_purpose"] == "work"
    screenshots(page, language, "foreigner-permit-done")
