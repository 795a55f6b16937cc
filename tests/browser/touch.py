"""A resident with a touchscreen and nothing else: taps, and a finger that writes.

`forbid_keyboard(monkeypatch)` makes any use of Playwright's keyboard and typing API
(fill, type, press, press_sequentially, keyboard.*, insert_text) fail the test, so a
journey driven through `Finger` proves a resident can do it by touch. `Finger` types
text by tapping the kiosk's own on-screen keyboard, and counts what the resident spends:
taps on the screen, taps on keys, and taps on something that first had to be scrolled to.
"""
import json
from pathlib import Path

from playwright.sync_api import ElementHandle, Keyboard, Locator, Page, expect

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "handwriting-samples.json"
FORBIDDEN = {Locator: ("fill", "type", "press", "press_sequentially", "clear"),
             Page: ("fill", "type", "press"),
             ElementHandle: ("fill", "type", "press"),
             Keyboard: ("type", "press", "insert_text", "down", "up")}

# 두벌식: which key types each jamo; tense consonants and ㅒ ㅖ need Shift.
SHIFTED = {"ㅃ": "ㅂ", "ㅉ": "ㅈ", "ㄸ": "ㄷ", "ㄲ": "ㄱ", "ㅆ": "ㅅ", "ㅒ": "ㅐ", "ㅖ": "ㅔ"}
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = ["ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ",
           "ㅜㅓ", "ㅜㅔ", "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"]
FINALS = ["", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ",
          "ㄹㅌ", "ㄹㅍ", "ㄹㅎ", "ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]


def forbid_keyboard(monkeypatch):
    """Fail the test at once if it types the way no touchscreen resident can."""
    def refuse(name):
        def refused(*args, **kwargs):
            raise AssertionError(f"a touch-only test called {name}(): residents have no keyboard")
        return refused
    for owner, names in FORBIDDEN.items():
        for name in names:
            monkeypatch.setattr(owner, name, refuse(f"{owner.__name__}.{name}"))


def jamo_keys(text):
    """The 두벌식 keys that type `text`: 김민수 -> ㄱ ㅣ ㅁ ㅁ ㅣ ㄴ ㅅ ㅜ."""
    keys = []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            keys += [INITIALS[code // 588], *MEDIALS[code % 588 // 28], *FINALS[code % 28]]
        else:
            keys.append(char)
    return keys


# True when a tap on this element first only explains its control, and a second tap acts:
# read aloud with "Hear before choosing" on (controls that speak), or sign language without
# read aloud (controls that sign, except answers with no clip, which are chosen at once).
EXPLAINED_FIRST = """(el) => {
    const control = el.matches('a[href], button, input') ? el
        : el.closest('a[href], button, input') || (el.htmlFor && document.getElementById(el.htmlFor));
    if (!control) return false;
    const root = document.documentElement;
    if (root.hasAttribute('data-speech-volume'))
        return root.hasAttribute('data-speech-explore') && control.hasAttribute('data-speech');
    if (!control.hasAttribute('data-sign-key') || !document.querySelector('[data-signer]')) return false;
    if (control.matches('input[type="radio"], input[type="checkbox"]')) return control.hasAttribute('data-sign-clip');
    return true;
}"""


class Finger:
    """Taps the kiosk like a resident: `tap` for the screen, `type_*` for the keyboard."""

    def __init__(self, page, words):
        self.page = page
        self.words = words       # a key's name in the screen's language: words("Space")
        self.keyboard = page.locator("#touch-keyboard")
        self.taps = 0
        self.key_taps = 0
        self.scrolled_to = 0
        self.scrolled_names = []   # what had to be scrolled to, for the cost table's notes
        self.characters = 0

    # The screen.

    def _in_view(self, target):
        """True when `target` can be tapped where it is: in the viewport, not under a dock."""
        return self.page.evaluate("""(el) => {
            const box = el.getBoundingClientRect();
            const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return box.top >= 0 && box.bottom <= innerHeight && !!hit && (hit === el || el.contains(hit) || hit.contains(el));
        }""", target.element_handle())

    def tap(self, target, navigates=False):
        """Tap a locator once (scrolling to it first if a resident would have to)."""
        target = target.first if isinstance(target, Locator) else target
        if not self._in_view(target):
            self.scrolled_to += 1
            self.scrolled_names.append(target.evaluate(
                "(el) => (el.id || el.getAttribute('for') || el.tagName) + ' ' + el.textContent.trim().slice(0, 30)"))
        self.taps += 1
        if target.evaluate(EXPLAINED_FIRST):
            target.tap()
            self.taps += 1
        if navigates:
            with self.page.expect_navigation():
                target.tap()
        else:
            target.tap()

    def tap_button(self, name, navigates=True):
        self.tap(self.page.locator("main, .bottom-dock").get_by_role("button", name=name, exact=True),
                 navigates)

    def tap_link(self, name, navigates=True):
        self.tap(self.page.locator("main, .bottom-dock").get_by_role("link", name=name, exact=True),
                 navigates)

    # The on-screen keyboard.

    def key(self, name):
        """Tap one key of the on-screen keyboard by its accessible name (the tap waits for
        the key to be visible)."""
        self.key_taps += 1
        self.keyboard.get_by_role("button", name=name, exact=True).first.tap()

    def open(self, field_id):
        """Tap a field: the keyboard comes up with it in view."""
        field = self.page.locator(f"#{field_id}")
        self.tap(field)
        expect(self.keyboard).to_be_visible()
        if not field.evaluate("(el) => el === document.activeElement"):
            # Another field opened (on a busy CI machine a tap can land while the page is
            # still settling): the resident sees it and taps the right one again.
            self.tap(field)
        expect(field).to_be_focused()

    def layout(self, name):
        """Switch the keyboard's layout with its switch key (named e.g. "ABC – English letters")."""
        self.key_taps += 1
        self.keyboard.get_by_role("button", name=name).first.tap()

    def type_keys(self, text):
        """Type characters that have keys of their own; capitals with Shift."""
        for char in text:
            if char.isupper() and char.isascii() and self._has_key(self.words("Shift")):
                self.key(self.words("Shift"))
                self.key(char)
            elif char == " ":
                self.key(self.words("Space"))
            else:
                self.key(char)
            self.characters += 1

    def _has_key(self, name):
        return self.keyboard.get_by_role("button", name=name).count() > 0

    def type_hangul(self, text):
        """Type Korean by its jamo; the keyboard composes the syllables."""
        for jamo in jamo_keys(text):
            if jamo in SHIFTED:
                self.key(self.words("Shift"))
                self.key(jamo)
            elif jamo == " ":
                self.key(self.words("Space"))
            else:
                self.key(jamo)
        self.characters += len(text)

    def type_pinyin(self, letters, wanted):
        """Tap pinyin letters, then the candidate `wanted` (turning pages if it is not on the first)."""
        for letter in letters:
            self.key(letter)
        self.choose(wanted)
        self.characters += len(wanted)

    def choose(self, wanted, pages=6):
        bar = self.page.locator("[data-keyboard-candidates]")
        for _ in range(pages):
            expect(bar).not_to_have_attribute("aria-busy", "true")   # as a resident waits
            candidate = bar.get_by_role("button", name=wanted, exact=True)
            try:
                expect(candidate.first).to_be_visible(timeout=3000)
            except AssertionError:
                more = bar.get_by_role("button", name=self.words("More choices"), exact=True)
                if more.is_disabled():
                    break
                self.key_taps += 1
                more.tap()
                continue
            self.key_taps += 1
            candidate.first.tap()
            return
        raise AssertionError(f"{wanted!r} is not among the candidates")

    def write(self, character):
        """Write one character on the handwriting pad, stroke by stroke from Make Me a
        Hanzi's stroke medians, then choose it among the guesses.

        The strokes are drawn as pointer drags (the pad listens to pointer events, the same
        for a finger and a stylus); Playwright's touchscreen can only tap, and touches sent
        straight through the DevTools protocol left Chromium swallowing the next tap."""
        medians = json.loads(SAMPLES.read_text(encoding="utf-8"))["characters"][character]
        pad = self.page.locator("[data-handwriting-pad]")
        box = pad.bounding_box()
        scale = min(box["width"], box["height"]) / 1024
        pointer = self.page.mouse
        for stroke in medians:
            points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in stroke]
            pointer.move(*points[0])
            pointer.down()
            for point in points[1:]:
                pointer.move(*point, steps=2)
            pointer.up()
            self.taps += 1
        self.choose(character, pages=1)
        self.characters += 1


def watch_then_choose(page, role, name):
    """With sign mode on, a first tap shows a control's clip and a second chooses it; a
    control that acts at once (the language buttons) is tapped once, as a resident would."""
    target = page.get_by_role(role, name=name, exact=True)
    if target.evaluate(EXPLAINED_FIRST):
        target.tap()
    with page.expect_navigation():
        target.tap()
