"""How fast the on-screen keyboard answers a tap, measured in Chromium.

Serves the kiosk on loopback (waitress, a temporary database), opens the one form in
headless Chromium with a touchscreen, and taps keys the way a resident does (Playwright's
touch taps). For each tap it measures, inside the page, the time from the tap's
pointerdown to the next painted frame after the field (or the candidate bar) changed:

- a letter, a digit and a Hangul jamo typed into the field (composed into syllables);
- a pinyin letter to its candidates shown (a round trip to the kiosk's dictionary).

    .venv/bin/python bench/keyboard.py [TAPS]
"""
import re
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress.server import create_server

from kiosk import create_app

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Start a clock at each tap; stop it at the first frame painted after the field or the
# candidate bar changed.
TIMER = """() => {
  window.tapTimes = [];
  let started = null;
  document.addEventListener('pointerdown', (event) => { started = event.timeStamp; }, true);
  const stop = () => {
    if (started === null) return;
    const from = started; started = null;
    requestAnimationFrame(() => window.tapTimes.push(performance.now() - from));
  };
  document.addEventListener('input', stop, true);
  new MutationObserver(() => { if (document.querySelector('.touch-key--candidate')) stop(); })
    .observe(document.querySelector('[data-keyboard-candidates]'), {childList: true, subtree: true});
}"""


def serve(app):
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}"


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))]


def start_form(page, language):
    page.goto("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.content()).group(1)
    page.request.post("/preferences", form={"csrf_token": token, "lang": language, "next": "/"})
    page.request.post("/packages", form={"csrf_token": token, "package": "social_security_card"})
    page.goto("/form/applicant")
    page.evaluate(TIMER)
    page.locator("#applicant_name").tap()
    page.locator("#touch-keyboard").wait_for(state="visible")


def tap_keys(page, names, taps):
    keyboard = page.locator("#touch-keyboard")
    for index in range(taps):
        before = page.evaluate("window.tapTimes.length")
        keyboard.get_by_role("button", name=names[index % len(names)], exact=True).tap()
        page.wait_for_function("(count) => window.tapTimes.length > count", arg=before)
        if index % 20 == 19:   # the field holds 50 characters: start again (not timed)
            page.evaluate("document.getElementById('applicant_name').value = ''")
    times = page.evaluate("window.tapTimes")
    page.evaluate("window.tapTimes = []")
    return times


def pinyin_taps(page, taps):
    """Tap l, i, then Delete twice, over and over: each letter brings new candidates."""
    keyboard = page.locator("#touch-keyboard")
    times = []
    for _ in range(taps // 2):
        for letter in ("l", "i"):
            page.evaluate("window.tapTimes = []")
            keyboard.get_by_role("button", name=letter, exact=True).tap()
            page.wait_for_function("() => window.tapTimes.length > 0")
            times.append(page.evaluate("window.tapTimes[0]"))
            page.wait_for_timeout(30)   # the candidate bar settles before the next letter
        for _ in range(2):
            keyboard.locator("[data-action=delete]").tap()
        page.wait_for_timeout(30)
    return times


def main(taps=200):
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"KIOSK_OVERRIDES": {"database.path": str(Path(folder) / "kiosk.db"),
                                              "speech.warm_at_start": "no",
                                              "voice.load_at_start": "no"}})
        app.extensions["kiosk"].input_methods["pinyin"].dictionary()
        base = serve(app)
        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            for language, label, keys in [("en", "letter (QWERTY)", list("asdfghjkl")),
                                          ("en", "digit", list("1234567890")),
                                          ("ko", "Hangul jamo (composing)", ["ㄱ", "ㅣ", "ㅁ"])]:
                page = browser.new_page(has_touch=True, base_url=base)
                start_form(page, language)
                results[label] = tap_keys(page, keys, taps)
                page.close()
            page = browser.new_page(has_touch=True, base_url=base)
            start_form(page, "zh")
            results["pinyin letter to candidates"] = pinyin_taps(page, taps)
            page.close()
            browser.close()
    print(f"Key tap to what it typed shown (Chromium, next painted frame), {taps} taps each, ms:")
    print(f"{'tap':<30}{'median':>8}{'p95':>8}{'max':>8}")
    for label, times in results.items():
        print(f"{label:<30}{statistics.median(times):>8.1f}{percentile(times, 0.95):>8.1f}"
              f"{max(times):>8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
