"""The receipt says what happens next, per service, from the catalogue (#12): go to a counter
now with the documents to show there, nothing more to do (we call or text you), or come
back to a counter from a date with the documents to bring. Completed by taps alone, in
each language at both text sizes, and looked at on screen and on paper."""
import pytest
from flask_babel import force_locale, format_date
from playwright.sync_api import expect

from kiosk.next_steps import next_steps

from journey import Visit, release_or
from layout import LANDSCAPE
from touch import forbid_keyboard

pytestmark = pytest.mark.browser

# Each package and each language once, both text sizes (for a release: each package in two
# languages, each language at both text sizes).
RECEIPTS = release_or([("retire", "zh", "default"), ("open_shop", "ko", "large"),
                       ("have_baby", "en", "default")],
                      [("retire", "zh", "default"), ("retire", "en", "large"),
                       ("open_shop", "en", "default"), ("open_shop", "ko", "large"),
                       ("have_baby", "ko", "default"), ("have_baby", "zh", "large")])
KINDS = {"retire": ["none", "later"], "open_shop": ["none", "later", "later"],
         "have_baby": ["now", "none", "later", "later"]}


def heading_of(visit, group, language):
    """The group's heading as the resident should read it, in the screen's language."""
    if group.visit == "none":
        return visit.words("Nothing more to do: we will call or text you")
    place = group.place.title.in_language(language)
    if group.visit == "now":
        return visit.words("Go to %(place)s now", place=place)
    with visit.app.test_request_context(), force_locale(language):
        date = format_date(group.ready, "full")
    return visit.words("Come back to %(place)s from %(date)s", place=place, date=date)


def expect_what_happens_next(visit, reference):
    """The receipt on screen shows the catalogue's groups for this submission, each with
    its heading, services and documents; returns the groups."""
    app, page, language = visit.app, visit.page, visit.persona.language
    kiosk = app.extensions["kiosk"]
    submission = kiosk.store.get_submission(reference)
    catalogue = kiosk.catalogue
    expected = next_steps(catalogue, [item["key"] for item in submission["items"]],
                          submission["documents"], submission["created"],
                          kiosk.settings.time_zone)
    shown = page.locator("[data-next-step]")
    expect(shown).to_have_count(len(expected))
    for index, group in enumerate(expected):
        section = shown.nth(index)
        expect(section).to_have_attribute("data-next-step", group.visit)
        expect(section.locator("h3")).to_have_text(heading_of(visit, group, language))
        expect(section.locator("[data-item]")).to_have_count(len(group.items))
        for item in group.items:
            expect(section.locator(f'[data-item="{item.key}"]')).to_contain_text(
                item.title.in_language(language))
        documents = [document.key for document in group.documents]
        expect(section.locator("[data-document]")).to_have_count(len(documents))
        for key in documents:
            expect(section.locator(f'[data-document="{key}"]')).to_contain_text(
                catalogue.documents[key].title.in_language(language))
        if group.visit == "none":
            # Nothing to bring: the back office checks what these services need.
            expect(section).to_contain_text(visit.words(
                "Their documents are checked online or by the back office: you do not need "
                "to bring them."))
    return expected


@pytest.mark.parametrize("package, language, text_size", RECEIPTS,
                         ids=["-".join(receipt) for receipt in RECEIPTS])
def test_the_receipt_says_what_to_do_next_for_each_service(browser, kiosk_server, monkeypatch,
                                                           screenshots, package, language,
                                                           text_size):
    app, base_url = kiosk_server
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    forbid_keyboard(monkeypatch)
    visit = Visit(page, app, language)
    visit.reach_check(package, text_size)
    reference = visit.send()

    expected = expect_what_happens_next(visit, reference)
    assert [group.visit for group in expected] == KINDS[package]

    if package == "retire":
        # Retiring needs no visit for the pension: its file and bank card are not listed.
        for key in ("personnel_file", "bank_card", "early_retirement_proof"):
            expect(page.locator(f'[data-document="{key}"]')).to_have_count(0)
        expect(page.locator('[data-next-step="none"] [data-item="pension_claim"]')).to_have_count(1)

    # The reference panel and its QR code are as they were.
    expect(page.locator(".reference-panel [data-reference]")).to_have_text(reference)
    expect(page.locator(".reference-panel__qr svg")).to_be_visible()

    name = f"receipt-{package}-{text_size}"
    screenshots(page, language, name)
    page.emulate_media(media="print")
    expect(page.locator(".bottom-dock")).to_be_hidden()
    expect(page.locator("[data-next-step]").first).to_be_visible()
    screenshots(page, language, f"{name}-print")
    page.emulate_media(media="screen")
    context.close()
