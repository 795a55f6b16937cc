"""What read aloud costs a resident in taps, one tap versus "Hear before choosing".

Walks every package (or the PACKAGES given) from the home screen to the receipt in
headless Debian Chromium, by taps alone, with large text and read aloud on, once in each
way, and prints screens and taps per package (key taps on the on-screen keyboard are the
same both ways, and shown once).

    .venv/bin/python bench/read_aloud_taps.py [LANGUAGE] [PACKAGE ...]     (default: zh, all)
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_ARGS, serve_kiosk  # noqa: E402
from journey import Visit  # noqa: E402
from layout import LANDSCAPE  # noqa: E402
from test_touch_only import PACKAGES  # noqa: E402


def walk(browser, base_url, app, language, package, explore):
    """One resident, one package, one way of using read aloud: the Visit's counts."""
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    visit = Visit(page, app, language)
    visit.finger.tap_button(visit.words("Read aloud"))
    if explore:
        visit.finger.tap(page.locator(".speech-bar").get_by_role(
            "button", name=visit.words("Hear before choosing"), exact=True), navigates=True)
    visit.reach_check(package, "large")
    visit.send()
    context.close()
    return visit.screens, visit.finger.taps, visit.finger.key_taps


def main(language="zh", *packages):
    packages = packages or PACKAGES
    with tempfile.TemporaryDirectory() as work:
        app, base_url, server = serve_kiosk(Path(work))
        print(f"read aloud with large text, {language}: screens and taps from home to receipt")
        print(f"{'package':22} {'one tap':>14} {'hear first':>14} {'extra taps':>10} {'key taps':>9}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for package in packages:
                screens, taps, keys = walk(browser, base_url, app, language, package, False)
                screens_x, taps_x, _ = walk(browser, base_url, app, language, package, True)
                print(f"{package:22} {f'{screens} / {taps}':>14} {f'{screens_x} / {taps_x}':>14} "
                      f"{taps_x - taps:>10} {keys:>9}", flush=True)
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
