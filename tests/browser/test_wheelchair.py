"""Wheelchair mode, measured: on every screen of a whole journey every visible control (the
part of it seen through its scroll area) and everything that scrolls lies in the reach zone
of kiosk.ini [screen] (the lowest 55%): in zh, en and ko on a 1080×1920 portrait screen, in
landscape, and with large text too; axe-clean, targets large enough, the primary action and
the top bar in view, the keyboard never over the field it types into.
Screenshots of the main screens go to test-artifacts/screens/LANGUAGE/wheelchair-*.png."""
import pytest

from layout import (LANDSCAPE, PORTRAIT, axe_violations, keyboard_problems, layout_problems,
                    reach_problems, reach_zone_problems)
from test_accessibility import COVERED, NO_PRIMARY_ACTION, TYPED_SCREENS
from walk import walk

pytestmark = pytest.mark.browser

# (language, orientation, other modes, also axe and the keyboard on each typed field)
CASES = [("zh", "portrait", [], True), ("en", "portrait", [], True),
         ("ko", "portrait", [], True), ("ko", "landscape", [], True),
         ("zh", "portrait", ["large_text"], False), ("en", "landscape", ["large_text"], False)]
SHAPES = {"portrait": PORTRAIT, "landscape": LANDSCAPE}
PICTURED = {"home", "menu", "builder", "form", "form, keyboard open", "form, date picker",
            "check answers", "timeout dialog", "confirmation"}


@pytest.mark.parametrize("language, orientation, modes, thorough", CASES,
                         ids=[f"{c[0]}-{c[1]}{'-large' if c[2] else ''}" for c in CASES])
def test_every_control_is_in_a_seated_residents_reach(browser, kiosk_server, screenshots,
                                                      language, orientation, modes, thorough):
    app, base_url = kiosk_server
    top = 1 - app.extensions["kiosk"].settings.screen.reach_height
    context = browser.new_context(base_url=base_url, viewport=SHAPES[orientation], has_touch=True)
    page = context.new_page()
    problems = []

    def measure(name):
        found = reach_zone_problems(page, top) + layout_problems(page, "large_text" in modes)
        if name not in COVERED:
            found += reach_problems(page, name not in NO_PRIMARY_ACTION)
        if thorough:
            found += axe_violations(page)
        if name in PICTURED and orientation == "portrait" and not modes:
            screenshots(page, language, f"wheelchair-{name.replace(', ', '-').replace(' ', '-')}")
        if thorough and name in TYPED_SCREENS:
            found += keyboard_problems(page)
        problems.extend(f"{name}: {problem}" for problem in found)

    walk(page, app, language, ["wheelchair", *modes], measure)
    context.close()
    assert not problems, "\n".join(problems)
