"""Staff pages keep their own idle time: a clerk typing a return reason and an interpreter
recording a long clip are never cut off by the residents' 90-second timer.

The browser's clock is driven by Playwright; the server's sessions run on real time (a test
in test_backoffice.py moves their expiry instead).
"""
import pytest
from playwright.sync_api import expect

from conftest import serve_kiosk
from handoff_support import RECORD
from resident import Resident

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def sign_in(page, app, name, then):
    app.extensions["kiosk"].staff.add(
        name, PASSWORD, roles=["interpreter" if then.startswith("/studio") else "clerk"])
    page.goto(f"/staff/sign-in?next={then}")
    staff = Resident(page, app, "zh")
    page.locator("#name").fill(name)             # staff have a physical keyboard
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=staff.words("Sign in")).click()
    return staff


def test_a_clerks_half_typed_reason_outlives_the_residents_timer(browser, kiosk_server):
    app, base_url = kiosk_server
    kiosk = app.extensions["kiosk"]
    reference = kiosk.store.create_submission("K2", RECORD)
    kiosk.outbox.deliver_due()
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.clock.install()
    clerk = sign_in(page, app, "idleclerk", f"/backoffice/{reference}")
    page.locator("#reason").fill("The lease is not sign")
    settings = kiosk.settings
    dialog = page.locator("#timeout-dialog")

    # Well past the residents' idle time and warning: nothing happens on a clerk's page.
    residents_time = settings.idle_timeout_seconds + settings.warning_seconds + 60
    page.clock.run_for(residents_time * 1000)
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/backoffice/{reference}")
    expect(page.locator("#reason")).to_have_value("The lease is not sign")

    # At the staff idle time the clerk is asked, and Continue keeps the page and the text.
    page.clock.run_for((settings.staff.idle_minutes * 60 - residents_time + 1) * 1000)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(clerk.words("Sign out now"))
    dialog.get_by_role("button", name=clerk.words("Continue")).click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#reason")).to_have_value("The lease is not sign")
    page.locator("#reason").click()
    page.locator("#reason").press_sequentially("ed.")
    page.get_by_label(clerk.words("Returned to the resident")).check()
    with page.expect_navigation():
        page.get_by_role("button", name=clerk.words("Save status")).click()
    expect(page.locator("main")).to_contain_text("The lease is not signed.")

    # Left alone after the warning, the clerk is signed out.
    page.clock.run_for(settings.staff.idle_minutes * 60 * 1000 + 500)
    expect(dialog).to_be_visible()
    with page.expect_navigation():
        page.clock.run_for(settings.warning_seconds * 1000 + 1000)
    page.goto("/backoffice")
    assert "/staff/sign-in" in page.url
    context.close()


def record_without_touching(page, interpreter, seconds):
    """Start recording, let `seconds` pass on the page's clock; returns the Stop button."""
    page.get_by_role("button", name=interpreter.words("Record"), exact=True).click()
    stop = page.get_by_role("button", name=interpreter.words("Stop recording"), exact=True)
    # The fake camera starts in real time, its promise settles on the page's driven clock.
    for _ in range(100):
        if stop.is_enabled():
            break
        page.clock.run_for(100)
        page.wait_for_timeout(100)
    expect(stop).to_be_enabled()
    page.clock.run_for(seconds * 1000)
    return stop


def studio_page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.clock.install()
    return context, page


def test_the_studio_is_not_on_the_residents_timer(camera_browser, kiosk_server):
    app, base_url = kiosk_server
    settings = app.extensions["kiosk"].settings
    context, page = studio_page(camera_browser, base_url)
    interpreter = sign_in(page, app, "idlesigner", "/studio/CSL/screen.menu")
    # Past the residents' idle time, and short of the longest clip (the recorder stops there).
    assert settings.idle_timeout_seconds + 10 < settings.signs.max_clip_seconds
    stop = record_without_touching(page, interpreter, settings.idle_timeout_seconds + 10)
    expect(page.locator("#timeout-dialog")).to_be_hidden()
    expect(stop).to_be_enabled()                  # still recording
    page.wait_for_timeout(2500)                   # the camera's frames come in real time
    stop.click()
    save = page.get_by_role("button", name=interpreter.words("Save"), exact=True)
    expect(save).to_be_enabled()
    save.click()
    expect(page.locator("[data-recorder-status]")).to_have_text(
        interpreter.words("Saved. The kiosk now shows this clip."), timeout=20_000)
    context.close()


@pytest.fixture(scope="module")
def short_staff_idle_server(tmp_path_factory):
    """A kiosk whose staff idle time (2 minutes) is shorter than its longest clip (5)."""
    app, url, server = serve_kiosk(tmp_path_factory.mktemp("short-idle"), **{
        "staff.idle_minutes": "2", "signs.max_clip_seconds": "300"})
    yield app, url
    server.shutdown()


def test_nobody_is_asked_while_the_studio_records(camera_browser, short_staff_idle_server):
    app, base_url = short_staff_idle_server
    settings = app.extensions["kiosk"].settings
    context, page = studio_page(camera_browser, base_url)
    interpreter = sign_in(page, app, "longsigner", "/studio/CSL/screen.menu")
    staff_time = settings.staff.idle_minutes * 60 + settings.warning_seconds
    stop = record_without_touching(page, interpreter, staff_time + 10)
    dialog = page.locator("#timeout-dialog")
    expect(dialog).to_be_hidden()
    expect(stop).to_be_enabled()                  # still recording, still signed in
    stop.click()
    expect(page.get_by_role("button", name=interpreter.words("Save"), exact=True)).to_be_enabled()
    # Once the take is over, the staff idle time runs again.
    page.clock.run_for(settings.staff.idle_minutes * 60 * 1000 + 500)
    expect(dialog).to_be_visible()
    context.close()
