"""A resident's whole journey, screen by screen: shared by the accessibility suite and the
screenshot gallery (scripts/screenshot-gallery.py)."""
import re

from resident import Resident

SCREENS = ["home", "menu", "builder", "add service", "eligibility", "eligibility with errors",
           "eligibility outcome", "form", "form with errors", "check answers", "timeout dialog",
           "confirmation", "start over?", "page not found"]


class Visit:
    """Walks a session through every screen, posting with the page's own token."""

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
    return visit
