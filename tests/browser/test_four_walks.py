"""The four residents of issue #12, each from the home screen to the receipt in their own way,
by taps alone (and one by voice too), with no wrong turn:

1. an elderly Chinese woman with large text and read aloud, retiring: one tap acts and says
   what it chose (her taps are counted against "Hear before choosing", for the cost table);
2. a foreign English-speaking father applying for his baby: hints and documents for him, his
   passport number masked on Check answers;
3. a deaf Korean shop owner with sign language on a portrait screen: the signer stays in
   view, nothing signed or captioned asks him to listen, a first tap explains;
4. an elderly Korean man who answers the eligibility questions by saying 네.

Each ends on a receipt that says, per service, where to go and when (test_receipt.py).
"""
import re

import pytest
from playwright.sync_api import expect

from journey import Visit
from layout import LANDSCAPE, PORTRAIT
from test_content_hints import answer_form_until, document_titles, hint_at, visit  # noqa: F401
from test_prompts_per_mode import HEARING
from test_receipt import expect_what_happens_next
from test_touch_only import COSTS
from test_voice_input import listening_browser, microphone_saying_ne  # noqa: F401
from touch import forbid_keyboard

pytestmark = pytest.mark.browser


def walk_into(browser, kiosk_server, viewport=LANDSCAPE, language="zh"):
    app, base_url = kiosk_server
    context = browser.new_context(viewport=viewport, has_touch=True, base_url=base_url)
    context.grant_permissions(["microphone"])
    page = context.new_page()
    page.goto("/")
    return context, Visit(page, app, language)


def retire_with_read_aloud(browser, kiosk_server, explore):
    """Walk 1: large text and read aloud, from the home screen to the receipt."""
    context, visit = walk_into(browser, kiosk_server)
    page = visit.page
    visit.finger.tap_button(visit.words("Read aloud"))
    if explore:
        visit.finger.tap(page.locator(".speech-bar").get_by_role(
            "button", name=visit.words("Hear before choosing"), exact=True), navigates=True)
    try:
        visit.reach_check("retire", "large")
        reference = visit.send()
    except AssertionError as error:
        raise AssertionError(f"{error}\nthe way taken: {' > '.join(visit.visited)}") from None
    spoken = page.locator("[data-speech]").evaluate_all(
        "(els) => els.map((el) => el.dataset.speech)")
    assert spoken and all(("way=explore" in url) == explore for url in spoken)
    groups = expect_what_happens_next(visit, reference)
    assert "pension_claim" in [item.key for group in groups if group.visit == "none"
                               for item in group.items]
    way = "hear before choosing" if explore else "one tap"
    cost = visit.cost("retire", "landscape", f"large, read aloud: {way}")
    context.close()
    return cost


def test_walk_1_an_elderly_woman_retires_with_one_tap_read_aloud(browser, kiosk_server,
                                                                  monkeypatch):
    forbid_keyboard(monkeypatch)
    one_tap = retire_with_read_aloud(browser, kiosk_server, explore=False)
    explore_first = retire_with_read_aloud(browser, kiosk_server, explore=True)
    COSTS.extend([one_tap, explore_first])   # printed with the touch-only journeys
    assert one_tap.screens == explore_first.screens - 1   # "Hear before choosing" reloads once
    # Every tap that moves to another screen is tapped twice when hearing first.
    assert explore_first.taps - one_tap.taps >= one_tap.screens - 2


def test_walk_2_a_foreign_father_applies_for_his_baby(visit, screenshots):  # noqa: F811
    resident = visit("en", choices={"applicant_relationship": "father"},
                     shortcuts={"applicant_is_father"})
    catalogue, page = resident.catalogue, resident.page
    local = lambda text: text.in_language("en")  # noqa: E731
    resident.start("default")
    chosen = resident.choose_package("have_baby")
    resident.continue_from_builder()
    resident.answer_eligibility(chosen)
    answer_form_until(resident, "work")
    maternity = next(hint for hint in catalogue.fields["employer_name"].hints
                     if hint.key == "maternity")
    assert hint_at(page, "employer_name") == local(maternity.text)
    answer_form_until(resident, "parents")
    blank = local(catalogue.fields["father_name"].hints[0].text)
    expect(page.locator("#field-father_name")).to_be_visible()
    assert hint_at(page, "father_name") is None
    expect(page.locator("main")).not_to_contain_text(blank)
    screenshots(page, "en", "walk-2-parents-father")
    resident.fill_whole_form()
    resident.resident.expect_heading(resident.words("Check your answers"))
    titles = document_titles(resident)
    both = local(catalogue.documents["parents_id_cards"].title)
    yours = local(catalogue.documents["id_card"].title)
    assert any(title.startswith(both) for title in titles), titles
    assert not any(title.startswith(yours) for title in titles), titles
    # His passport number is not on the public screen until he asks for it.
    expect(page.locator("main")).not_to_contain_text(resident.persona.id_number,
                                                     use_inner_text=True)
    screenshots(page, "en", "walk-2-check-father")
    expect_what_happens_next(resident, resident.send())


def test_walk_3_a_deaf_shop_owner_signs_his_way_in_portrait(browser, kiosk_server, monkeypatch,
                                                           screenshots):
    forbid_keyboard(monkeypatch)
    context, visit = walk_into(browser, kiosk_server, PORTRAIT, "ko")
    page = visit.page
    visit.finger.tap_button(visit.words("Sign language"))
    visit.reach_check("open_shop")
    for screen in ("check", "receipt"):
        if screen == "receipt":
            reference = visit.send()
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        signer = page.locator("[data-signer]")
        expect(signer).to_be_visible()
        box, height = signer.bounding_box(), page.viewport_size["height"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (screen, box)
        shown = page.locator("[data-signer-card], [data-signer-caption]").all_inner_texts()
        assert not [text for text in shown if HEARING["ko"].search(text)], shown
        screenshots(page, "ko", f"walk-3-sign-portrait-{screen}")
    expect_what_happens_next(visit, reference)
    context.close()


def test_walk_4_an_elderly_man_answers_by_saying_ne(listening_browser, kiosk_server,  # noqa: F811
                                                    monkeypatch):
    forbid_keyboard(monkeypatch)
    context, visit = walk_into(listening_browser, kiosk_server, language="ko")
    page = visit.page
    visit.start("large")
    visit.finger.tap(page.locator(".kiosk-bar").get_by_role(
        "button", name=visit.words("Voice input"), exact=True), navigates=True)
    chosen = visit.choose_package("retire")
    visit.continue_from_builder()
    questions = page.locator("main fieldset")
    yes = visit.words("Yes")
    microphone = page.locator("[data-voice-mic]")
    # The first question by his real voice (decoded by Vosk); then the fake microphone has
    # played its one recording, so what he says next is given to the kiosk as decoded.
    with page.expect_response("**/voice/recognise**", timeout=30_000) as answer:
        microphone.tap()
    expect(questions.nth(0).get_by_label(yes, exact=True)).to_be_checked(timeout=30_000)
    assert answer.value.json()["heard"].replace(" ", "") in ("네", "예")
    page.route("**/voice/recognise**", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"decision": "accept", "intent": {"key": null, "command": "yes"}, '
             '"phrase": "네", "heard": "네"}'))
    for index in range(1, questions.count()):
        microphone.tap()
        expect(questions.nth(index).get_by_label(yes, exact=True)).to_be_checked(timeout=20_000)
        expect(page.locator("[data-voice-status]")).to_contain_text(
            re.sub(r"\s+", " ", questions.nth(index).locator("legend").inner_text()).strip())
    visit.finger.tap_button(visit.words("Continue"))
    assert visit.on_form(), page.url
    visit.fill_whole_form()
    visit.resident.expect_heading(visit.words("Check your answers"))
    expect_what_happens_next(visit, visit.send())
    assert chosen
    context.close()
