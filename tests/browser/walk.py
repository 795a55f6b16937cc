"""A resident's whole journey, screen by screen: shared by the accessibility suite and the
screenshot gallery (scripts/screenshot-gallery.py)."""
import re

from layout import close_keyboard
from resident import Resident

SCREENS = ["home", "menu", "builder", "add service", "add service, keyboard open",
           "eligibility", "eligibility with errors", "eligibility outcome", "form",
           "form with errors", "form, keyboard open", "form, date picker",
           "form, date picker keypad open", "form, shortcuts", "check answers",
           "timeout dialog", "confirmation", "start over?", "page not found"]


class Visit:
    """Walks a session through every screen, posting with the page's own token."""

    def __init__(self, page, app, language):
        self.page, self.app, self.language = page, app, language
        self.resident = Resident(page, app, language)
        self.catalogue = self.resident.catalogue

    def token(self):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.page.content()).group(1)

    def post(self, url, form):
        response = self.page.request.post(url, form={"csrf_token": self.token(), **form},
                                          max_redirects=0)
        assert response.status < 500, (url, response.status)
        return response

    def press_continue(self):
        """Submit the step's form with the keyboard (Enter acts at once in every mode)."""
        with self.page.expect_navigation():
            self.page.locator("button[form=step-form][data-primary-action]").press("Enter")

    def answer_sections(self, answers, until=None):
        """Post `answers` to each screen of the one form in turn, up to section `until`."""
        location = self.page.request.get("/form", max_redirects=0).headers.get("location", "")
        for _ in range(20):
            if "/form/" not in location or location.endswith(f"/form/{until}"):
                return location
            location = self.post(location, answers).headers.get("location", "")
        raise AssertionError("the form never ended")


def open_keyboard(page, field_id):
    """Tap a field so the on-screen keyboard comes up (as a resident would)."""
    field = page.locator(f"#{field_id}")
    # Scrolled into view first, then nudged by a wheel over it: after a script scrolls an
    # inner scroll area (axe does, in wheelchair mode's controls) Chromium may hit-test a tap
    # at the area's old offset; a scroll through the compositor puts the two in step.
    field.scroll_into_view_if_needed()
    box = field.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 1)
    page.mouse.wheel(0, -1)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    field.tap()
    try:
        page.locator("#touch-keyboard").wait_for(state="visible", timeout=5000)
    except Exception:
        # On a busy machine the tap can still land at the old offset: tap again, as a
        # resident whose first tap missed would.
        field.tap()
        page.locator("#touch-keyboard").wait_for(state="visible")
    page.wait_for_timeout(150)


def walk(page, app, language, modes, on_screen):
    """Set language and modes, then call on_screen(name) on each screen of a whole journey."""
    page.goto("/")
    visit = Visit(page, app, language)
    visit.post("/preferences", {"lang": language, "next": "/"})
    for mode in modes:
        visit.post("/preferences", {"toggle": mode, "next": "/"})

    def screen(name, url=None):
        if url:
            page.goto(url)
        on_screen(name)

    screen("home", "/")
    screen("menu", "/packages")
    visit.post("/packages", {"package": "have_baby"})
    screen("builder", "/builder")
    screen("add service", "/builder/add")
    open_keyboard(page, "service-query")
    screen("add service, keyboard open")
    close_keyboard(page)
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
    open_keyboard(page, "applicant_name")
    screen("form, keyboard open")
    close_keyboard(page)
    fields = visit.catalogue.form_fields(
        [key for key in chosen if key != "hukou_birth_registration"])
    ids = {}
    typed = {field.key: visit.resident.answer_for(field, ids) for field in fields}
    typed.update({"child_birth_date-year": "2026", "child_birth_date-month": "1",
                  "child_birth_date-day": "15"})
    screen("form, date picker", visit.answer_sections(typed, until="child"))
    open_keyboard(page, "child_birth_date")
    screen("form, date picker keypad open")
    close_keyboard(page)
    screen("form, shortcuts", visit.answer_sections(typed, until="parents"))
    visit.answer_sections(typed)
    screen("check answers", "/check")
    page.evaluate("document.getElementById('timeout-dialog').showModal()")
    screen("timeout dialog")
    page.evaluate("document.getElementById('timeout-dialog').close()")
    visit.post("/submit", {})
    screen("confirmation", "/done")
    screen("start over?", "/start-over?next=/")
    screen("page not found", "/no/such/page")
    return visit
