"""Real-browser fixtures: the kiosk served on loopback, Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright drives /usr/bin/chromium (installed by `make test`).
Screenshots go to test-artifacts/screens/, for people to look at.
"""
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from kiosk import create_app
from layout import LANDSCAPE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from calling out to the internet (this kiosk is offline).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic",
                 # A kiosk speaks each screen's prompt on arrival, as its operator's launch does.
                 "--autoplay-policy=no-user-gesture-required"]


def serve_kiosk(folder, **overrides):
    """The kiosk with its shipped catalogue on a fresh database in `folder`, served on a
    loopback port; `overrides` are kiosk.ini "section.key" values. Returns (app, url, server)."""
    # A copy of the clip library: the studio tests record into it.
    shutil.copytree(ROOT / "signlang_videos", folder / "signs")
    app = create_app({"KIOSK_OVERRIDES": {"database.path": str(folder / "kiosk.db"),
                                          "signs.library_dir": str(folder / "signs"),
                                          "server.secret_key": "browser-tests",
                                          "speech.cache_dir": str(folder / "speech-cache"),
                                          "speech.warm_at_start": "no",
                                          "voice.load_at_start": "no", **overrides}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, f"http://127.0.0.1:{server.server_port}", server


@pytest.fixture(scope="session")
def kiosk_server(tmp_path_factory):
    """The kiosk with its shipped catalogue, on a fresh database, at a loopback URL."""
    app, url, server = serve_kiosk(tmp_path_factory.mktemp("kiosk"))
    app.extensions["kiosk"].input_methods["pinyin"].dictionary()   # as make_run loads it at start
    yield app, url
    server.shutdown()


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the whole run (two cannot live in one process)."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def camera_browser(playwright):
    """Chromium with a fake camera that is allowed without asking (the studio's tests)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    yield browser
    browser.close()


@pytest.fixture
def kiosk_page(browser, kiosk_server):
    """A fresh touchscreen tab (its own cookies) at the kiosk's home screen."""
    app, base_url = kiosk_server
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=base_url)
    page = context.new_page()
    outside = []
    own = (base_url, f"blob:{base_url}", "data:")  # read-backs play from a blob: URL
    page.on("request", lambda request: None if request.url.startswith(own)
            else outside.append(request.url))
    page.outside_requests = outside
    page.goto("/")
    yield page
    context.close()
    assert not outside, f"the kiosk fetched from outside: {outside}"


@pytest.fixture(scope="session")
def screenshots():
    """save(page, language, name): a full-page PNG under test-artifacts/screens/LANGUAGE/."""
    def save(page, language, name):
        folder = ARTIFACTS / "screens" / language
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        # A full-page shot resizes the viewport and back, and Chromium may then hit-test taps
        # at the old scroll offset while drawing the new one: scroll through the compositor
        # (a wheel, down and back), so where a test taps is where the page is.
        page.mouse.wheel(0, 1)
        page.mouse.wheel(0, -1)
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        return path
    return save


def pytest_terminal_summary(terminalreporter):
    """The cost of each touch-only journey, as a table (and in test-artifacts/)."""
    from test_touch_only import COSTS
    if not COSTS:
        return
    header = ("package", "lang", "orientation", "text", "screens", "taps", "key taps",
              "characters", "typed fields", "scrolled to")
    rows = [(c.package, c.language, c.orientation, c.text_size, c.screens, c.taps, c.key_taps,
             c.characters, c.typed_fields, c.scrolled_to) for c in COSTS]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(str(value).ljust(width) for value, width in zip(row, widths))
             for row in [header, *rows]]
    terminalreporter.write_sep("-", "touch-only journeys: what each resident spent")
    for line in lines:
        terminalreporter.write_line(line)
    notes = [f"{c.package} {c.language} {c.orientation} {c.text_size}: scrolled to "
             + "; ".join(c.scrolled_names) for c in COSTS if c.scrolled_names]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "touch-journeys.txt").write_text("\n".join(lines + [""] + notes) + "\n",
                                                  encoding="utf-8")
