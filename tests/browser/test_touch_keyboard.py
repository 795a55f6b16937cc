"""The on-screen keyboard itself, in the browser, by touch: Hangul composition and Delete,
layouts that follow the field, pinyin paging and leading parts, the handwriting pad, the
date picker, moving between fields, and axe with the keyboard open in every layout."""
import re

import pytest
from playwright.sync_api import expect

from layout import LANDSCAPE, axe_violations, enhanced_contrast_violations, layout_problems
from touch import Finger, forbid_keyboard

pytestmark = pytest.mark.browser
# The first screen of the one form, answered, for tests about the screens after it.
APPLICANT = {"/form/applicant": {"applicant_name": "Jo", "applicant_id_type": "cn_resident",
                                 "applicant_id_number": "11010519491231002X"}}


@pytest.fixture
def form(browser, kiosk_server, monkeypatch):
    """open(language, package, section, modes=()): a tab on one screen of the one form."""
    app, base_url = kiosk_server
    contexts = []

    def open_form(language, package="social_security_card", section="applicant", modes=(),
                  answers=None):
        context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=base_url)
        contexts.append(context)
        page = context.new_page()
        page.goto("/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.content()).group(1)
        post = lambda url, data: page.request.post(url, form={"csrf_token": token, **data})  # noqa: E731
        post("/preferences", {"lang": language, "next": "/"})
        for mode in modes:
            post("/preferences", {"toggle": mode, "next": "/"})
        post("/packages", {"package": package})
        catalogue = app.extensions["kiosk"].catalogue
        chosen = catalogue.packages[package].default_items()
        post("/eligibility", {rule.question: "yes" if rule.eligible_answer else "no"
                              for key in chosen for rule in catalogue.items[key].eligibility})
        for url in (answers or {}):
            post(url, answers[url])
        page.goto(f"/form/{section}")
        forbid_keyboard(monkeypatch)
        words = {"zh": {"Delete": "删除", "Shift": "大写", "Next field": "下一项", "Done": "完成",
                        "More choices": "更多候选字", "Space": "空格"},
                 "en": {}, "ko": {"Delete": "지우기", "Shift": "시프트", "Next field": "다음 칸",
                                  "Done": "완료", "Space": "띄어쓰기"}}[language]
        return page, Finger(page, lambda message: words.get(message, message))

    yield open_form
    for context in contexts:
        context.close()


def value(page, field="applicant_name"):
    return page.locator(f"#{field}").input_value()


def test_hangul_jamo_compose_into_syllables_and_delete_takes_one_jamo_back(form):
    page, finger = form("ko")
    finger.open("applicant_name")
    for jamo, shown in [("ㄱ", "ㄱ"), ("ㅣ", "기"), ("ㅁ", "김"), ("ㅣ", "기미"), ("ㄴ", "기민")]:
        finger.key(jamo)
        assert value(page) == shown
    for shown in ["기미", "기ㅁ", "기", "ㄱ", ""]:     # as a desktop Korean IME deletes
        finger.key("지우기")
        assert value(page) == shown
    for jamo in ["ㄱ", "ㅗ", "ㅏ", "ㄷ", "ㅏ", "ㄹ", "ㄱ"]:     # compound vowel and final
        finger.key(jamo)
    assert value(page) == "과닭"
    finger.key("시프트")
    finger.key("ㄲ")
    assert value(page) == "과닭ㄲ"


def test_a_space_ends_the_syllable_being_composed(form):
    page, finger = form("ko")
    finger.open("applicant_name")
    finger.type_hangul("김 민수")
    assert value(page) == "김 민수"


def test_english_shift_capitalises_one_letter(form):
    page, finger = form("en")
    finger.open("applicant_name")
    finger.key("Shift")
    expect(finger.keyboard.get_by_role("button", name="Shift")).to_have_attribute("aria-pressed", "true")
    finger.key("J")
    finger.key("o")
    assert value(page) == "Jo"


def test_the_id_number_keyboard_follows_the_kind_of_id(form):
    page, finger = form("en")
    finger.tap(page.locator('label[for="applicant_id_type"]'))          # mainland resident ID
    finger.open("applicant_id_number")
    expect(finger.keyboard.get_by_role("button", name="X", exact=True)).to_be_visible()
    expect(finger.keyboard.get_by_role("button", name="E", exact=True)).to_have_count(0)
    finger.key("Done")
    finger.tap(page.locator('label[for="applicant_id_type-passport"]'))
    finger.open("applicant_id_number")
    finger.type_keys("E1234567")
    assert value(page, "applicant_id_number") == "E1234567"


def test_a_phone_gets_digits_and_plus(form):
    page, finger = form("en", section="contact", answers=APPLICANT)
    finger.open("applicant_phone")
    keys = finger.keyboard.locator(".touch-key").all_inner_texts()
    assert "+" in keys and "0" in keys and "a" not in keys
    finger.type_keys("+8613812345678")
    assert value(page, "applicant_phone") == "+8613812345678"


def test_pinyin_candidates_page_and_a_leading_part_keeps_the_rest_composing(form):
    page, finger = form("zh")
    finger.open("applicant_name")
    for letter in "liming":
        finger.key(letter)
    bar = page.locator("[data-keyboard-candidates]")
    expect(bar).to_contain_text("liming")
    finger.choose("李")
    expect(bar.locator(".touch-keyboard__typed")).to_have_text("ming")
    finger.choose("明")
    assert value(page) == "李明"
    for letter in "shi":
        finger.key(letter)
    first = bar.locator(".touch-key--candidate").all_inner_texts()
    bar.get_by_role("button", name="更多候选字").tap()
    expect(bar.locator(".touch-key--candidate").first).not_to_have_text(first[0])
    second = bar.locator(".touch-key--candidate").all_inner_texts()
    assert not set(first) & set(second)
    finger.key("删除")
    expect(bar.locator(".touch-keyboard__typed")).to_have_text("sh")


def test_a_character_written_by_hand_is_offered_and_typed(form):
    page, finger = form("zh")
    finger.open("applicant_name")
    finger.layout("手写")
    expect(page.locator("[data-handwriting-pad]")).to_be_visible()
    finger.write("王")
    assert value(page) == "王"


def test_next_field_moves_on_and_the_last_one_closes_the_keyboard_at_continue(form):
    page, finger = form("en")
    finger.open("applicant_name")
    finger.key("Next field")
    expect(page.locator("#applicant_id_number")).to_be_focused()
    finger.key("Next field")
    expect(finger.keyboard).to_be_hidden()
    expect(page.locator("[data-primary-action]")).to_be_focused()


def test_tapping_a_choice_closes_the_keyboard(form):
    page, finger = form("en")
    finger.open("applicant_name")
    finger.tap(page.locator('label[for="applicant_id_type"]'))
    expect(finger.keyboard).to_be_hidden()


def test_the_date_picker_steps_wraps_months_and_takes_digits(form):
    page, finger = form("en", package="have_baby", section="child", answers=APPLICANT)
    part = lambda name: page.locator(f"[data-date-part={name}]")  # noqa: E731
    finger.tap(part("year").get_by_role("button", name="One year later"))
    this_year = page.evaluate("new Date().getFullYear()")
    expect(part("year").locator("input")).to_have_value(str(this_year))
    finger.tap(part("year").get_by_role("button", name="One year later"))   # a birth is not in the future
    expect(part("year").locator("input")).to_have_value(str(this_year))
    finger.tap(part("month").get_by_role("button", name="One month earlier"))
    expect(part("month").locator("input")).to_have_value("1")
    finger.tap(part("month").get_by_role("button", name="One month earlier"))
    expect(part("month").locator("input")).to_have_value("12")
    finger.open("child_birth_date")           # the day comes first in English
    expect(finger.keyboard.get_by_role("button", name="X", exact=True)).to_have_count(0)
    finger.type_keys("15")
    expect(part("day").locator("input")).to_have_value("15")


@pytest.mark.parametrize("language, modes, layout", [
    ("zh", (), "pinyin"), ("zh", ("high_contrast",), "handwriting"), ("ko", ("large_text",), "hangul"),
    ("en", ("high_contrast",), "letters"), ("en", ("large_text",), "id"),
])
def test_axe_is_clean_with_the_keyboard_open(form, language, modes, layout):
    page, finger = form(language, modes=modes)
    field = "applicant_id_number" if layout == "id" else "applicant_name"
    finger.open(field)
    if layout == "pinyin":
        for letter in "li":
            finger.key(letter)
        expect(page.locator(".touch-key--candidate").first).to_be_visible()
    if layout == "handwriting":
        finger.layout("手写")
        finger.write("王")
    problems = axe_violations(page) + layout_problems(page, "large_text" in modes)
    if "high_contrast" in modes:
        problems += enhanced_contrast_violations(page)
    assert not problems, "\n".join(problems)


def test_an_email_gets_letters_at_and_dot_com(form):
    page, finger = form("en", section="contact", answers=APPLICANT)
    finger.open("applicant_email")
    finger.type_keys("jo@example")
    finger.key(".com")
    assert value(page, "applicant_email") == "jo@example.com"


def test_after_a_surname_the_given_name_is_ranked_as_a_word_not_a_surname(form):
    page, finger = form("zh")
    finger.open("applicant_name")
    for letter in "zhangwei":
        finger.key(letter)
    finger.choose("张")
    expect(page.locator(".touch-keyboard__typed")).to_have_text("wei")
    finger.choose("伟", pages=1)        # on the first page, not behind the surnames 魏 韦
    assert value(page) == "张伟"


def test_letters_still_composing_become_the_first_candidate_on_done(form):
    page, finger = form("zh")
    finger.open("applicant_name")
    for letter in "wang":
        finger.key(letter)
    expect(page.locator("[data-keyboard-candidates]")).not_to_have_attribute("aria-busy", "true")
    first = page.locator(".touch-key--candidate").first.inner_text()
    finger.key("完成")
    assert value(page) == first


def test_a_shortcut_copies_at_once_typing_unticks_it_and_parents_exclude_each_other(form):
    page, finger = form("en", package="have_baby", section="parents", answers={
        "/form/applicant": {"applicant_name": "Jo Lee", "applicant_id_type": "passport",
                            "applicant_id_number": "E12345678"}})
    mother = page.locator("#shortcut-applicant_is_mother")
    father = page.locator("#shortcut-applicant_is_father")
    finger.tap(page.locator('label[for="shortcut-applicant_is_mother"]'))
    expect(page.locator("#mother_name")).to_have_value("Jo Lee")
    expect(page.locator("#mother_id_number")).to_have_value("E12345678")
    finger.tap(page.locator('label[for="shortcut-applicant_is_father"]'))
    expect(mother).not_to_be_checked()
    expect(father).to_be_checked()
    finger.tap(page.locator('label[for="shortcut-applicant_is_mother"]'))
    finger.open("mother_name")
    finger.type_keys("x")
    expect(mother).not_to_be_checked()          # what the resident types is theirs


def test_the_search_typed_stays_after_adding_a_service(form):
    page, finger = form("en", package="open_shop", section="applicant")
    page.goto("/builder/add")
    finger.open("service-query")
    finger.type_keys("card")
    finger.key("Done")
    card = page.locator("#item-social_security_card_replace")
    finger.tap(card.get_by_role("button"), navigates=True)
    expect(page.locator("#service-query")).to_have_value("card")
    expect(page.locator("#item-pension_claim")).to_be_hidden()
