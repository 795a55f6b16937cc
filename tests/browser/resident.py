"""A resident at the kiosk: taps and reads, in whatever language the screen is in (typing
is tests/browser/touch.py's, on the kiosk's own keyboard).

Button and link texts are looked up through the kiosk's own translations, so these
steps check that each screen really speaks the chosen language.
"""
import datetime
import re

from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import expect

from kiosk.validators import gb11643_check_character

SAMPLE_TEXT = {"zh": "张伟", "en": "Jane Smith", "ko": "김민지"}
SAMPLE_ADDRESS = {"zh": "成都市武侯区人民南路四段1号", "en": "1 Renmin South Road, Chengdu",
                  "ko": "청두시 우허우구 런민남로 1호"}


def resident_id(birth="19650301", region="510107", sequence="123"):
    """A mainland resident ID with a correct GB 11643 check character."""
    first17 = region + birth + sequence
    return first17 + gb11643_check_character(first17)


class Resident:
    def __init__(self, page, app, language):
        self.page = page
        self.app = app
        self.language = language
        self.catalogue = app.extensions["kiosk"].catalogue

    # Words on screen, in the screen's language.

    def words(self, message, **values):
        with self.app.test_request_context(), force_locale(self.language):
            return gettext(message, **values)

    def plural(self, singular, plural, num):
        with self.app.test_request_context(), force_locale(self.language):
            return ngettext(singular, plural, num)

    def local(self, text):
        return text.in_language(self.language)

    # Actions, by touch.

    def tap(self, role, name, navigates=True):
        target = self.page.get_by_role(role, name=name, exact=True)
        if navigates:
            with self.page.expect_navigation():
                target.tap()
        else:
            target.tap()

    def tap_button(self, name):
        self.tap("button", name)

    def tap_link(self, name):
        self.tap("link", name)

    def choose_language(self, language):
        """Tap a language button, named in its own language (中文 / English / 한국어)."""
        self.tap_button({"zh": "中文", "en": "English", "ko": "한국어"}[language])
        self.language = language
        expect(self.page.locator("html")).to_have_attribute(
            "lang", {"zh": "zh-Hans", "en": "en", "ko": "ko"}[language])

    def heading(self):
        return self.page.locator("h1").inner_text()

    def expect_heading(self, text):
        expect(self.page.locator("h1")).to_have_text(text)

    # The one form.

    def answer_for(self, form_field, ids):
        today = datetime.date.today()
        kind = form_field.type
        if kind in ("name", "text"):
            return SAMPLE_TEXT[self.language]
        if kind == "address":
            return SAMPLE_ADDRESS[self.language]
        if kind == "id_type":
            return "cn_resident"
        if kind == "id_number":
            return ids.setdefault(form_field.key, resident_id(sequence=f"{100 + len(ids)}"))
        if kind == "phone":
            return "13812345678"
        if kind == "email":
            return "resident@example.com"
        if kind == "number":
            return str(max(form_field.minimum or 1, 1))
        if kind == "date":
            if form_field.date_range == "past":
                return "2026-01-15" if "child" in form_field.key else "1965-03-01"
            return (today + datetime.timedelta(days=30)).isoformat()
        if kind == "choice":
            return form_field.options[0].value
        raise AssertionError(f"no sample answer for {kind}")


def reference_on(page):
    reference = page.locator("[data-reference]").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{2,6}-\d{6}-[2-9A-HJ-NP-Z]{5}", reference), reference
    return reference
