"""A whole package completed by touch alone, screen by screen, with what it cost.

Shared by the touch-only suite (tests/browser/test_touch_only.py) and its release run.
A Visit drives one resident (a persona) through one package in one language, taps only,
and records screens, taps, keyboard taps, characters typed and taps on things that first
had to be scrolled to.
"""
import os
import re
from dataclasses import dataclass

from playwright.sync_api import expect

from layout import LANDSCAPE, PORTRAIT
from personas import FIXED, PERSONAS
from resident import Resident, reference_on
from touch import Finger

VIEWPORTS = {"landscape": LANDSCAPE, "portrait": PORTRAIT}
# `make test-release` walks every combination; `make test` a covering few.
RELEASE = os.environ.get("KIOSK_RELEASE") == "1"


def release_or(everyday, everything):
    """The cases to walk: `everything` for a release, else `everyday` (each value of each
    dimension at least once)."""
    return everything if RELEASE else everyday


@dataclass
class Cost:
    package: str
    language: str
    orientation: str
    text_size: str
    screens: int = 0
    taps: int = 0
    key_taps: int = 0
    characters: int = 0
    scrolled_to: int = 0
    typed_fields: int = 0
    scrolled_names: tuple = ()


class Visit:
    """One resident, one package, one screen at a time."""

    def __init__(self, page, app, language):
        self.page = page
        self.app = app
        self.persona = PERSONAS[language]
        self.resident = Resident(page, app, "zh")
        self.catalogue = self.resident.catalogue
        self.finger = Finger(page, lambda message: self.resident.words(message))
        self.screens = 0
        self.visited = []   # the way taken, for a failure's message
        page.on("framenavigated", self._navigated)
        self.typed = {}

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.screens += 1
            self.visited.append(frame.url.split("/", 3)[-1])

    def words(self, message, **values):
        return self.resident.words(message, **values)

    def heading(self):
        return self.page.locator("h1").inner_text()

    # Home, menu, builder, eligibility.

    def start(self, text_size):
        if text_size == "large":
            self.finger.tap_button(self.words("Large text"))
        if self.persona.language != "zh":
            self.finger.tap_button({"en": "English", "ko": "한국어"}[self.persona.language])
            self.resident.language = self.persona.language
        expect(self.page.locator("html")).to_have_attribute(
            "lang", {"zh": "zh-Hans", "en": "en", "ko": "ko"}[self.persona.language])
        self.finger.tap_link(self.words("Start"))

    def choose_package(self, package_key):
        package = self.catalogue.packages[package_key]
        self.finger.tap_button(package.title.in_language(self.persona.language))
        self.resident.expect_heading(package.title.in_language(self.persona.language))
        return package.default_items()

    def continue_from_builder(self):
        self.finger.tap_link(self.words("Continue"))

    def answer_eligibility(self, chosen, refuse=None):
        """Answer each question so the services stay (or as `refuse` says), then go on."""
        if not self.page.url.endswith("/eligibility"):
            return chosen
        answers = dict(refuse or {})
        for question in self.catalogue.questions_for(chosen):
            if question.key not in answers:
                answers[question.key] = next(
                    rule.eligible_answer for key in chosen
                    for rule in self.catalogue.items[key].eligibility
                    if rule.question == question.key)
            suffix = "" if answers[question.key] else "-no"
            self.finger.tap(self.page.locator(f'label[for="{question.key}{suffix}"]'))
            if not self.page.locator(f"#{question.key}{suffix}").is_checked():
                # Hearing before choosing: the first tap said the answer, the second chooses.
                self.finger.tap(self.page.locator(f'label[for="{question.key}{suffix}"]'))
        self.finger.tap_button(self.words("Continue"))
        failed = {item.key for item, rule in self._ineligible(chosen, answers)}
        if failed:
            for item_key in failed:
                expect(self.page.locator("main")).to_contain_text(
                    self.catalogue.items[item_key].title.in_language(self.persona.language))
            self.finger.tap_link(self.words("Continue with the rest"))
        return [key for key in chosen if key not in failed]

    def _ineligible(self, chosen, answers):
        for key in chosen:
            for rule in self.catalogue.items[key].eligibility:
                if answers.get(rule.question) != rule.eligible_answer:
                    yield self.catalogue.items[key], rule
                    break

    # The one form, a section per screen.

    def on_form(self):
        return "/form/" in self.page.url

    def fields_on_screen(self):
        ids = self.page.locator("main .field").evaluate_all("(els) => els.map((el) => el.id)")
        return [self.catalogue.fields[element_id[len("field-"):]] for element_id in ids]

    def answered(self, form_field):
        if form_field.type in ("choice", "id_type"):
            return self.page.locator(f'input[name="{form_field.key}"]:checked').count() > 0
        if form_field.type == "date":
            return self.page.locator(f"#{form_field.key}").input_value() != ""
        return self.page.locator(f"#{form_field.key}").input_value() != ""

    def close_keyboard(self):
        if self.finger.keyboard.is_visible():
            self.finger.key(self.words("Done"))

    def tick_shortcuts(self):
        for box in self.page.locator("main input[name=shortcut]").all():
            if box.get_attribute("value") in self.persona.shortcuts and not box.is_checked():
                self.close_keyboard()
                self.finger.tap(self.page.locator(f'label[for="{box.get_attribute("id")}"]'))

    def answer_section(self, leave_out=()):
        """Answer every question on this screen that is not yet answered."""
        self.tick_shortcuts()
        for form_field in self.fields_on_screen():
            if self.answered(form_field) or form_field.key in leave_out:
                continue
            if not form_field.required and not self.persona.fills_optional:
                continue
            self.answer(form_field)
        self.close_keyboard()

    def answer(self, form_field):
        kind = form_field.type
        if kind in ("choice", "id_type"):
            self.close_keyboard()
            value = self.persona.id_type if kind == "id_type" else self.persona.choices.get(
                form_field.key, form_field.options[0].value)
            target = form_field.key if value == self._first_value(form_field) else f"{form_field.key}-{value}"
            self.finger.tap(self.page.locator(f'label[for="{target}"]'))
            if not self.page.locator(f"#{target}").is_checked():
                # Read aloud on: the first tap said the option, the second chooses it.
                self.finger.tap(self.page.locator(f'label[for="{target}"]'))
        elif kind == "date":
            self.pick_date(form_field)
        else:
            self.type_answer(form_field, self.steps_for(form_field))

    def _first_value(self, form_field):
        return self.page.locator(f'input[name="{form_field.key}"]').first.get_attribute("value")

    def steps_for(self, form_field):
        persona = self.persona
        if form_field.type == "id_number" and form_field.key not in persona.answers:
            return [("keys", persona.id_number)]
        if form_field.type == "phone":
            return [("keys", persona.phone)]
        if form_field.type in FIXED and form_field.key not in persona.answers:
            return FIXED[form_field.type]
        return persona.steps(form_field)

    def type_answer(self, form_field, steps):
        self.go_to_field(form_field.key)
        for how, what in steps:
            if how == "keys":
                self.finger.type_keys(what)
            elif how == "hangul":
                self.finger.type_hangul(what)
            elif how == "pinyin":
                for letters, characters in what:
                    self.finger.type_pinyin(letters, characters)
            elif how == "write":
                self.finger.write(what)
            elif how == "layout":
                self.finger.layout(what)
        self.typed[form_field.key] = self.page.locator(f"#{form_field.key}").input_value()

    def go_to_field(self, key):
        """With the keyboard up, "Next field" moves on as a resident would; else tap the field."""
        focused = self.page.evaluate("() => document.activeElement && document.activeElement.id")
        following = self.page.evaluate("""(id) => {
            const all = [...document.querySelectorAll('[data-keyboard]')];
            const next = all[all.indexOf(document.getElementById(id)) + 1];
            return next ? next.id : null; }""", focused) if focused else None
        if self.finger.keyboard.is_visible() and following == key:
            self.finger.key(self.words("Next field"))
            expect(self.page.locator(f"#{key}")).to_be_focused()
        else:
            self.finger.open(key)

    def pick_date(self, form_field):
        """A year by its keypad (or one tap on + for this year), a month by +, a day by keypad."""
        key = form_field.key
        picker = self.page.locator(f"#field-{key}")
        year = picker.locator("input[name$='-year']")
        if key.endswith("birth_date") and not key.startswith("child"):
            self.finger.tap(year)
            self.finger.type_keys(self.persona.birth_year)
        else:
            self.close_keyboard()
            self.finger.tap(picker.locator("[data-date-part=year] button").last)   # + : this year
        self.close_keyboard()
        self.finger.tap(picker.locator("[data-date-part=month] button").last)      # + : January
        self.finger.tap(picker.locator("input[name$='-day']"))
        self.finger.type_keys("1")      # the 1st of January: never in the future
        self.close_keyboard()

    def continue_form(self):
        self.close_keyboard()
        self.finger.tap_button(self.words("Continue"))

    def fill_whole_form(self):
        while self.on_form():
            self.answer_section()
            self.continue_form()
            summary = self.page.locator("#error-summary")
            if summary.count():
                raise AssertionError(f"{self.page.url}: {summary.inner_text()}")

    # Check your answers, send, receipt.

    def reach_check(self, package_key, text_size="default"):
        """From the home screen to Check your answers, by touch: the package as it comes,
        every question answered."""
        self.start(text_size)
        chosen = self.choose_package(package_key)
        self.continue_from_builder()
        self.answer_eligibility(chosen)
        self.fill_whole_form()
        self.resident.expect_heading(self.words("Check your answers"))

    def send(self):
        self.resident.expect_heading(self.words("Check your answers"))
        self.finger.tap_button(self.words("Send my application"))
        self.resident.expect_heading(self.words("Your application has been sent"))
        return reference_on(self.page)

    def cost(self, package, orientation, text_size):
        return Cost(package, self.persona.language, orientation, text_size, self.screens,
                    self.finger.taps, self.finger.key_taps, self.finger.characters,
                    self.finger.scrolled_to, len(self.typed), tuple(self.finger.scrolled_names))


def primary_action_in_view(page):
    """The screen's primary action and the top bar are both inside the viewport."""
    return page.evaluate("""() => {
        const inside = (el) => { if (!el) return true; const b = el.getBoundingClientRect();
            return b.top >= 0 && b.bottom <= innerHeight && b.height > 0; };
        return inside(document.querySelector('[data-primary-action]:not([hidden])'))
            && inside(document.querySelector('.kiosk-bar'));
    }""")


def clean_reference(text):
    return re.sub(r"\s", "", text)
