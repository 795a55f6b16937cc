"""Every screen, in every language and mode, measured in the browser.

axe-core (WCAG 2.0–2.2 A and AA; in high contrast also AAA text contrast, also with the
on-screen keyboard open), target sizes (48 px, 60 px in large text), large-text sizes and
line height, and nothing sticking out, at 1920×1080 landscape (and 1080×1920 portrait in
large text); in both orientations the primary action and the top bar are in view without
scrolling, and the keyboard never covers the field it types into. Voice input only exists for
a language with a model, so "voice on" is measured in Korean (its toggle is disabled,
and measured so, in Chinese and English).
"""
import os

import pytest

from kiosk.backoffice.staff import ROLES
from layout import (LANDSCAPE, PORTRAIT, axe_violations, enhanced_contrast_violations,
                    keyboard_problems, layout_problems, reach_problems)
from walk import Visit, walk

pytestmark = pytest.mark.browser

MODES = {"default": [], "large_text": ["large_text"], "high_contrast": ["high_contrast"],
         "speech": ["speech"], "voice": ["voice"], "sign": ["sign"]}
EVERY_CASE = [(language, mode) for language in ("zh", "en", "ko") for mode in MODES
              if mode != "voice" or language == "ko"]
# `make test` measures every mode in Chinese (voice in Korean), and English and Korean in
# the modes whose layout their longer words can break (default and large text) plus any
# mode added for them; `make test-release` measures every language in every mode.
EVERYDAY_CASES = [(language, mode) for language, mode in EVERY_CASE
                  if language == "zh" or mode in ("default", "large_text", "voice")]
CASES = EVERY_CASE if os.environ.get("KIOSK_RELEASE") == "1" else EVERYDAY_CASES


# Screens with typed fields: each field gets the on-screen keyboard, which must not cover it,
# in the modes that change the page's layout (read aloud and high contrast do not).
TYPED_SCREENS = {"form", "form, date picker", "form, shortcuts", "add service"}
LAYOUT_MODES = {"default", "large_text", "sign", "voice"}
# Screens where the resident chooses among equals, with no one next step.
NO_PRIMARY_ACTION = {"menu", "start over?", "page not found"}
# The on-screen keyboard (its Next field and Done lead on) or a modal dialog covers the
# screen on purpose: reach is measured on the screen beneath, just before.
COVERED = {"add service, keyboard open", "form, keyboard open",
           "form, date picker keypad open", "timeout dialog"}


def measure(page, problems, name, mode, viewport=None):
    large = mode == "large_text"
    found = layout_problems(page, large) + axe_violations(page)
    if mode == "high_contrast":
        found += enhanced_contrast_violations(page)
    if viewport:
        # The next step is in reach in both orientations, at the top and bottom of the page.
        for shape in (viewport, PORTRAIT if viewport == LANDSCAPE else LANDSCAPE):
            page.set_viewport_size(shape)
            if name not in COVERED:
                found += [f"{problem} ({shape['width']}×{shape['height']})"
                          for problem in reach_problems(page, name not in NO_PRIMARY_ACTION)]
            if name in TYPED_SCREENS and mode in LAYOUT_MODES:
                found += [f"{problem} ({shape['width']}×{shape['height']})"
                          for problem in keyboard_problems(page)]
        page.set_viewport_size(viewport)
    problems.extend(f"{name}: {problem}" for problem in found)


@pytest.mark.parametrize("language, mode", CASES)
def test_every_screen_passes_in_every_language_and_mode(browser, kiosk_server, language, mode):
    app, base_url = kiosk_server
    viewport = PORTRAIT if mode == "large_text" else LANDSCAPE
    context = browser.new_context(base_url=base_url, viewport=viewport, has_touch=True)
    page = context.new_page()
    problems = []
    walk(page, app, language, MODES[mode],
         lambda name: measure(page, problems, name, mode, viewport))
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_staff_pages_pass_too(browser, kiosk_server, language):
    app, base_url = kiosk_server
    services = app.extensions["kiosk"]
    services.staff.add("auditor", "correct horse battery", roles=ROLES, reset=True)
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
                      ("find", "/backoffice/find?q=K9"),
                      ("complete", f"/backoffice/{reference}/complete"),
                      ("case sheet", f"/backoffice/{reference}/sheet"),
                      ("summary", "/backoffice/summary"), ("studio", "/studio"),
                      ("studio clip", "/studio/CSL/screen.home"), ("status", "/status"),
                      ("catalogue", "/backoffice/catalogue")]:
        page.goto(url)
        measure(page, problems, name, "default")
    context.close()
    assert not problems, "\n".join(problems)
