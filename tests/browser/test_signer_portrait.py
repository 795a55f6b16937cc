"""Sign language on a portrait screen (#12): the signer window sticks under the top bar on
every screen while the page scrolls, and nothing the page brings into view (a tapped field,
the keyboard's scrolling, an error link's field, a kept place) lands under it. On a
landscape screen it stays beside the content, as before.

What the resident does in these tests is done by taps: sign mode, language and text size on
the home screen (with sign mode on, a first tap shows a control's clip and a second chooses
it), fields, keys, error links, the signer's "Larger". The screens further on are reached
as the screenshot gallery reaches them, by posting each screen's answers with the page's own
token; the every-screen test walks the gallery's whole journey (tests/browser/walk.py, which
sets the modes by posting too). Scrolling to the bottom, only to measure, is done with the
mouse wheel.
"""
import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS
from journey import release_or
from layout import LANDSCAPE, PORTRAIT, close_keyboard
from resident import Resident
from touch import forbid_keyboard, watch_then_choose
from walk import Visit, open_keyboard, walk

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "signer-portrait"
PICTURED = {"menu", "builder", "eligibility", "form, keyboard open", "check answers",
            "confirmation"}

# Where the signer window is, and whether each part of it (the clip or its card, every
# control) answers a tap where it is drawn: inside the screen, below the top bar, above the
# bottom dock, and covered by nothing.
SIGNER_IN_VIEW = """() => {
  const signer = document.querySelector('[data-signer]');
  if (!signer) return ['there is no signer window'];
  const name = (el) => el ? (el.id ? '#' + el.id : el.tagName.toLowerCase()) + '.' + el.className + ' "'
      + (el.innerText || '').trim().slice(0, 20) + '"' : 'nothing';
  const box = signer.getBoundingClientRect();
  const ceiling = document.querySelector('.top-dock').getBoundingClientRect().bottom;
  const dock = document.querySelector('[data-bottom-dock]');
  const floor = dock ? dock.getBoundingClientRect().top : innerHeight;
  const problems = [];
  if (box.top < ceiling - 1) problems.push(`its top (${box.top}) is under the top bar (${ceiling})`);
  if (box.bottom > floor + 0.5) problems.push(`its bottom (${box.bottom}) is under the bottom dock (${floor})`);
  if (box.bottom > innerHeight + 0.5 || box.top < -0.5) problems.push(`it is off the screen (${box.top}-${box.bottom})`);
  if (signer.scrollHeight > signer.clientHeight + 1) problems.push(`it is cut off (${signer.scrollHeight} > ${signer.clientHeight})`);
  const clip = signer.querySelector('[data-signer-video]:not([hidden])') || signer.querySelector('[data-signer-card]');
  for (const part of [clip, ...signer.querySelectorAll('[data-signer-controls] button')]) {
    const b = part.getBoundingClientRect();
    // Near its corners (inside the rounded ones) and at its centre.
    for (const [fx, fy] of [[0.15, 0.2], [0.5, 0.5], [0.85, 0.8]]) {
      const x = b.left + b.width * fx, y = b.top + b.height * fy;
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit === part || part.contains(hit)))
        problems.push(`${name(part)} at (${Math.round(x)}, ${Math.round(y)}) is covered by ${name(hit)}`);
    }
  }
  return problems;
}"""

# A field the page has brought into view: below the signer window (and the top bar), with its
# question when there is room, above the on-screen keyboard, and what a tap at its centre
# reaches.
FIELD_CLEAR = """(field) => {
  const signer = document.querySelector('[data-signer]').getBoundingClientRect();
  const top = Math.max(signer.bottom, document.querySelector('.top-dock').getBoundingClientRect().bottom);
  const keyboard = document.getElementById('touch-keyboard');
  const floor = keyboard && !keyboard.hidden ? innerHeight - keyboard.offsetHeight : innerHeight;
  const box = field.getBoundingClientRect();
  const problems = [];
  if (box.top < top - 0.5) problems.push(`#${field.id} (${box.top}) is under the signer (${top})`);
  if (box.bottom > floor + 0.5) problems.push(`#${field.id} (${box.bottom}) is under the keyboard (${floor})`);
  // Its question too (label, hint, message), wherever there is room for it.
  const question = (field.closest('.field, .date-part') || field).getBoundingClientRect();
  if (question.height <= floor - top && question.top < top - 0.5)
    problems.push(`the question of #${field.id} (${question.top}) is under the signer (${top})`);
  const hit = document.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2);
  if (!hit || !(hit === field || field.contains(hit)))
    problems.push(`#${field.id} is covered by ${hit ? hit.tagName + '.' + hit.className : 'nothing'}`);
  return problems;
}"""

# Every key of the open keyboard answers a tap where it is drawn: nothing lies over it.
KEYS_ON_TOP = """() => [...document.querySelectorAll('#touch-keyboard .touch-key')].map((key) => {
  const b = key.getBoundingClientRect();
  if (!b.width || !b.height) return '';
  const hit = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
  return hit && (hit === key || key.contains(hit)) ? '' : `the key "${key.textContent.trim()}" at `
    + `${Math.round(b.top)}-${Math.round(b.bottom)} is covered by ${hit ? hit.tagName + '.' + hit.className : 'nothing'}`;
}).filter(Boolean)"""


def settled(page):
    """Wait until the keyboard has slid up and the page has stopped scrolling the field into
    view. (Playwright takes a returned Promise for a truthy answer, so each wait here is a
    plain predicate, polled.)"""
    page.wait_for_function("""() => { const keyboard = document.getElementById('touch-keyboard');
        return !keyboard || keyboard.hidden || keyboard.getAnimations().length === 0; }""")
    page.evaluate("window.__lastY = null")
    page.wait_for_function("""() => { const same = window.__lastY === scrollY;
        window.__lastY = scrollY; return same; }""", polling=100)


def scroll_to_the_bottom(page):
    """Wheel the page down until it goes no further (to measure; a resident would swipe).
    Returns how far it scrolled."""
    page.mouse.move(PORTRAIT["width"] / 2, page.viewport_size["height"] * 0.6)
    still = 0
    for _ in range(60):
        before = page.evaluate("scrollY")
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(60)
        at_bottom = page.evaluate(
            "Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight - 1")
        still = still + 1 if page.evaluate("scrollY") == before else 0
        if at_bottom or still >= 3:
            break
    return page.evaluate("scrollY")


def scrolls(page):
    return page.evaluate("document.documentElement.scrollHeight > innerHeight + 1")


def signer_problems(page, where):
    return [f"{where}: {problem}" for problem in page.evaluate(SIGNER_IN_VIEW)]


def field_problems(page, field_id):
    return page.evaluate(FIELD_CLEAR, page.locator(f"#{field_id}").element_handle())


def portrait_page(browser, base_url, viewport=PORTRAIT):
    context = browser.new_context(viewport=viewport, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    return context, page


def set_up_by_touch(page, app, language, mode=None):
    """On the home screen: sign language on, then the language and a text mode, by taps."""
    resident = Resident(page, app, "zh")
    resident.tap_button(resident.words("Sign language"))     # sign mode not on yet: one tap
    resident.tap = lambda role, name, navigates=True: watch_then_choose(page, role, name)
    if language != "zh":
        resident.choose_language(language)
    if mode:
        resident.tap_button(resident.words({"large_text": "Large text",
                                            "high_contrast": "High contrast"}[mode]))
    expect(page.locator("[data-signer]")).to_be_visible()
    return resident


def go_to_form(page, app, language):
    """The "have a baby" package, its questions answered: the form's first screen."""
    visit = Visit(page, app, language)
    visit.post("/packages", {"package": "have_baby"})
    chosen = visit.catalogue.packages["have_baby"].default_items()
    answers = {question.key: "yes" for question in visit.catalogue.questions_for(chosen)}
    visit.post("/eligibility", {**answers, "parent_local_hukou": "no"})
    page.goto("/form")
    expect(page.locator("main [data-keyboard]").first).to_be_visible()
    return visit, chosen


def typed_fields(page):
    return page.locator("main [data-keyboard]").evaluate_all("(els) => els.map((el) => el.id)")


# Every language and mode for a release; day to day the riskiest (large text, Korean).
@pytest.mark.parametrize("language, mode", release_or(
    [("ko", "large_text")], [("zh", None), ("en", "high_contrast"), ("ko", "large_text")]))
def test_the_signer_stays_in_view_on_every_screen_in_portrait(browser, kiosk_server, language,
                                                               mode):
    app, base_url = kiosk_server
    context, page = portrait_page(browser, base_url)
    problems = []

    def on_screen(name):
        if name == "timeout dialog":
            # The dialog sits over everything, the signer window too.
            covered = page.evaluate("""() => { const b = document.querySelector('[data-signer]').getBoundingClientRect();
                const hit = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
                return !hit.closest('[data-signer]'); }""")
            if not covered:
                problems.append("timeout dialog: the signer window is over the dialog")
            return
        problems.extend(signer_problems(page, f"{name}, on arrival"))
        keyboard = page.locator("#touch-keyboard")
        if keyboard.count() and keyboard.is_visible():
            settled(page)
            tapped = page.evaluate("document.activeElement.id")
            problems.extend(f"{name}: {problem}" for problem in field_problems(page, tapped))
            problems.extend(f"{name}: {problem}" for problem in page.evaluate(KEYS_ON_TOP))
        if scrolls(page) and not scroll_to_the_bottom(page):
            problems.append(f"{name}: the page did not scroll")
        problems.extend(signer_problems(page, f"{name}, scrolled to the bottom"))
        if keyboard.count() and keyboard.is_visible():
            problems.extend(f"{name}, scrolled: {problem}" for problem in page.evaluate(KEYS_ON_TOP))
        if name in PICTURED:
            SHOTS.mkdir(parents=True, exist_ok=True)
            slug = name.replace(", ", "-").replace(" ", "-")
            page.screenshot(path=str(SHOTS / f"{language}-{mode or 'default'}-{slug}.png"))

    walk(page, app, language, ["sign"] + ([mode] if mode else []), on_screen)
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language, mode", release_or(
    [("ko", "large_text")], [("zh", None), ("ko", "large_text")]))
def test_a_field_tapped_open_lands_below_the_signer_and_above_the_keyboard(
        browser, kiosk_server, monkeypatch, language, mode):
    forbid_keyboard(monkeypatch)
    app, base_url = kiosk_server
    context, page = portrait_page(browser, base_url)
    resident = set_up_by_touch(page, app, language, mode)
    visit, chosen = go_to_form(page, app, language)
    ids = {}
    answers = {field.key: visit.resident.answer_for(field, ids)
               for field in visit.catalogue.form_fields(chosen)}
    problems = []

    def check(field_id, how):
        expect(page.locator(f"#{field_id}")).to_be_focused()
        expect(page.locator("#touch-keyboard")).to_be_visible()
        settled(page)
        problems.extend(f"{how}: {problem}" for problem in
                        field_problems(page, field_id) + page.evaluate(KEYS_ON_TOP)
                        + signer_problems(page, f"#{field_id} being typed into"))

    for _ in range(3):    # the form's first screens: names, ID and phone numbers, addresses
        fields = typed_fields(page)
        for field_id in fields:
            scroll_to_the_bottom(page)       # the field is far off: the page must bring it back
            page.locator(f"#{field_id}").tap()
            check(field_id, "tapped")
        # A field scrolled to just below the signer, its question still under it: the tap
        # brings the question out too.
        for field_id in fields:
            close_keyboard(page)
            scroll_to_the_bottom(page)
            gap = page.evaluate("""(id) => document.getElementById(id).getBoundingClientRect().top
                - document.querySelector('[data-signer]').getBoundingClientRect().bottom - 8""", field_id)
            target = page.evaluate("scrollY") + gap
            if not 0 <= target <= page.evaluate("document.documentElement.scrollHeight - innerHeight"):
                continue                     # the page cannot scroll that far
            page.mouse.wheel(0, gap)
            page.wait_for_function("(y) => Math.abs(scrollY - y) < 2", arg=target)
            page.locator(f"#{field_id}").tap()
            check(field_id, "tapped just below the signer")
        # "Next field" on the keyboard: the keyboard itself scrolls each field into view.
        close_keyboard(page)
        page.locator(f"#{fields[0]}").tap()
        for field_id in fields[1:]:
            page.locator("#touch-keyboard").get_by_role(
                "button", name=resident.words("Next field"), exact=True).tap()
            check(field_id, "next field")
        close_keyboard(page)
        location = visit.post(page.url, answers).headers.get("location", "")
        if "/form/" not in location:
            break
        page.goto(location)
    context.close()
    assert not problems, "\n".join(problems)


def test_error_links_and_a_kept_place_land_below_the_signer(browser, kiosk_server, monkeypatch):
    forbid_keyboard(monkeypatch)
    app, base_url = kiosk_server
    context, page = portrait_page(browser, base_url)
    resident = set_up_by_touch(page, app, "en", "large_text")
    go_to_form(page, app, "en")
    go_on = page.locator(".bottom-dock").get_by_role("button", name=resident.words("Continue"))
    go_on.tap()
    with page.expect_navigation():
        go_on.tap()
    links = page.locator("#error-summary a")
    expect(links.first).to_be_visible()
    problems = signer_problems(page, "the error summary on arrival")
    summary = page.locator("#error-summary").bounding_box()
    signer = page.locator("[data-signer]").bounding_box()
    if summary["y"] < signer["y"] + signer["height"] - 0.5:
        problems.append("the focused error summary is under the signer")
    for index in range(links.count()):
        close_keyboard(page)
        scroll_to_the_bottom(page)
        link = links.nth(index)
        field_id = link.get_attribute("href")[1:]
        link.tap()
        expect(page.locator(f"#{field_id}")).to_be_focused()
        settled(page)
        # The field and its question (label, hint, message) show below the signer.
        problems += [f"error link: {problem}" for problem in field_problems(page, field_id)]
    close_keyboard(page)
    # Back from switching a mode: the screen comes back at the field the resident was on.
    last = typed_fields(page)[-1]
    page.goto(page.url.split("#")[0] + f"#at-{last}")
    settled(page)
    problems += [f"kept place: {problem}" for problem in field_problems(page, last)]
    context.close()
    assert not problems, "\n".join(problems)


def test_larger_makes_the_portrait_signer_bigger_until_the_keyboard_needs_the_room(
        browser, kiosk_server, monkeypatch):
    forbid_keyboard(monkeypatch)
    app, base_url = kiosk_server
    context, page = portrait_page(browser, base_url)
    resident = set_up_by_touch(page, app, "zh", "large_text")
    go_to_form(page, app, "zh")
    signer = page.locator("[data-signer]")
    compact = signer.bounding_box()["height"]
    screen = PORTRAIT["height"]
    assert compact <= screen * 0.33, f"the compact signer is {compact}px of {screen}px"
    page.get_by_role("button", name=resident.words("Larger"), exact=True).tap()
    expect(signer).to_have_class("signer signer--large")
    page.wait_for_timeout(200)
    larger = signer.bounding_box()["height"]
    clip = page.locator("[data-signer-video]:visible, [data-signer-card]:visible").first.bounding_box()
    assert compact < larger <= screen * 0.5, (compact, larger)
    assert clip["height"] <= screen * 0.3, clip
    measured = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--signer-height'))")
    assert abs(measured - larger) < 1, (measured, larger)
    problems = signer_problems(page, "larger")
    scroll_to_the_bottom(page)
    problems += signer_problems(page, "larger, scrolled to the bottom")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "zh-large_text-larger.png"))
    # While typing, the band steps back to its compact size: the field needs the room.
    for field_id in typed_fields(page):
        scroll_to_the_bottom(page)
        open_keyboard(page, field_id)
        settled(page)
        typing = signer.bounding_box()["height"]
        if typing > compact + 1:
            problems.append(f"#{field_id}: the signer is {typing}px while typing, not {compact}px")
        problems += field_problems(page, field_id) + page.evaluate(KEYS_ON_TOP)
    # The handwriting pad, the tallest keyboard of all, in the first (name) field.
    open_keyboard(page, typed_fields(page)[0])
    page.locator("#touch-keyboard").get_by_role("button", name=resident.words("Handwriting")).first.tap()
    expect(page.locator("[data-handwriting-pad]")).to_be_visible()
    settled(page)
    problems += [f"handwriting: {problem}" for problem in field_problems(page, typed_fields(page)[0])]
    page.screenshot(path=str(SHOTS / "zh-large_text-larger-handwriting.png"))
    close_keyboard(page)
    page.wait_for_timeout(200)
    # (Its caption goes cue by cue, so its height may change by a line.)
    if signer.bounding_box()["height"] < larger - 60:
        problems.append("the signer did not grow back to its larger size after typing")
    context.close()
    assert not problems, "\n".join(problems)


def test_the_timeout_dialog_covers_the_portrait_signer(browser, kiosk_server):
    app, base_url = kiosk_server
    context = browser.new_context(viewport=PORTRAIT, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.clock.install()
    page.goto("/")
    set_up_by_touch(page, app, "ko")
    go_to_form(page, app, "ko")
    open_keyboard(page, typed_fields(page)[0])
    page.clock.run_for(app.extensions["kiosk"].settings.idle_timeout_seconds * 1000 + 500)
    dialog = page.locator("#timeout-dialog")
    expect(dialog).to_be_visible()
    on_top = page.evaluate("""() => {
        const dialog = document.getElementById('timeout-dialog');
        const point = (el) => { const b = el.getBoundingClientRect();
            return document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2); };
        const signer = document.querySelector('[data-signer]');
        return {signer: !!point(signer).closest('[data-signer]'),
                keys: [...document.querySelectorAll('#touch-keyboard .touch-key')].some((key) => key.contains(point(key))),
                button: dialog.querySelector('[data-continue]').contains(point(dialog.querySelector('[data-continue]')))};
    }""")
    assert on_top == {"signer": False, "keys": False, "button": True}, on_top
    context.close()


def test_in_landscape_the_signer_stays_beside_the_content(browser, kiosk_server):
    app, base_url = kiosk_server
    context, page = portrait_page(browser, base_url, viewport=LANDSCAPE)
    set_up_by_touch(page, app, "en")
    go_to_form(page, app, "en")
    where = """() => { const signer = document.querySelector('[data-signer]');
        const box = signer.getBoundingClientRect(), root = getComputedStyle(document.documentElement);
        const main = document.querySelector('main'), content = main.getBoundingClientRect();
        return {position: getComputedStyle(signer).position, top: box.top, left: box.left,
                width: box.width, contentRight: content.right - parseFloat(getComputedStyle(main).paddingRight),
                dockBottom: document.querySelector('.top-dock').getBoundingClientRect().bottom,
                signerHeight: root.getPropertyValue('--signer-height').trim(),
                paddingTop: parseFloat(root.scrollPaddingTop),
                dockHeight: parseFloat(root.getPropertyValue('--top-dock-height'))}; }"""
    before = page.evaluate(where)
    assert before["position"] == "fixed"
    assert before["left"] >= before["contentRight"], before          # beside the content
    assert abs(before["top"] - (before["dockBottom"] + 11)) < 1, before  # 0.5rem under the bar
    assert abs(before["width"] - 22 * 22) < 1, before                   # 22rem wide, as before
    assert before["signerHeight"] == "0px", before                      # nothing to scroll past
    assert abs(before["paddingTop"] - (before["dockHeight"] + 22)) < 1, before
    field_id = typed_fields(page)[-1]
    open_keyboard(page, field_id)
    settled(page)
    problems = page.evaluate("""(field) => {
        const box = field.getBoundingClientRect();
        const dock = document.querySelector('.top-dock').getBoundingClientRect().bottom;
        const top = innerHeight - document.getElementById('touch-keyboard').offsetHeight;
        return box.top >= dock - 0.5 && box.bottom <= top + 0.5 ? [] : [`#${field.id} at ${box.top}-${box.bottom}`]; }""",
                             page.locator(f"#{field_id}").element_handle())
    close_keyboard(page)
    scroll_to_the_bottom(page)
    after = page.evaluate(where)
    assert (after["top"], after["left"]) == (before["top"], before["left"]), (before, after)
    context.close()
    assert not problems, problems
