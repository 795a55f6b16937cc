"""Sign language in the browser: the signer window, its controls, and the recording studio."""
import pytest
from playwright.sync_api import expect

from layout import axe_violations, layout_problems
from resident import Resident
from touch import watch_then_choose

pytestmark = pytest.mark.browser


def turn_on_signs(page, app):
    """Sign mode on; from then on a first tap shows a control's clip and a second chooses it."""
    resident = Resident(page, app, "zh")
    resident.tap_button(resident.words("Sign language"))
    resident.tap = lambda role, name, navigates=True: watch_then_choose(page, role, name)
    return resident


def wait_until_playing(page):
    try:
        wait_for_playing(page)
    except Exception:
        state = page.evaluate("""() => { const v = document.querySelector('[data-signer-video]');
            return v && {src: v.currentSrc, ready: v.readyState, time: v.currentTime,
                         paused: v.paused, error: v.error && v.error.message, hidden: v.hidden}; }""")
        raise AssertionError(f"the signer is not playing: {state}") from None


def wait_for_playing(page):
    page.wait_for_function("""() => { const v = document.querySelector('[data-signer-video]');
        return v && v.readyState >= 2 && v.currentTime > 0 && !v.paused; }""", timeout=15_000)


def test_sign_mode_plays_the_screens_clip_with_captions(kiosk_page, kiosk_server, screenshots):
    app, _ = kiosk_server
    page = kiosk_page
    turn_on_signs(page, app)
    wait_until_playing(page)
    track = page.locator("[data-signer-video] track")
    assert track.get_attribute("kind") == "captions" and track.get_attribute("src").endswith(".vtt")
    expect(page.locator("[data-signer-caption]")).to_contain_text("欢迎使用一站式服务")
    screenshots(page, "zh-sign", "01-home")
    assert not layout_problems(page, False) + axe_violations(page)


def test_the_slow_speed_control_slows_the_clip(kiosk_page, kiosk_server):
    app, _ = kiosk_server
    page = kiosk_page
    turn_on_signs(page, app)
    wait_until_playing(page)
    half = page.get_by_role("button", name="0.5×", exact=True)
    half.tap()
    expect(half).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.querySelector('[data-signer-video]').playbackRate") == 0.5
    page.get_by_role("button", name=Resident(page, app, "zh").words("Larger"), exact=True).tap()
    expect(page.locator("[data-signer]")).to_have_class("signer signer--large")


def test_a_tapped_package_without_a_clip_shows_the_caption_card(kiosk_page, kiosk_server,
                                                                screenshots):
    app, _ = kiosk_server
    page = kiosk_page
    resident = turn_on_signs(page, app)
    resident.choose_language("en")
    resident.tap_link(resident.words("Start"))
    wait_until_playing(page)   # the menu's sample card
    # The first tap shows the package's clip (there is none yet); it does not choose it.
    page.get_by_role("button", name=resident.local(
        resident.catalogue.packages["retire"].title), exact=True).tap()
    assert page.url.endswith("/packages")
    card = page.locator("[data-signer-card]")
    expect(card).to_be_visible()
    # The card shows the message itself, large; the status line says why there is no clip.
    expect(card).to_contain_text(resident.local(resident.catalogue.packages["retire"].summary))
    expect(page.locator("[data-signer-status]")).to_have_text(
        resident.words("The signed version is not available yet."))
    expect(page.locator("[data-signer-video]")).to_be_hidden()
    screenshots(page, "en-sign", "02-menu-package-tapped")
    assert not layout_problems(page, False) + axe_violations(page)


def test_the_interpreter_records_a_clip_and_the_kiosk_plays_it(camera_browser, kiosk_server,
                                                               screenshots):
    app, base_url = kiosk_server
    app.extensions["kiosk"].staff.add("interpreter", "correct horse battery",
                                        roles=["interpreter"])
    context = camera_browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.goto("/studio/CSL/screen.builder")
    # The interpreter signs in at a staff desk with a physical keyboard, not as a resident.
    page.locator("#name").fill("interpreter")
    page.locator("#password").fill("correct horse battery")
    resident = Resident(page, app, "zh")
    with page.expect_navigation():
        page.get_by_role("button", name=resident.words("Sign in")).click()
    page.goto("/studio/CSL/screen.builder")
    page.get_by_role("button", name=resident.words("Record"), exact=True).click()
    expect(page.locator("[data-recorder-indicator]")).to_be_visible(timeout=10_000)  # after 3-2-1
    page.wait_for_timeout(2500)
    page.get_by_role("button", name=resident.words("Stop recording"), exact=True).click()
    save = page.get_by_role("button", name=resident.words("Save"), exact=True)
    expect(save).to_be_enabled()
    screenshots(page, "zh-studio", "clip")
    save.click()
    expect(page.locator("[data-recorder-status]")).to_have_text(
        resident.words("Saved. The kiosk now shows this clip."), timeout=20_000)
    clip = app.extensions["kiosk"].signs.clip("screen.builder", "CSL")
    assert clip.status == "recorded" and clip.signer == "interpreter" and clip.duration > 1
    context.close()

    # A resident in sign mode now sees the recorded clip on the builder screen.
    context = camera_browser.new_context(base_url=base_url, has_touch=True)
    page = context.new_page()
    page.goto("/")
    resident = turn_on_signs(page, app)
    resident.tap_link(resident.words("Start"))
    resident.tap_button(resident.local(resident.catalogue.packages["retire"].title))
    wait_until_playing(page)
    expect(page.locator("[data-signer-status]")).to_have_text("")
    assert "screen.builder" in page.locator("[data-signer-video]").get_attribute("src")
    context.close()


@pytest.fixture(scope="module")
def kiosk_with_a_signed_answer(tmp_path_factory):
    """A kiosk of its own whose library has a clip for "No" in CSL (the shipped one has
    clips for screens only)."""
    from conftest import serve_kiosk
    app, url, server = serve_kiosk(tmp_path_factory.mktemp("signed-answer"))
    library = app.extensions["kiosk"].signs
    sample = library.path_of(library.clip("screen.menu", "CSL"))
    library.save("control.no", "CSL", sample, signer="test")
    yield app, url
    server.shutdown()


def test_a_choice_is_marked_while_explained_and_one_without_a_clip_is_chosen_at_once(
        browser, kiosk_with_a_signed_answer, screenshots):
    app, base_url = kiosk_with_a_signed_answer
    context = browser.new_context(base_url=base_url, has_touch=True)
    page = context.new_page()
    page.goto("/")
    resident = turn_on_signs(page, app)
    start = page.get_by_role("link", name=resident.words("Start"))
    start.tap()
    with page.expect_navigation():
        start.tap()
    retire = page.get_by_role("button", name=resident.local(
        resident.catalogue.packages["retire"].title), exact=True)
    retire.tap()
    with page.expect_navigation():
        retire.tap()
    go_on = page.locator(".bottom-dock").get_by_role("link", name=resident.words("Continue"))
    go_on.tap()
    with page.expect_navigation():
        go_on.tap()
    resident.expect_heading(resident.words("A few questions first"))
    first = page.locator("main fieldset").first
    yes = first.get_by_label(resident.words("Yes"), exact=True)
    no = first.get_by_label(resident.words("No"), exact=True)
    yes.tap()                                   # "Yes" has no clip: chosen at once
    expect(yes).to_be_checked()
    no.tap()                                    # "No" has one: explained first, visibly
    expect(no).not_to_be_checked()
    expect(yes).to_be_checked()
    marked = first.locator(".choice.sign-explaining")
    explaining = resident.words("Being explained. Tap again to choose it.")
    expect(marked).to_have_attribute("data-explaining", explaining)
    shown = marked.evaluate("(el) => getComputedStyle(el, '::after').content")
    assert explaining in shown                  # written on the screen under the option
    screenshots(page, "zh-sign", "03-eligibility-explaining")
    assert not layout_problems(page, False) + axe_violations(page)
    no.tap()                                    # the second tap chooses it
    expect(no).to_be_checked()
    expect(first.locator(".sign-explaining")).to_have_count(0)
    context.close()
