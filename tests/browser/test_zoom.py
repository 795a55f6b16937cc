"""Zoom mode: the whole screen at 200% (text, icons, buttons, the signer window, the
on-screen keyboard), reflowing on the kiosk's screens without sideways scrolling.

On every screen of a whole journey: nothing scrolls or sticks out sideways, every control
is at least 96 screen px (twice the normal 48), the primary action and the top bar are in
reach, the keyboard never covers its field, axe finds nothing; the top bar's folded menu,
open, too. Chinese in landscape, Korean in portrait, English in portrait with sign
language; KIOSK_RELEASE=1 walks every language in both orientations, alone, with sign
language and with large text. Then boxes measured with
and without zoom show it really doubles each kind of element.
"""
import os

import pytest

from layout import (LANDSCAPE, PORTRAIT, axe_violations, keyboard_problems, layout_problems,
                    reach_problems, sideways_problems)
from test_accessibility import COVERED, NO_PRIMARY_ACTION, TYPED_SCREENS
from touch import Finger
from walk import Visit, open_keyboard, walk

pytestmark = pytest.mark.browser

ORIENTATIONS = {"portrait": PORTRAIT, "landscape": LANDSCAPE}
if os.environ.get("KIOSK_RELEASE") == "1":
    CASES = [(language, orientation, modes) for language in ("zh", "en", "ko")
             for orientation in ORIENTATIONS
             for modes in (["zoom"], ["zoom", "sign"], ["zoom", "large_text"])]
else:
    # About 30 s a walk: Chinese where height is short (keyboard, reach), Korean (the
    # longest words) where width is narrow, and English with sign language (the signer at
    # 200% beside the page) so every language and the risky pair are measured every run.
    CASES = [("zh", "landscape", ["zoom"]), ("ko", "portrait", ["zoom"]),
             ("en", "portrait", ["zoom", "sign"])]


def zoom_problems(page, name):
    """Everything measured on one screen in zoom mode, each line naming the screen."""
    found = layout_problems(page, large_text=False, zoom=2) + sideways_problems(page)
    if name not in COVERED:
        found += reach_problems(page, name not in NO_PRIMARY_ACTION)
    if name in TYPED_SCREENS:
        found += keyboard_problems(page, close_between=True)
    # axe counts a link half under the sticky top bar as a small target: the keyboard's
    # screens are measured with the page at its top (the keyboard stays up).
    if name in COVERED:
        page.evaluate("scrollTo(0, 0)")
    found += axe_violations(page)
    return [f"{name}: {problem}" for problem in found]


def open_menu_problems(page):
    """The top bar's folded menu, open: languages and modes, all large, all on screen."""
    page.locator(".zoom-menu > summary").tap()
    page.locator(".zoom-menu__panel").wait_for(state="visible")
    found = (layout_problems(page, large_text=False, zoom=2) + sideways_problems(page)
             + axe_violations(page))
    page.locator(".zoom-menu > summary").tap()
    return [f"builder, menu open: {problem}" for problem in found]


@pytest.mark.parametrize("language, orientation, modes", CASES,
                         ids=[f"{l}-{o}-{'+'.join(m)}" for l, o, m in CASES])
def test_every_screen_at_200_percent(browser, kiosk_server, language, orientation, modes):
    app, base_url = kiosk_server
    context = browser.new_context(base_url=base_url, viewport=ORIENTATIONS[orientation],
                                  has_touch=True)
    page = context.new_page()
    problems = []

    def measure(name):
        assert page.evaluate("document.documentElement.currentCSSZoom") == 2, name
        problems.extend(zoom_problems(page, name))
        if name == "builder":
            problems.extend(open_menu_problems(page))
    walk(page, app, language, modes, measure)
    context.close()
    assert not problems, "\n".join(problems)


# One of each kind of element, and the part of its box zoom doubles (a width the screen's
# width could limit is not used). Keyboard keys keep 96 screen px, not twice their 71.5
# CSS px (ten across 540 CSS px, five rows in 540), so their letters are compared instead.
BOXES = """
() => {
  const box = (selector) => { const el = document.querySelector(selector);
                              return el ? el.getBoundingClientRect() : {}; };
  const letters = (el) => { if (!el) return null; const range = document.createRange();
                            range.selectNodeContents(el); return range.getBoundingClientRect().height; };
  const brick = document.querySelector('.brick');
  const key = [...document.querySelectorAll('#touch-keyboard .touch-key')]
    .find((el) => el.textContent.trim() === '1');
  return {
    heading_letters: letters(document.querySelector('h1')),
    start_over_button_height: box('.kiosk-bar a.button').height,
    primary_action_height: box('[data-primary-action]').height,
    service_border_width: brick && parseFloat(getComputedStyle(brick).borderTopWidth) * brick.currentCSSZoom,
    signer_video_width: box('.signer__stage').width,
    signer_button_height: box('[data-signer-action=replay]').height,
    key_letters: letters(key),
    key_height: key ? key.getBoundingClientRect().height : null,
  };
}
"""


def measure_builder_and_keyboard(page, visit):
    """Boxes on the builder (top bar, bricks, signer, action) and the form's keyboard."""
    page.goto("/builder")
    page.locator("[data-signer-controls]").wait_for(state="visible")
    boxes = page.evaluate(BOXES)
    page.goto("/form")
    open_keyboard(page, "applicant_name")
    page.locator("#touch-keyboard [data-layout]").wait_for(state="visible")
    keys = page.evaluate(BOXES)
    boxes.update(key_letters=keys["key_letters"], key_height=keys["key_height"])
    return boxes


def test_zoom_doubles_buttons_text_borders_signer_and_keyboard(browser, kiosk_server):
    app, base_url = kiosk_server
    context = browser.new_context(base_url=base_url, viewport=LANDSCAPE, has_touch=True)
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, "zh")
    visit.post("/preferences", {"toggle": "sign", "next": "/"})
    visit.post("/packages", {"package": "have_baby"})
    chosen = visit.catalogue.packages["have_baby"].default_items()
    visit.post("/eligibility", {question.key: "yes"
                                for question in visit.catalogue.questions_for(chosen)})
    normal = measure_builder_and_keyboard(page, visit)
    visit.post("/preferences", {"toggle": "zoom", "next": "/"})
    zoomed = measure_builder_and_keyboard(page, visit)
    context.close()
    ratios = {name: zoomed[name] / normal[name] for name in normal if name != "key_height"}
    assert all(1.95 <= ratio <= 2.05 for ratio in ratios.values()), (ratios, normal, zoomed)
    assert zoomed["key_height"] >= 96 - 0.5, zoomed


def test_the_folded_menu_switches_language_and_turns_zoom_off_by_touch(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    finger = Finger(page, lambda message: message)
    visit = Visit(page, app, "zh")
    visit.post("/preferences", {"toggle": "zoom", "next": "/"})
    visit.post("/packages", {"package": "have_baby"})
    page.goto("/builder")
    language_button = page.locator(".zoom-menu button[name=lang][value=ko]")
    assert not language_button.is_visible()   # folded away until the menu opens
    finger.tap(page.locator(".zoom-menu > summary"))
    finger.tap(language_button, navigates=True)
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.evaluate("document.documentElement.currentCSSZoom") == 2
    finger.tap(page.locator(".zoom-menu > summary"))
    finger.tap(page.locator(".zoom-menu button[name=toggle][value=zoom]"), navigates=True)
    assert page.evaluate("document.documentElement.currentCSSZoom") == 1
    assert page.locator(".zoom-menu").count() == 0
    assert page.locator(".kiosk-bar button[name=lang][value=zh]").is_visible()
