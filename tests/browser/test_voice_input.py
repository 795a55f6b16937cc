"""A resident speaks to the kiosk: Chromium's fake microphone plays a spoken Korean "네"."""
import pytest
from playwright.sync_api import expect

from conftest import CHROMIUM, CHROMIUM_ARGS
from layout import axe_violations, layout_problems
from resident import Resident
from voice_samples import spoken

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def microphone_saying_ne(tmp_path_factory):
    """A WAV of 네 with a second of quiet before and after: what the fake microphone hears."""
    path = tmp_path_factory.mktemp("microphone") / "ne.wav"
    path.write_bytes(spoken("네", silence_seconds=1.0))
    return path


@pytest.fixture(scope="module")
def listening_browser(playwright, microphone_saying_ne):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone_saying_ne}%noloop"])
    yield browser
    browser.close()


def korean_speaker(browser, kiosk_server):
    """A resident who chose Korean and voice input, at the package menu by touch."""
    app, base_url = kiosk_server
    context = browser.new_context(has_touch=True, base_url=base_url)
    context.grant_permissions(["microphone"])
    page = context.new_page()
    page.goto("/")
    resident = Resident(page, app, "zh")
    resident.choose_language("ko")
    resident.tap_button(resident.words("Voice input"))
    resident.tap_link(resident.words("Start"))
    return context, page, resident


def test_saying_ne_confirms_starting_over(listening_browser, kiosk_server, screenshots):
    app, base_url = kiosk_server
    context, page, resident = korean_speaker(listening_browser, kiosk_server)
    resident.tap_button(resident.local(resident.catalogue.packages["retire"].title))
    resident.tap_link(resident.words("Start over"))
    resident.expect_heading(resident.words("Start over?"))

    answers = []

    def pass_through(route):
        """Let the kiosk decode as usual, keeping a copy of its answer for the test."""
        response = route.fetch()
        answers.append(response.json())
        route.fulfill(response=response)

    page.route("**/voice/recognise**", pass_through)
    microphone = page.locator("[data-voice-mic]")
    expect(microphone).to_be_visible()
    screenshots(page, "ko-voice", "11-start-over")
    assert not layout_problems(page, False) + axe_violations(page)
    microphone.tap()
    # "네" on "Start over?" chooses "Yes, start over": the session is wiped, home again.
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans", timeout=20_000)
    heard = answers[0]
    assert heard["heard"] == "네", heard          # the captured audio was speech, not silence
    assert heard["intent"]["command"] == "yes"
    assert page.url.rstrip("/") == base_url
    context.close()


def test_a_voice_model_that_stopped_working_puts_the_microphone_away(listening_browser,
                                                                      kiosk_server):
    """The server's answer for a failed model (tested in test_voice.py), as the page gets it:
    the resident is told in the screen's language to use the touchscreen."""
    context, page, resident = korean_speaker(listening_browser, kiosk_server)
    page.route("**/voice/recognise**", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": "not_working", "message": "voice input is not working for ko"}'))
    microphone = page.locator("[data-voice-mic]")
    microphone.tap()
    expect(page.locator("[data-voice-status]")).to_have_text(resident.words(
        "Voice input is not working on this kiosk just now. Please use the touchscreen."),
        timeout=20_000)
    expect(microphone).to_be_hidden()
    context.close()


def test_yes_and_no_answer_the_question_the_resident_is_on(listening_browser, kiosk_server):
    """Heard "yes" (the decoder's answer is stubbed: the real decoding is tested above)
    goes to the question last touched, else the first one not answered, and the kiosk says
    which question it answered."""
    app, _ = kiosk_server
    context, page, resident = korean_speaker(listening_browser, kiosk_server)
    resident.tap_button(resident.local(resident.catalogue.packages["retire"].title))
    resident.tap_link(resident.words("Continue"))
    resident.expect_heading(resident.words("A few questions first"))
    page.route("**/voice/recognise**", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"decision": "accept", "intent": {"key": null, "command": "yes"}, '
             '"phrase": "네", "heard": "네"}'))
    questions = page.locator("main fieldset")
    assert questions.count() >= 3
    yes, no = resident.words("Yes"), resident.words("No")
    questions.nth(0).get_by_label(no, exact=True).tap()        # the first, answered by touch
    questions.nth(2).get_by_label(no, exact=True).tap()        # ... and the third
    microphone = page.locator("[data-voice-mic]")
    status = page.locator("[data-voice-status]")

    # The third was touched last: "yes" changes the third.
    microphone.tap()
    expect(questions.nth(2).get_by_label(yes, exact=True)).to_be_checked(timeout=20_000)
    expect(status).to_contain_text(questions.nth(2).locator("legend").inner_text())
    expect(questions.nth(0).get_by_label(no, exact=True)).to_be_checked()

    # Now nothing was touched since: "yes" goes to the first question not answered (the second).
    microphone.tap()
    expect(questions.nth(1).get_by_label(yes, exact=True)).to_be_checked(timeout=20_000)
    expect(status).to_contain_text(questions.nth(1).locator("legend").inner_text())
    expect(questions.nth(0).get_by_label(no, exact=True)).to_be_checked()
    context.close()


def test_dictated_digits_are_offered_at_the_field_and_written_only_after_yes(
        listening_browser, kiosk_server):
    """The decoder's answer is stubbed (espeak's digits are decoded in test_voice.py)."""
    from journey import Visit
    from layout import LANDSCAPE
    app, base_url = kiosk_server
    context = listening_browser.new_context(has_touch=True, base_url=base_url, viewport=LANDSCAPE)
    context.grant_permissions(["microphone"])
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, "ko")
    visit.start("default")
    visit.finger.tap(page.locator(".kiosk-bar").get_by_role(
        "button", name=visit.words("Voice input")), navigates=True)
    chosen = visit.choose_package("retire")
    visit.continue_from_builder()
    visit.answer_eligibility(chosen)
    for _ in range(6):
        if page.locator("#applicant_phone").count():
            break
        visit.answer_section()
        visit.continue_form()
    page.route("**/voice/recognise**", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"decision": "confirm", "digits": "01012345678", "heard": "공 일 공"}'))
    field = page.locator("#applicant_phone")
    field.evaluate("(input) => { input.value = ''; }")
    say_digits = page.locator('[data-say-digits="applicant_phone"]')
    expect(say_digits).to_contain_text(visit.words("Say the digits"))
    visit.finger.tap(say_digits)
    confirm = page.locator("[data-voice-confirm]")
    expect(confirm).to_be_visible(timeout=20_000)
    expect(page.locator("[data-voice-status]")).to_contain_text("0 1 0 1 2 3 4 5 6 7 8")
    expect(field).to_have_value("")                     # nothing written before the yes
    visit.finger.tap(confirm.get_by_role("button", name=visit.words("Yes")))
    expect(field).to_have_value("01012345678")
    context.close()


def test_in_the_idle_warning_the_microphone_moves_into_the_dialog_and_asks_for_more_time(
        listening_browser, kiosk_server, screenshots):
    """"Are you still there?" is modal: the microphone goes into it, only its buttons can be
    said, and "I need more time" said doubles the idle time. The decoder's answer is stubbed
    (espeak-ng's Korean for the phrase is not decoded reliably; its grammar is tested in
    test_voice.py, and real decoding with "네" above)."""
    from layout import axe_violations
    app, base_url = kiosk_server
    settings = app.extensions["kiosk"].settings
    context = listening_browser.new_context(has_touch=True, base_url=base_url)
    context.grant_permissions(["microphone"])
    page = context.new_page()
    page.clock.install()
    page.goto("/")
    resident = Resident(page, app, "zh")
    resident.choose_language("ko")
    resident.tap_button(resident.words("Voice input"))
    resident.tap_link(resident.words("Start"))
    resident.tap_button(resident.local(resident.catalogue.packages["retire"].title))

    page.clock.run_for(settings.idle_timeout_seconds * 1000 + 500)
    dialog = page.get_by_role("alertdialog", name=resident.words("Are you still there?"))
    expect(dialog).to_be_visible()
    microphone = dialog.locator("[data-voice-mic]")
    expect(microphone).to_be_visible()
    screenshots(page, "ko-voice", "12-idle-warning-with-microphone")
    assert not axe_violations(page)

    asked = []

    def more_time(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=(
            '{"decision": "accept", "intent": {"key": "control.more_time", "command": null}, '
            '"phrase": "시간을 더 주세요", "heard": "시간을 더 주세요"}'))

    page.route("**/voice/recognise**", more_time)
    page.clock.resume()                       # the microphone's end-of-speech timing is real
    microphone.tap()
    expect(dialog).to_be_hidden(timeout=20_000)
    keys = asked[0].split("keys=")[1]
    assert "control.more_time" in keys and "package." not in keys, keys   # the dialog's only
    expect(page.locator(".bottom-dock [data-voice-mic]")).to_be_visible()  # back in its place
    page.reload()
    assert page.locator("body").get_attribute("data-idle-seconds") == \
        str(2 * settings.idle_timeout_seconds)
    context.close()
