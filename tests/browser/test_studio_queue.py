"""The interpreter's queue in the browser: three prompts recorded in a row without going
back to the list, and the 3-2-1 countdown, the recording indicator and the teleprompter
that stays in view while recording. The fake camera stands in for the interpreter."""
import hashlib
import re
import json

import pytest
from playwright.sync_api import expect

from conftest import serve_kiosk
from layout import axe_violations, layout_problems
from resident import Resident
from test_sign_language import turn_on_signs

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
# What a tap on the studio costs, counted between one saved clip and the next.
TAPS = []


@pytest.fixture(scope="module")
def studio_server(tmp_path_factory):
    """A kiosk of its own (its clip library is recorded into) with an interpreter's account."""
    app, url, server = serve_kiosk(tmp_path_factory.mktemp("studio-queue"))
    app.extensions["kiosk"].staff.add("queue_signer", PASSWORD, roles=["interpreter"])
    yield app, url
    server.shutdown()


def open_studio(browser, server, path, clock=False):
    """A staff desk's browser, signed in (staff have a physical keyboard), at `path`."""
    app, base_url = server
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera"])
    page = context.new_page()
    if clock:
        page.clock.install()
    interpreter = Resident(page, app, "zh")
    page.goto("/staff/sign-in")
    page.locator("#name").fill("queue_signer")
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=interpreter.words("Sign in")).click()
    page.goto(path)
    return context, page, interpreter


def tap(locator):
    TAPS.append(locator)
    locator.click()


def signed_text_hash(app, key):
    text = app.extensions["kiosk"].prompts.text(key, "zh", "sign")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_interpreter_records_three_prompts_in_a_row(camera_browser, studio_server):
    app, _ = studio_server
    context, page, interpreter = open_studio(camera_browser, studio_server, "/studio?screen=menu")
    page.get_by_role("link", name=interpreter.words(
        "Record the first prompt in this view that needs a clip")).click()
    status = page.locator("[data-recorder-status]")
    saved, taps = [], []
    for _ in range(3):
        key = page.url.split("/studio/CSL/")[1].split("?")[0]
        TAPS.clear()
        record = page.get_by_role("button", name=interpreter.words("Record"), exact=True)
        expect(record).to_be_enabled(timeout=10_000)        # the camera is ready on arrival
        tap(record)
        expect(page.locator("[data-recorder-indicator]")).to_be_visible(timeout=10_000)
        page.wait_for_timeout(1500)                          # the interpreter signs
        tap(page.get_by_role("button", name=interpreter.words("Stop recording"), exact=True))
        save = page.get_by_role("button", name=interpreter.words("Save"), exact=True)
        expect(save).to_be_enabled()
        with page.expect_navigation(timeout=20_000):
            tap(save)
        # Straight on to the next prompt of the same view, saying the last one is saved.
        expect(status).to_have_text(interpreter.words("Saved. The kiosk now shows this clip."))
        assert f"saved={key}" in page.url and "screen=menu" in page.url
        assert page.url.split("?")[0].split("/")[-1] != key
        saved.append(key)
        taps.append(len(TAPS))
    assert len(set(saved)) == 3 and taps == [3, 3, 3]    # Record, Stop recording, Save
    library = app.extensions["kiosk"].signs
    manifest = {(entry["key"], entry["sign_language"]): entry for entry in
                json.loads((library.folder / "manifest.json").read_text())["clips"]}
    for key in saved:
        entry = manifest[(key, "CSL")]
        assert entry["status"] == "recorded" and entry["signer"] == "queue_signer"
        assert entry["text_sha256"] == signed_text_hash(app, key)
    context.close()


def test_a_clip_is_flagged_outdated_once_the_text_it_signs_changes(camera_browser,
                                                                   studio_server, monkeypatch):
    from kiosk.prompts import MODE_TEXTS
    context, page, interpreter = open_studio(camera_browser, studio_server,
                                             "/studio/CSL/screen.eligibility")
    page.get_by_role("button", name=interpreter.words("Record"), exact=True).click()
    expect(page.locator("[data-recorder-indicator]")).to_be_visible(timeout=10_000)
    page.wait_for_timeout(1000)
    page.get_by_role("button", name=interpreter.words("Stop recording"), exact=True).click()
    with page.expect_navigation(timeout=20_000):
        page.get_by_role("button", name=interpreter.words("Save"), exact=True).click()
    page.goto("/studio?status=all&screen=eligibility")
    row = page.locator('[data-key="screen.eligibility"]')
    expect(row).to_contain_text(interpreter.words("Recorded"))

    # The catalogue's wording of the eligibility screen changes (a new version of the kiosk).
    monkeypatch.setitem(MODE_TEXTS["sign"], "screen.eligibility", "请回答几个问题。这段文字改过了。")
    page.goto("/studio?status=outdated")
    row = page.locator('[data-key="screen.eligibility"]')
    expect(row).to_contain_text(interpreter.words("Outdated"))
    assert not axe_violations(page)
    context.close()


def test_a_countdown_then_a_recording_indicator_with_the_text_in_view(camera_browser,
                                                                      studio_server):
    context, page, interpreter = open_studio(camera_browser, studio_server,
                                             "/studio/CSL/screen.check", clock=True)
    record = page.get_by_role("button", name=interpreter.words("Record"), exact=True)
    expect(record).to_be_enabled(timeout=10_000)
    countdown = page.locator("[data-recorder-countdown]")
    indicator = page.locator("[data-recorder-indicator]")
    spoken = page.locator("[data-recorder-announce]")
    record.click()
    for number in ("3", "2", "1"):
        expect(countdown).to_be_visible()
        expect(countdown).to_have_text(number)
        expect(spoken).to_have_text(number)
        expect(indicator).to_be_hidden()
        page.clock.run_for(1000)
    expect(countdown).to_be_hidden()
    expect(indicator).to_be_visible()
    expect(indicator).to_contain_text(interpreter.words("Recording"))
    expect(spoken).to_have_text(interpreter.words("Recording"))
    page.clock.run_for(2000)
    expect(page.locator("[data-recorder-elapsed]")).to_have_text("00:02")
    assert not layout_problems(page, False) + axe_violations(page)

    # Large enough to read from a distance, and still in view when the page is scrolled.
    prompter = page.locator(".teleprompter")
    assert prompter.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)") >= 40
    page.mouse.wheel(0, 1200)
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") > 0
    box = prompter.bounding_box()
    assert 0 <= box["y"] and box["y"] + 40 <= 900
    stop = page.get_by_role("button", name=interpreter.words("Stop recording"), exact=True)
    expect(stop).to_be_in_viewport()
    page.wait_for_timeout(1500)                          # the fake camera's frames are real time
    stop.click()
    expect(indicator).to_be_hidden()
    expect(page.get_by_role("button", name=interpreter.words("Save"), exact=True)).to_be_enabled()
    context.close()


def test_stop_during_the_countdown_calls_the_take_off(camera_browser, studio_server):
    context, page, interpreter = open_studio(camera_browser, studio_server,
                                             "/studio/CSL/screen.done", clock=True)
    record = page.get_by_role("button", name=interpreter.words("Record"), exact=True)
    expect(record).to_be_enabled(timeout=10_000)
    record.click()
    page.get_by_role("button", name=interpreter.words("Stop recording"), exact=True).click()
    page.clock.run_for(5000)
    expect(page.locator("[data-recorder-countdown]")).to_be_hidden()
    expect(page.locator("[data-recorder-indicator]")).to_be_hidden()
    expect(record).to_be_enabled()
    expect(page.get_by_role("button", name=interpreter.words("Save"), exact=True)).to_be_disabled()
    context.close()


def test_a_shared_clip_plays_with_the_services_title_then_the_services_own_clip(
        camera_browser, studio_server, tmp_path):
    """One signed "Remove this service" serves every service: the title shows beside it."""
    import subprocess
    app, base_url = studio_server
    short = tmp_path / "short.webm"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x90:rate=10:duration=1", "-c:v", "libvpx", str(short)],
                   check=True)
    library = app.extensions["kiosk"].signs
    library.save("shared.remove", "CSL", short, signer="test")
    library.save("item.food_business_licence", "CSL", short, signer="test")
    context = camera_browser.new_context(base_url=base_url, has_touch=True)
    page = context.new_page()
    page.goto("/")
    resident = turn_on_signs(page, app)      # from here a first tap explains, a second acts
    resident.tap_link(resident.words("Start"))
    package = page.get_by_role("button", name=resident.local(
        resident.catalogue.packages["open_shop"].title), exact=True)
    package.tap()                                   # the first tap explains, the second chooses
    with page.expect_navigation():
        package.tap()
    title = resident.local(resident.catalogue.items["food_business_licence"].title)
    page.get_by_role("button", name=resident.words("Remove: %(title)s", title=title)).tap()
    video = page.locator("[data-signer-video]")
    expect(page.locator("[data-signer-name]")).to_have_text(title)
    expect(video).to_have_attribute("src", re.compile("shared.remove"))
    expect(video).to_have_attribute("src", re.compile("item.food_business_licence"),
                                    timeout=10_000)   # after the shared clip ends
    expect(page.locator("[data-signer-name]")).to_have_text(title)
    assert page.url.endswith("/builder")            # explained, not yet removed
    context.close()
