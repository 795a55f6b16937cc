#!/usr/bin/env python3
"""Write a screenshot gallery: every screen × language × main mode, landscape and portrait.

    .venv/bin/python scripts/screenshot-gallery.py [FOLDER]     (default test-artifacts/gallery)

Runs the kiosk on a temporary database, drives Debian's Chromium through a whole journey
for each combination, and writes the PNGs and an index.html to look through.
"""
import html
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from kiosk import create_app  # noqa: E402
from layout import LANDSCAPE, PORTRAIT  # noqa: E402
from walk import walk  # noqa: E402

LANGUAGES = ["zh", "en", "ko"]
MODES = {"default": [], "large-text": ["large_text"], "high-contrast": ["high_contrast"],
         "wheelchair": ["wheelchair"], "sign-language": ["sign"], "zoom": ["zoom"]}
ORIENTATIONS = {"landscape": LANDSCAPE, "portrait": PORTRAIT}


def main(folder):
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(ROOT / "signlang_videos", Path(work) / "signs")
        app = create_app({"KIOSK_OVERRIDES": {
            "database.path": f"{work}/kiosk.db", "signs.library_dir": f"{work}/signs",
            "speech.cache_dir": f"{work}/speech", "speech.warm_at_start": "no",
            "voice.load_at_start": "no"}})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for language in LANGUAGES:
                for mode, toggles in MODES.items():
                    for orientation, viewport in ORIENTATIONS.items():
                        context = browser.new_context(
                            base_url=f"http://127.0.0.1:{server.server_port}", viewport=viewport,
                            has_touch=True)
                        page = context.new_page()

                        def shoot(name):
                            slug = re.sub(r"[^a-z]+", "-", name).strip("-")
                            file = f"{language}-{mode}-{orientation}-{slug}.png"
                            # The keyboard is docked to the screen: show the screen as seen.
                            page.screenshot(path=str(folder / file),
                                            full_page="keyboard" not in name and "keypad" not in name)
                            rows.append((language, mode, orientation, name, file))

                        walk(page, app, language, toggles, shoot)
                        context.close()
                        print(f"{language} {mode} {orientation}", flush=True)
            browser.close()
        server.shutdown()
    write_index(folder, rows)
    print(f"{len(rows)} screenshots in {folder}/index.html")


def write_index(folder, rows):
    parts = ["<!doctype html><html lang='en'><meta charset='utf-8'><title>Kiosk screens</title>",
             "<style>body{font-family:sans-serif} figure{display:inline-block;margin:8px;"
             "vertical-align:top} img{width:240px;border:1px solid #999}</style>",
             "<h1>Kiosk screens</h1>"]
    current = None
    for language, mode, orientation, name, file in rows:
        if (language, mode, orientation) != current:
            current = (language, mode, orientation)
            parts.append(f"<h2>{language} · {mode} · {orientation}</h2>")
        parts.append(f"<figure><a href='{html.escape(file)}'><img src='{html.escape(file)}' "
                     f"alt='{html.escape(name)}'></a><figcaption>{html.escape(name)}</figcaption>"
                     "</figure>")
    (folder / "index.html").write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ROOT / "test-artifacts" / "gallery")
