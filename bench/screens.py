"""How long the kiosk's server takes for each screen of a resident's journey.

Runs whole journeys (open a shop: menu, builder, the form's sections, check, submit,
confirmation)
through the WSGI app on a temporary SQLite database, and prints the median, 95th
percentile and slowest time per step, plus start-up and catalogue load times.

    .venv/bin/python bench/screens.py [JOURNEYS]
"""
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from kiosk import create_app
from kiosk.catalogue import load_catalogue

from journeys import ANSWERS  # noqa: E402  (bench/ is on sys.path when run)


def journey(client, timings):
    def timed(step, method, url, data=None):
        started = time.perf_counter()
        response = getattr(client, method)(url, data=data)
        timings[step].append((time.perf_counter() - started) * 1000)
        return response

    page = timed("home", "get", "/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    timed("menu", "get", "/packages")
    timed("choose package", "post", "/packages", {"csrf_token": token, "package": "open_shop"})
    timed("builder", "get", "/builder")
    timed("add service page", "get", "/builder/add")
    timed("drop a service", "post", "/builder",
          {"csrf_token": token, "item": "outdoor_signboard", "include": "no"})
    location = timed("form", "get", "/form").location
    while location.startswith("/form/"):   # one section of the one form per screen
        timed("form section", "get", location)
        response = timed("post section", "post", location, {"csrf_token": token, **ANSWERS})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        location = response.location
    assert location == "/check", location
    timed("check", "get", "/check")
    timed("submit", "post", "/submit", {"csrf_token": token})
    page = timed("confirmation", "get", "/done")
    # Submitting wiped the session, and with it the old anti-forgery token.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = timed("finish", "post", "/start-over", {"csrf_token": token})
    assert response.status_code == 302, response.status_code


def main(journeys=200):
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        app = create_app({"KIOSK_OVERRIDES": {"database.path": str(Path(folder) / "kiosk.db")}})
        startup_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        load_catalogue(app.extensions["kiosk"].settings.catalogue_path)
        catalogue_ms = (time.perf_counter() - started) * 1000
        timings = defaultdict(list)
        client = app.test_client()
        journey(client, defaultdict(list))  # warm the template cache
        for _ in range(journeys):
            journey(client, timings)

    print(f"app start-up: {startup_ms:.0f} ms; catalogue load and check: {catalogue_ms:.1f} ms")
    print(f"{journeys} journeys (open a shop), server time per step in ms:")
    print(f"{'step':<18}{'median':>8}{'p95':>8}{'max':>8}")
    total = 0.0
    for step, values in timings.items():
        values.sort()
        median = statistics.median(values)
        total += median
        print(f"{step:<18}{median:>8.1f}{values[int(len(values) * 0.95) - 1]:>8.1f}{values[-1]:>8.1f}")
    print(f"{'whole journey':<18}{total:>8.1f}  (the form's sections counted once each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
