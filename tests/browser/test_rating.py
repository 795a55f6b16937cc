"""好差评 in the browser: a resident rates the service on the confirmation by touch (a level,
then a reason), the rating reaches the back office, and a clerk sees it on the Ratings page.
The confirmation with the rating and the Ratings page are axe clean, in zh, en and ko."""
import re

import pytest
from playwright.sync_api import expect

from journey import Visit
from layout import LANDSCAPE, PORTRAIT, axe_violations, layout_problems
from resident import Resident
from walk import Visit as Poster

pytestmark = pytest.mark.browser
PACKAGE = "business_change"     # no eligibility questions, no dates: the shortest form


def reach_check_by_post(page, app, language):
    """Language, package and answers posted with the page's own token (the touch journey
    itself is proven in zh and by test_touch_only): only the rating is what is tested here."""
    poster = Poster(page, app, language)
    poster.post("/preferences", {"lang": language, "next": "/"})
    poster.post("/packages", {"package": PACKAGE})
    fields = poster.catalogue.form_fields(poster.catalogue.packages[PACKAGE].default_items())
    ids = {}
    poster.answer_sections({field.key: poster.resident.answer_for(field, ids) for field in fields})
    page.goto("/check")


def settled(page):
    """Two frames: the page has laid out after a resize or a tap (it has no keyboard to wait for)."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def done_problems(page, large_text=False):
    return axe_violations(page) + layout_problems(page, large_text)


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_a_resident_rates_by_touch_and_a_clerk_sees_it(browser, kiosk_server, screenshots,
                                                        language):
    app, base_url = kiosk_server
    kiosk = app.extensions["kiosk"]
    context = browser.new_context(viewport=PORTRAIT if language == "zh" else LANDSCAPE,
                                  has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, language)
    if language == "zh":
        visit.reach_check(PACKAGE)          # the whole journey by touch
    else:
        reach_check_by_post(page, app, language)
        visit.resident.language = language
    reference = visit.send()
    words = visit.words

    rating = page.locator("#rating")
    expect(rating.get_by_role("heading", level=2)).to_have_text(
        words("How satisfied are you with this service?"))
    levels = rating.locator("button[name=level]")
    expect(levels).to_have_count(5)
    expect(levels.first).to_have_text(words("Very satisfied"))
    # Printing and leaving do not wait for a rating.
    expect(page.get_by_role("button", name=words("Finish"), exact=True)).to_be_enabled()
    settled(page)
    assert done_problems(page) == []
    screenshots(page, language, "done-rating")

    visit.finger.tap_button(words("Dissatisfied"))
    expect(rating.get_by_role("button", name=words("Dissatisfied"), exact=True)).to_have_attribute(
        "aria-pressed", "true")
    visit.finger.tap_button(words("It took too long"))
    reason = rating.get_by_role("button", name=words("It took too long"), exact=True)
    expect(reason).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-rating-thanks]")).to_be_visible()
    settled(page)
    assert done_problems(page) == []
    screenshots(page, language, "done-rated")
    if language in ("zh", "ko"):         # the other orientation, looked at as well
        page.set_viewport_size(LANDSCAPE if language == "zh" else PORTRAIT)
        settled(page)
        assert layout_problems(page, False) == []
        screenshots(page, language, "done-rated-" + ("landscape" if language == "zh" else "portrait"))

    stored = kiosk.ratings.get(reference)
    assert (stored["level"], stored["reasons"]) == ("dissatisfied", ["long_wait"])
    kiosk.outbox.deliver_due()
    assert kiosk.received_ratings.rating(reference)["follow_up"] == "open"
    context.close()

    # A clerk at a desk PC sees it on the Ratings page, in the same language.
    kiosk.staff.add(f"rater_{language}", "correct horse battery", roles=["clerk"])
    desk = browser.new_context(base_url=base_url, viewport=LANDSCAPE)
    clerk = desk.new_page()
    clerk.goto("/staff/sign-in?next=/backoffice/ratings")
    clerk.locator("#name").fill(f"rater_{language}")
    clerk.locator("#password").fill("correct horse battery")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name=Resident(clerk, app, "zh").words("Sign in")).click()
    # Signing in starts a fresh session: the clerk chooses their language there.
    Poster(clerk, app, language).post("/preferences", {"lang": language, "next": "/"})
    clerk.goto("/backoffice/ratings")
    words = Resident(clerk, app, language).words
    expect(clerk.locator("h1")).to_have_text(words("Residents' ratings"))
    row = clerk.locator(f'tr[data-follow-up="{reference}"]')
    expect(row).to_contain_text(words("Dissatisfied"))
    expect(row).to_contain_text(words("It took too long"))
    expect(row.locator("select")).to_have_value("open")
    assert re.search(r"\d{4}-\d{2}-\d{2}", row.locator("time").inner_text())
    assert axe_violations(clerk) == []
    screenshots(clerk, language, "backoffice-ratings")
    desk.close()
