"""Every screen, in every language and mode, measured in the browser.

axe-core (WCAG 2.0–2.2 A and AA; in high contrast also AAA text contrast), target sizes
(48 px, 60 px in large text), large-text sizes and line height, and nothing sticking out,
at 1920×1080 landscape (and 1080×1920 portrait in large text). Voice input only exists for
a language with a model, so "voice on" is measured in Korean (its toggle is disabled,
and measured so, in Chinese and English).
"""
import re

import pytest

from layout import LANDSCAPE, PORTRAIT, axe_violations, enhanced_contrast_violations, layout_problems
from resident import Resident

pytestmark = pytest.mark.browser

MODES = {"default": [], "large_text": ["large_text"], "high_contrast": ["high_contrast"],
         "speech": ["speech"], "voice": ["voice"], "sign": ["sign"]}
CASES = [(language, mode) for language in ("zh", "en", "ko") for mode in MODES
         if mode != "voice" or language == "ko"]


class Visit:
    """Walks a resident's session through every screen, posting with the page's own token."""

    def __init__(self, page, app, language):
        self.page, self.app, self.language = page, app, language
        self.resident = Resident(page, app, language)
        self.catalogue = self.resident.catalogue

    def token(self):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.page.content()).group(1)

    def post(self, url, form):
        response = self.page.request.post(url, form={"csrf_token": self.token(), **form})
        assert response.status < 500, (url, response.status)

    def press_continue(self):
        """Submit the step's form with the keyboard (Enter acts at once in every mode)."""
        with self.page.expect_navigation():
            self.page.locator("#step-form button[type=submit]").last.press("Enter")


def measure(page, problems, name, mode):
    large = mode == "large_text"
    found = layout_problems(page, large) + axe_violations(page)
    if mode == "high_contrast":
        found += enhanced_contrast_violations(page)
    problems.extend(f"{name}: {problem}" for problem in found)


@pytest.mark.parametrize("language, mode", CASES)
def test_every_screen_passes_in_every_language_and_mode(browser, kiosk_server, language, mode):
    app, base_url = kiosk_server
    viewport = PORTRAIT if mode == "large_text" else LANDSCAPE
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, language)
    visit.post("/preferences", {"lang": language, "next": "/"})
    for toggle in MODES[mode]:
        visit.post("/preferences", {"toggle": toggle, "next": "/"})
    problems = []

    def screen(name, url=None):
        if url:
            page.goto(url)
        measure(page, problems, name, mode)

    screen("home", "/")
    screen("menu", "/packages")
    visit.post("/packages", {"package": "have_baby"})
    screen("builder", "/builder")
    screen("add service", "/builder/add")
    screen("eligibility", "/eligibility")
    visit.press_continue()
    screen("eligibility with errors")
    chosen = visit.catalogue.packages["have_baby"].default_items()
    answers = {question.key: "yes" for question in visit.catalogue.questions_for(chosen)}
    visit.post("/eligibility", {**answers, "parent_local_hukou": "no"})
    screen("eligibility outcome", "/eligibility/outcome")
    screen("form", "/form")
    visit.press_continue()
    screen("form with errors")
    fields = visit.catalogue.form_fields(
        [key for key in chosen if key != "hukou_birth_registration"])
    ids = {}
    visit.post("/form", {field.key: visit.resident.answer_for(field, ids) for field in fields})
    screen("check answers", "/check")
    page.evaluate("document.getElementById('timeout-dialog').showModal()")
    screen("timeout dialog")
    page.evaluate("document.getElementById('timeout-dialog').close()")
    visit.post("/submit", {})
    screen("confirmation", "/done")
    screen("start over?", "/start-over?next=/")
    screen("page not found", "/no/such/page")
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_staff_pages_pass_too(browser, kiosk_server, language):
    app, base_url = kiosk_server
    services = app.extensions["kiosk"]
    services.staff.add("auditor", "correct horse battery")
    reference = services.store.create_submission("K2", {
        "language": "en", "modes": [], "package": {"key": "retire", "title": "I want to retire",
                                                   "title_zh": "我要退休"},
        "items": [{"key": "pension_claim", "title": "Pension", "title_zh": "养老金",
                   "department": "hrss"}],
        "answers": {"applicant_name": "Jane Smith"}, "documents": ["id_card"],
        "eligibility": {"answers": {}, "not_eligible": []}})
    services.outbox.deliver_due()
    context = browser.new_context(base_url=base_url, viewport=LANDSCAPE)
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, language)
    visit.post("/preferences", {"lang": language, "next": "/"})
    problems = []
    page.goto("/staff/sign-in")
    measure(page, problems, "sign in", "default")
    visit.post("/staff/sign-in", {"name": "auditor", "password": "correct horse battery"})
    visit.post("/preferences", {"lang": language, "next": "/"})
    for name, url in [("inbox", "/backoffice"), ("detail", f"/backoffice/{reference}"),
                      ("summary", "/backoffice/summary"), ("studio", "/studio"),
                      ("studio clip", "/studio/CSL/screen.home"), ("status", "/status")]:
        page.goto(url)
        measure(page, problems, name, "default")
    context.close()
    assert not problems, "\n".join(problems)
