"""Every package, in every language, completed by touch alone (no keyboard API at all).

Each journey taps through home, menu, builder, eligibility, every screen of the one form,
Check your answers and the receipt, typing on the kiosk's own on-screen keyboard: Chinese
by pinyin (李明) and by hand (王), Korean composed from jamo (김민수), English with Shift,
a mainland ID ending in X and passport numbers, dates from the kiosk's date picker. One
journey per language also corrects an error, drops and searches for services, and
switches language mid-form. The journeys cover every package, and each language in every
orientation and text size (12 journeys); `make test-release` runs the whole cross-product. The cost of each journey (screens, taps, key taps, characters, taps that
needed scrolling first) is printed as a table at the end of the run.
"""
import os

import pytest
from playwright.sync_api import expect

from kiosk.languages import finish as finished_for

from journey import VIEWPORTS, Cost, Visit, primary_action_in_view
from touch import forbid_keyboard

pytestmark = pytest.mark.browser

PACKAGES = ["open_shop", "have_baby", "retire", "hire_employee", "social_security_card",
            "school_admission", "hukou_move", "business_change"]
LANGUAGES = ["zh", "en", "ko"]
SHAPES = [("landscape", "default"), ("portrait", "large"), ("portrait", "default"),
          ("landscape", "large")]
COSTS = []   # printed by conftest.pytest_terminal_summary


def plan(everything=False):
    """(package, language, orientation, text size): each language in every shape once, the
    packages taken in turn so each is walked at least once (and the first three, in zh, en
    and ko, are the journeys with extras); or, for a release, the whole cross-product."""
    if everything:
        return [(package, language, *shape) for package in PACKAGES for language in LANGUAGES
                for shape in SHAPES]
    slots = [(language, shape) for shape in SHAPES for language in LANGUAGES]
    return [(PACKAGES[index % len(PACKAGES)], language, *shape)
            for index, (language, shape) in enumerate(slots)]


JOURNEYS = plan(everything=os.environ.get("KIOSK_RELEASE") == "1")
# The journeys that also correct an error and try the rest of the kiosk's controls.
WITH_EXTRAS = {("open_shop", "zh"), ("have_baby", "en"), ("retire", "ko")}


@pytest.mark.parametrize("package, language, orientation, text_size", JOURNEYS,
                         ids=["-".join(journey) for journey in JOURNEYS])
def test_a_resident_completes_the_package_by_touch_alone(browser, kiosk_server, monkeypatch,
                                                         screenshots, package, language,
                                                         orientation, text_size):
    app, base_url = kiosk_server
    context = browser.new_context(viewport=VIEWPORTS[orientation], has_touch=True,
                                  base_url=base_url)
    page = context.new_page()
    page.goto("/")
    forbid_keyboard(monkeypatch)
    visit = Visit(page, app, language)
    not_in_reach = []

    def check_reach(name):
        if not primary_action_in_view(page):
            not_in_reach.append(name)

    visit.start(text_size)
    check_reach("menu")
    chosen = visit.choose_package(package)
    check_reach("builder")
    extras = (package, language) in WITH_EXTRAS
    if extras:
        chosen = try_the_builder(visit, chosen)
    visit.continue_from_builder()
    chosen = visit.answer_eligibility(chosen)
    if extras:
        correct_an_error(visit)
    shot = f"{language}-{orientation}-{text_size}"
    while visit.on_form():
        check_reach(page.url)
        visit.answer_section()
        if extras and "/form/applicant" in page.url:
            switch_language_and_back(visit)
        visit.continue_form()
        assert not page.locator("#error-summary").count(), page.locator("main").inner_text()
    check_reach("check")
    screenshots(page, shot, f"touch-{package}-check")
    reference = visit.send()
    check_reach("done")
    screenshots(page, shot, f"touch-{package}-done")

    submission = app.extensions["kiosk"].store.get_submission(reference)
    assert submission["language"] == language
    for key, typed in visit.typed.items():
        assert submission["answers"][key], key
        if key in ("applicant_name", "child_name", "father_name"):
            assert submission["answers"][key] == typed
    if language == "zh" and "applicant_name" in visit.typed:
        assert submission["answers"]["applicant_name"] == "李明"
    if language == "zh" and "child_name" in visit.typed:
        assert submission["answers"]["child_name"] == "李小红"    # 小 written by hand
    if language == "ko" and "applicant_name" in visit.typed:
        assert submission["answers"]["applicant_name"] == "김민수"
    if extras:
        finish(visit)
    COSTS.append(visit.cost(package, orientation, text_size))
    context.close()
    assert not not_in_reach, f"primary action or top bar out of view on {not_in_reach}"


def try_the_builder(visit, chosen):
    """Drop an optional service, then find another by typing in the search box."""
    page, catalogue = visit.page, visit.catalogue
    package = catalogue.packages[catalogue_package(visit, chosen)]
    optional = next(entry.item for entry in package.items if not entry.required and entry.item in chosen)
    title = catalogue.items[optional].title.in_language(visit.persona.language)
    visit.finger.tap_button(visit.words("Remove: %(title)s", title=title))
    chosen = [key for key in chosen if key != optional]
    visit.finger.tap_link(visit.words("Add another service"))
    query = {"zh": ("pinyin", "sbk"), "en": ("keys", "card"), "ko": ("hangul", "카드")}
    how, what = query[visit.persona.language]
    visit.finger.open("service-query")   # letters first, also in Chinese: initials, not pinyin
    visit.finger.type_hangul(what) if how == "hangul" else visit.finger.type_keys(what)
    visit.close_keyboard()
    wanted = catalogue.items["social_security_card_replace"]
    card = page.locator("#item-social_security_card_replace")
    expect(card).to_be_visible()
    expect(page.locator("#item-pension_claim")).to_be_hidden()   # filtered out as typed
    if "social_security_card_replace" not in chosen:
        visit.finger.tap_button(visit.words("Add: %(title)s", title=wanted.title.in_language(
            visit.persona.language)))
        chosen.append("social_security_card_replace")
    visit.finger.tap_link(visit.words("Done, back to my package"))
    expect(page.locator("#item-social_security_card_replace")).to_be_visible()
    return chosen


def catalogue_package(visit, chosen):
    return next(key for key, package in visit.catalogue.packages.items()
                if set(package.default_items()) >= set(chosen) - {"social_security_card_replace"})


def correct_an_error(visit):
    """Leave the name out, be told, follow the error's link, type it, go on."""
    page = visit.page
    visit.answer_section(leave_out={"applicant_name"})
    visit.continue_form()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    label = visit.catalogue.fields["applicant_name"].label.in_language(visit.persona.language)
    # As the kiosk writes it: in Korean with the particle the label takes (이름을).
    message = finished_for(visit.words("Enter %(label)s", label=label), visit.persona.language)
    visit.finger.tap(summary.get_by_role("link", name=message))
    expect(page.locator("#applicant_name")).to_be_focused()
    expect(visit.finger.keyboard).to_be_visible()
    box = page.locator("#field-applicant_name").bounding_box()
    top = page.locator(".top-dock").bounding_box()
    keyboard = visit.finger.keyboard.bounding_box()
    assert box["y"] >= top["y"] + top["height"] - 1, "the label hides under the top bar"
    assert box["y"] + box["height"] <= keyboard["y"] + 1, "the keyboard covers the field"
    visit.type_answer(visit.catalogue.fields["applicant_name"],
                      visit.persona.steps(visit.catalogue.fields["applicant_name"]))
    visit.close_keyboard()


def switch_language_and_back(visit):
    """Switching language mid-form keeps what was typed."""
    page, persona = visit.page, visit.persona
    typed = page.locator("#applicant_name").input_value()
    other = {"zh": ("English", "en"), "en": ("한국어", "ko"), "ko": ("中文", "zh")}[persona.language]
    visit.finger.tap(page.locator(".kiosk-bar").get_by_role("button", name=other[0], exact=True),
                     navigates=True)
    expect(page.locator("#applicant_name")).to_have_value(typed)
    # The screen comes back at the field the resident was on, not at the top.
    assert page.url.endswith("#at-applicant_name")
    expect(page.locator("#applicant_name")).to_be_in_viewport()
    back = {"zh": "中文", "en": "English", "ko": "한국어"}[persona.language]
    visit.finger.tap(page.locator(".kiosk-bar").get_by_role("button", name=back, exact=True),
                     navigates=True)
    expect(page.locator("#applicant_name")).to_have_value(typed)


def finish(visit):
    """The receipt prints without the screen's controls; Finish wipes the session."""
    page = visit.page
    page.emulate_media(media="print")
    expect(page.locator(".bottom-dock")).to_be_hidden()
    expect(page.locator("[data-reference]")).to_be_visible()
    # Only the receipt goes on paper: no button, no hint for the screen, no read-aloud bar.
    assert page.evaluate("""() => [...document.querySelectorAll('button, a[href], .hint.no-print')]
        .filter((el) => el.offsetParent !== null).length""") == 0
    page.emulate_media(media="screen")
    visit.finger.tap_button(visit.words("Finish"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto("/check")
    assert page.url.endswith("/packages")
