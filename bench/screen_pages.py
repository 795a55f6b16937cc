"""Every resident and clerk screen rendered in-process: saved for a diff, or profiled.

    .venv/bin/python bench/screen_pages.py save FOLDER
        writes each screen's HTML in zh, en and ko to FOLDER, with what changes from run
        to run (anti-forgery tokens, references, times) masked, so the pages before and
        after a change can be compared with `diff -r`
    .venv/bin/python bench/screen_pages.py profile [SCREEN] [RENDERS]
        profiles RENDERS renders (default 200) of SCREEN (default builder) in Chinese and
        prints the costliest functions
    .venv/bin/python bench/screen_pages.py time [RENDERS]
        the median in-process time of RENDERS renders (default 100) of each screen in Chinese
    .venv/bin/python bench/screen_pages.py values
        how many values one render of each screen writes out, and its size in bytes, in
        zh, en and ko, as JSON
        (bench/screen_ratios.py gives its floor route the same number)
    .venv/bin/python bench/screen_pages.py calls
        the Python function calls one render of each screen makes, in Chinese: the same on
        every run and machine, so a change's effect shows where timings are noise
"""
import cProfile
import json
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from flask import render_template  # noqa: E402
from handoff_support import RECORD  # noqa: E402
from jinja2 import ChoiceLoader, DictLoader  # noqa: E402
from kiosk import create_app  # noqa: E402
from kiosk.handoff import payload  # noqa: E402
from journeys import PASSWORD, at_eligibility, shop_chosen, signed_in_clerk, to_check  # noqa: E402

LANGUAGES = ("zh", "en", "ko")
SCREENS = ("no page", "frame", "home", "menu", "builder", "add service", "eligibility",
           "form section", "check", "done", "inbox", "detail", "form, modes on")


def kiosk_app(folder):
    """The kiosk on the shipped catalogue, with a clerk and 60 received applications."""
    app = create_app({"KIOSK_OVERRIDES": {
        "database.path": str(Path(folder) / "kiosk.db"), "server.secret_key": "bench-secret",
        "speech.cache_dir": str(Path(folder) / "speech-cache"), "speech.warm_at_start": "no",
        "voice.load_at_start": "no", "voice.models_dir": str(Path(folder) / "voice-models")}})
    kiosk = app.extensions["kiosk"]
    kiosk.staff.add("clerk", PASSWORD, roles=["clerk"])
    for _ in range(60):     # more than the inbox's page of 50
        reference = kiosk.store.create_submission("K7", RECORD)
        kiosk.backoffice.receive(payload(kiosk.store.get_submission(reference), kiosk.catalogue))
    app.last_reference = reference
    split_routes(app)
    return app


def split_routes(app):
    """Routes, in the bench's kiosk only, that split a screen's cost into its parts:
    /bench/no-page is the kiosk's own work for any request (its session, the checks before
    each request, the headers after) with a page of fixed text; /bench/frame is the frame
    every screen shares (top bar, mode toggles, idle dialog, start-speech hint) around an
    empty screen, as the menu's frame would be; /bench/flat/N/SIZE is the kiosk's request with N
    values written from one flat loop (no frame, no context processors), filled out to SIZE
    bytes: the least a screen that writes N values in SIZE bytes can cost here."""
    app.jinja_loader = ChoiceLoader([DictLoader({
        "bench/frame.html": (
            '{% extends "base.html" %}{% set screen = "menu" %}'
            '{% block heading %}{{ _("What would you like to get done?") }}{% endblock %}'),
        "bench/flat.html": "<!doctype html>{% for value in values %}{{ value }}{% endfor %}"
                           "{{ filler }}"}),
        app.jinja_loader])
    text = "x" * 15000
    app.add_url_rule("/bench/no-page", "bench_no_page", lambda: text)
    app.add_url_rule("/bench/frame", "bench_frame", lambda: render_template("bench/frame.html"))
    flat = app.jinja_env.get_template("bench/flat.html")
    app.add_url_rule("/bench/flat/<int:count>/<int:size>", "bench_flat",
                     lambda count, size: flat.render(values=["value"] * count,
                                                     filler="x" * (size - 5 * count)))


class Resident:
    """A test client that keeps the page's anti-forgery token, as a browser's form would."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def get(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
        self.token = found.group(1) if found else self.token
        return response.get_data(as_text=True)

    def post(self, path, **data):
        response = self.client.post(path, data={"csrf_token": self.token, **data})
        assert response.status_code in (302, 303), (path, response.status_code)
        return response.location

    def location(self, path):
        return self.client.get(path).location


def screens(app, language):
    """{screen: (client, path)}, each set up as a resident or clerk would get there."""
    resident = to_check(Resident(app), language)
    eligible = at_eligibility(Resident(app), language)
    # Read aloud, sign language, voice and large text on: the frame's other branches.
    with_modes = shop_chosen(Resident(app), language, ("speech", "sign", "voice", "large_text"))
    with_modes.get("/builder")
    form_with_modes = with_modes.location("/form")
    clerk = signed_in_clerk(Resident(app))
    clerk.get("/backoffice")     # the signed-in session's own token
    clerk.post("/preferences", lang=language, next="/backoffice")
    return {"no page": (resident, "/bench/no-page"), "frame": (resident, "/bench/frame"),
            "home": (resident, "/"), "menu": (resident, "/packages"),
            "builder": (resident, "/builder"), "add service": (resident, "/builder/add"),
            "eligibility": (eligible, "/eligibility"),
            "form section": (resident, resident.first_section),
            "check": (resident, "/check"), "done": (resident, "/done"),
            "form, modes on": (with_modes, form_with_modes),
            "inbox": (clerk, "/backoffice"), "detail": (clerk, f"/backoffice/{app.last_reference}")}


def rendered(client, name, path):
    if name == "done":
        client.get("/check")
        client.post("/submit")
    return client.get(path)


MASKS = [(re.compile(pattern), replacement) for pattern, replacement in [
    (r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="TOKEN"'),
    (r'<meta name="csrf-token" content="[^"]+"', '<meta name="csrf-token" content="TOKEN"'),
    (r"[A-Z][A-Z0-9]-\d{6}-[A-Z0-9]{5}", "REFERENCE"),
    (r'<svg viewBox="[^"]*" class="segno">.*?</svg>', "QR"),
    (r"\b\d{1,2}:\d{2}(:\d{2})?\b", "HH:MM"),
    (r"\b20\d\d-\d\d-\d\d\b", "YYYY-MM-DD"),
]]


def masked(page):
    for pattern, replacement in MASKS:
        page = pattern.sub(replacement, page)
    return page


def save(folder):
    Path(folder).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        app = kiosk_app(data)
        for language in LANGUAGES:
            for name, (client, path) in screens(app, language).items():
                page = masked(rendered(client, name, path))
                Path(folder, f"{name.replace(' ', '_')}.{language}.html").write_text(page)


def profile(name="builder", renders=200):
    with tempfile.TemporaryDirectory() as data:
        app = kiosk_app(data)
        client, path = screens(app, "zh")[name]
        rendered(client, name, path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(renders):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        print(f"{renders} renders of {name} ({path}): "
              f"{stats.total_tt / renders * 1000:.2f} ms each under the profiler")
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)


def timings(renders=100):
    with tempfile.TemporaryDirectory() as data:
        app = kiosk_app(data)
        for name, (client, path) in screens(app, "zh").items():
            rendered(client, name, path)
            times = []
            for _ in range(renders):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:<14}{statistics.median(times):>7.2f} ms")


def values_written():
    """{"screen (language)": [values, bytes]}: how many values one render of each screen
    writes out, and the page's size.
    Jinja escapes each `{{ … }}` it writes (a Markup value too) with jinja2.runtime.escape,
    which templates bind when they are compiled: counting it must start before the first
    page, and slows every page after, so it runs in a process of its own."""
    import jinja2.runtime
    written = 0
    unescaped = jinja2.runtime.escape

    def counting(value):
        nonlocal written
        written += 1
        return unescaped(value)
    jinja2.runtime.escape = counting
    counts = {}
    with tempfile.TemporaryDirectory() as data:
        app = kiosk_app(data)
        for language in LANGUAGES:
            for name, (client, path) in screens(app, language).items():
                rendered(client, name, path)
                written = 0
                page = client.get(path)
                counts[f"{name} ({language})"] = [written, len(page.encode())]
    return counts


def calls(renders=20):
    with tempfile.TemporaryDirectory() as data:
        app = kiosk_app(data)
        for name, (client, path) in screens(app, "zh").items():
            rendered(client, name, path)
            client.get(path)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(renders):
                client.get(path)
            profiler.disable()
            print(f"{name:<14}{pstats.Stats(profiler).total_calls // renders:>8} calls")


if __name__ == "__main__":
    if sys.argv[1] == "save":
        save(sys.argv[2])
    elif sys.argv[1] == "values":
        print(json.dumps(values_written()))
    elif sys.argv[1] == "calls":
        calls()
    elif sys.argv[1] == "time":
        timings(*(int(arg) for arg in sys.argv[2:3]))
    else:
        profile(sys.argv[2] if len(sys.argv) > 2 else "builder",
                int(sys.argv[3]) if len(sys.argv) > 3 else 200)
