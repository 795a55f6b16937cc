"""Each screen's server time as a ratio to a bare Flask route, over HTTP, in the same run.

    .venv/bin/python bench/screen_ratios.py [SINGLE_RUNS] [CONCURRENT_RUNS]

A subprocess serves two apps with waitress (8 threads each, as `python -m kiosk.serve`):
the kiosk on the shipped catalogue and a temporary database (a clerk and 60 applications
in its back office), and a bare Flask app whose one route renders a page of N bytes with
render_template: a one-line template filled with one value. What it measures is what no
screen can avoid (waitress, Flask's dispatch, rendering a template, sending the same
number of bytes), so the ratio is the kiosk's own work on top of that floor. A second bare
route writes as many values as the screen does from one flat loop (the `flat×` column).

It times every resident screen (in Chinese; the menu, builder and a form section in English
and Korean too), the clerks' inbox and an application's detail, and, first, parts that are
not screens (screen_pages.split_routes): the kiosk's work for a request with no page, the
frame around an empty screen, and the kiosk writing as many values as the two largest
screens do from one flat loop. Each client has its own session over keep-alive connections.
It times SINGLE_RUNS requests from one client, alternating with the bare routes of the same
size, then 20 clients at once (CONCURRENT_RUNS requests each, the screen's and the bare
routes' phases alternating). It prints the median and 95th percentile in ms and their
ratios to the bare route's in the same run, and names the screens above 3×.
"""
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from journeys import at_eligibility, signed_in_clerk, to_check

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 20
GOAL = 3    # each screen within 3× the bare route (issue #17)
PARTS = ("no page", "frame", "kiosk flat")    # not screens (screen_pages.split_routes)


# The server side (run in a subprocess, so the clients' threads do not share its GIL).

def serve(folder):
    """Serve the kiosk and the bare app with waitress; print their ports and a reference."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import logging

    from flask import Flask, render_template
    from jinja2 import DictLoader
    from waitress import create_server

    from screen_pages import kiosk_app

    app = kiosk_app(folder)     # the shipped catalogue, a clerk and 60 applications

    bare = Flask("bare")
    bare.jinja_loader = DictLoader({
        # One template with one value: what rendering any page costs at the least.
        "bare.html": "<!doctype html><title>bare</title>{{ filler }}",
        # A screen's values written from one flat loop: what writing them costs at the least.
        "flat.html": "<!doctype html><title>bare</title>"
                     "{% for value in values %}{{ value }}{% endfor %}{{ filler }}"})

    def filler(size):
        return "x" * max(0, size - len("<!doctype html><title>bare</title>"))

    @bare.get("/page/<int:size>")
    def page(size):
        return render_template("bare.html", filler=filler(size))

    @bare.get("/flat/<int:count>/<int:size>")
    def flat(count, size):
        return render_template("flat.html", values=["value"] * count,
                               filler=filler(size - len("value") * count))

    # 20 clients on 8 threads queue by design: waitress's warning for each would bury the table.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    servers = [create_server(each, host="127.0.0.1", port=0, threads=8) for each in (app, bare)]
    for server in servers:
        threading.Thread(target=server.run, daemon=True).start()
    print(json.dumps({"kiosk": servers[0].effective_port, "bare": servers[1].effective_port,
                      "reference": app.last_reference}), flush=True)
    sys.stdin.read()        # until the bench closes our stdin


# The client side.

class Browser:
    """One keep-alive connection with one session cookie, as one kiosk's browser."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie = None
        self.token = None

    def request(self, method, path, data=None):
        headers = {"Cookie": f"kiosk_session={self.cookie}"} if self.cookie else {}
        body = None
        if data is not None:
            body = urlencode({"csrf_token": self.token, **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        page = response.read()
        cookie = response.getheader("Set-Cookie") or ""
        if cookie.startswith("kiosk_session="):
            self.cookie = cookie.split(";")[0].split("=", 1)[1] or None
        found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        if found:
            self.token = found.group(1).decode()
        return response.status, response.getheader("Location"), page

    def get(self, path):
        status, _location, page = self.request("GET", path)
        assert status == 200, (path, status)
        return page

    def post(self, path, **data):
        status, location, _page = self.request("POST", path, data)
        assert status in (302, 303), (path, status)
        return location

    def location(self, path):
        return self.request("GET", path)[1]


def screens(kiosk_port, reference, language, values, sizes):
    """[(name, browser, path)] for every screen, each client's own sessions, after the parts
    every screen has (screen_pages.split_routes): the kiosk's request with no page, the frame,
    and the kiosk writing as many values as *Add another service* and the inbox do from one
    flat loop (the least those two screens could cost, rendered by Jinja in this kiosk)."""
    resident = to_check(Browser(kiosk_port), language)
    eligible = at_eligibility(Browser(kiosk_port), language)
    flat = [(f"kiosk flat {values[name]}", resident, f"/bench/flat/{values[name]}/{sizes[name]}")
            for name in ("add service (zh)", "inbox (zh)")]
    return [("no page", resident, "/bench/no-page"), ("frame", resident, "/bench/frame"),
            *flat, ("home", resident, "/"), ("menu", resident, "/packages"),
            ("builder", resident, "/builder"), ("add service", resident, "/builder/add"),
            ("eligibility", eligible, "/eligibility"),
            ("form section", resident, resident.first_section),
            ("check", resident, "/check"), ("done", resident, "/done")]


def clerk_screens(kiosk_port, reference):
    clerk = signed_in_clerk(Browser(kiosk_port))
    return [("inbox", clerk, "/backoffice"), ("detail", clerk, f"/backoffice/{reference}")]


def submitted(browser):
    """The resident's session after submitting: what /done shows."""
    browser.get("/check")
    browser.post("/submit")


def timed(browser, path):
    started = time.perf_counter()
    browser.get(path)
    return (time.perf_counter() - started) * 1000


def percentile(values, share):
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


class Results:
    def __init__(self):
        self.rows = []

    def add(self, label, clients, screen, bare, flat, values):
        self.rows.append((label, clients, statistics.median(screen), percentile(screen, 0.95),
                          statistics.median(bare), percentile(bare, 0.95),
                          statistics.median(flat), percentile(flat, 0.95), values))

    def print(self):
        """The table, and which screens are above the goal: 3× the bare route's median
        with one client, 3× its p95 with 20. `flat×` is the same ratio for the screen's
        values written from one flat loop on the bare app (the goal's counterpart for a
        page that writes as much as the screen but does nothing else)."""
        print(f"{'screen':<22}{'clients':>8}{'p50':>8}{'p95':>8}{'bare50':>8}{'bare95':>8}"
              f"{'×p50':>7}{'×p95':>7}{'values':>7}{'flat×':>7}")
        over = []
        for label, clients, p50, p95, bare50, bare95, flat50, flat95, values in self.rows:
            flat_ratio = flat50 / bare50 if clients == 1 else flat95 / bare95
            print(f"{label:<22}{clients:>8}{p50:>8.2f}{p95:>8.2f}{bare50:>8.2f}{bare95:>8.2f}"
                  f"{p50 / bare50:>7.2f}{p95 / bare95:>7.2f}{values:>7}{flat_ratio:>7.2f}")
            ratio = p50 / bare50 if clients == 1 else p95 / bare95
            if ratio > GOAL and not label.startswith(PARTS):
                over.append(f"{label} ({clients}: {ratio:.1f}×)")
        print(f"above {GOAL}×: {', '.join(over) if over else 'none'}")


def single_client(results, label, browser, path, bare, runs, values):
    size = len(browser.get(path))
    browser.get(path)
    bare_paths = (f"/page/{size}", f"/flat/{values}/{size}")
    for bare_path in bare_paths:
        bare.get(bare_path)
    screen_times, bare_times, flat_times = [], [], []
    for _ in range(runs):      # alternating, so a busy moment on the machine hits all three
        screen_times.append(timed(browser, path))
        bare_times.append(timed(bare, bare_paths[0]))
        flat_times.append(timed(bare, bare_paths[1]))
    results.add(label, 1, screen_times, bare_times, flat_times, values)


def concurrent(results, label, clients, bare_port, runs, values):
    """`clients`: [(browser, path)], one a thread; phases of the screen, the bare route and
    the flat one alternate, all threads starting each phase together."""
    size = len(clients[0][0].get(clients[0][1]))
    bare_paths = (f"/page/{size}", f"/flat/{values}/{size}")
    barrier = threading.Barrier(len(clients))
    screen_times, bare_times, flat_times = [], [], []

    def run(browser, path):
        bare = Browser(bare_port)
        for bare_path in bare_paths:
            bare.get(bare_path)
        for half in (runs // 2, runs - runs // 2):
            barrier.wait()
            mine = [timed(browser, path) for _ in range(half)]
            barrier.wait()
            theirs = [timed(bare, bare_paths[0]) for _ in range(half)]
            barrier.wait()
            flat = [timed(bare, bare_paths[1]) for _ in range(half)]
            screen_times.extend(mine)      # list.extend is atomic under the GIL
            bare_times.extend(theirs)
            flat_times.extend(flat)

    threads = [threading.Thread(target=run, args=client) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.add(label, len(clients), screen_times, bare_times, flat_times, values)


def in_parallel(make, count):
    """`make()` in `count` threads at once (each client's own sessions); their results."""
    made = [None] * count

    def one(index):
        made[index] = make()
    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return made


def main(single_runs=100, concurrent_runs=20):
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([sys.executable, __file__, "--serve", folder], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            started = json.loads(server.stdout.readline())
            measure(started["kiosk"], started["bare"], started["reference"],
                    single_runs, concurrent_runs)
        finally:
            server.stdin.close()
            server.wait(timeout=30)


def values_written():
    """({"screen (language)": values one render writes out}, {…: its size in bytes}),
    counted by screen_pages.py in a process of its own (counting slows every page after it)."""
    counted = subprocess.run([sys.executable, str(ROOT / "bench" / "screen_pages.py"), "values"],
                             cwd=ROOT, capture_output=True, text=True, check=True)
    both = json.loads(counted.stdout.splitlines()[-1])
    values = {label: count for label, (count, _size) in both.items()}
    sizes = {label: size for label, (_count, size) in both.items()}
    flat = {f"kiosk flat {values[name]} ({language})": values[name]
            for name in ("add service (zh)", "inbox (zh)") for language in ("zh", "en", "ko")}
    return ({**values, **flat, "inbox": values["inbox (zh)"], "detail": values["detail (zh)"]},
            sizes)


def measure(kiosk_port, bare_port, reference, single_runs, concurrent_runs):
    results = Results()
    bare = Browser(bare_port)
    values, sizes = values_written()
    for language in ("zh", "en", "ko"):
        chosen = screens(kiosk_port, reference, language, values, sizes)
        if language != "zh":
            chosen = [row for row in chosen if row[0] in ("menu", "builder", "form section")]
        for name, browser, path in chosen:
            if name == "done":
                submitted(browser)
            label = f"{name} ({language})"
            single_client(results, label, browser, path, bare, single_runs, values[label])
    for name, browser, path in clerk_screens(kiosk_port, reference):
        single_client(results, name, browser, path, bare, single_runs, values[name])

    residents = in_parallel(lambda: screens(kiosk_port, reference, "zh", values, sizes),
                            CLIENTS)
    for index, (name, _browser, _path) in enumerate(residents[0]):
        if name == "done":
            in_parallel_each([each[index][1] for each in residents], submitted)
        label = f"{name} (zh)"
        concurrent(results, label, [each[index][1:] for each in residents],
                   bare_port, concurrent_runs, values[label])
    clerks = in_parallel(lambda: clerk_screens(kiosk_port, reference), CLIENTS)
    for index, (name, _browser, _path) in enumerate(clerks[0]):
        concurrent(results, name, [each[index][1:] for each in clerks], bare_port,
                   concurrent_runs, values[name])
    print(f"server time in ms over HTTP (waitress, keep-alive); × = screen / bare route "
          f"of the same size in the same run; 1 client: {single_runs} requests each, "
          f"{CLIENTS} clients: {concurrent_runs} requests each")
    results.print()


def in_parallel_each(browsers, action):
    threads = [threading.Thread(target=action, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    else:
        main(*(int(arg) for arg in sys.argv[1:3]))
