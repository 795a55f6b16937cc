"""A district: three kiosk processes, each with its own key and database, hand off to one
central back office on PostgreSQL, served by gunicorn with several worker processes, over
HTTP. The centre goes down and comes back, one kiosk is revoked, another has its key
rotated with submissions queued; every shown reference arrives exactly once, from the
kiosk that made it, and nothing is taken from a revoked kiosk. Then, with three kiosks
serving: a catalogue published while a resident is mid-journey (they finish on the old
one, the next resident gets the new one), and a clip recorded in one kiosk's studio
reaching the other two."""
import configparser
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import text

from kiosk.backoffice.database import Database
from kiosk.backoffice.kiosk_register import KioskRegister
from support import MINI_CATALOGUE, TESTS

ROOT = TESTS.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
KIOSKS = ("K3", "K4", "K5")
QUIET = {"speech.enabled": "no", "voice.enabled": "no", "speech.warm_at_start": "no",
         "voice.load_at_start": "no", "catalogue.path": str(MINI_CATALOGUE)}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_ini(path, overrides):
    """The shipped kiosk.ini with `overrides` ("section.key": value), written to `path`."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "kiosk.ini", encoding="utf-8")
    for dotted, value in overrides.items():
        section, key = dotted.rsplit(".", 1)
        if not parser.has_section(section):
            parser.add_section(section)
        parser.set(section, key, value)
    with path.open("w", encoding="utf-8") as file:
        parser.write(file)
    return path


def central_ini(folder, database_url, port):
    """The centre's kiosk.ini: the shipped one with the central role and PostgreSQL."""
    return write_ini(folder / "central.ini", {
        **QUIET, "server.role": "backoffice", "server.port": str(port),
        "server.secret_key": "district test", "database.path": str(folder / "central.db"),
        "backoffice.database": database_url, "kiosk.id": "CB"})


class Centre:
    """The central back office under gunicorn, started and stopped as an operator would."""

    def __init__(self, ini, port):
        self.ini, self.port, self.process = ini, port, None
        self.url = f"http://127.0.0.1:{port}"

    def start(self):
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "kiosk:create_app()"],
            cwd=ROOT, env={**os.environ, "KIOSK_CONFIG": str(self.ini)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/staff/sign-in", timeout=2) as page:
                    if page.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"the centre did not start: {self.stop()[-3000:]}")

    def stop(self):
        self.process.terminate()
        output, _ = self.process.communicate(timeout=30)
        return output


def kiosk(folder, kiosk_id, key, centre, action, count=0):
    """Run one kiosk process (tests/district_kiosk.py); its printed lines."""
    overrides = {**QUIET, "kiosk.id": kiosk_id, "database.path": str(folder / f"{kiosk_id}.db"),
                 "server.secret_key": "district test", "handoff.target": "http",
                 "handoff.http.url": f"{centre.url}/backoffice/api/submissions",
                 "handoff.http.timeout_seconds": "3", "handoff.secret": key}
    result = subprocess.run([sys.executable, str(TESTS / "district_kiosk.py"),
                             json.dumps(overrides), action, str(count)],
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


def queue(folder, kiosk_id, key, centre, count):
    return [line.split()[1] for line in kiosk(folder, kiosk_id, key, centre, "queue", count)
            if line.startswith("shown ")]


def deliver(folder, kiosk_id, key, centre, hours_later=1):
    return json.loads(kiosk(folder, kiosk_id, key, centre, "deliver", hours_later)[-1])


@pytest.fixture
def district(tmp_path, postgres_url):
    database = Database(postgres_url)
    database.upgrade()
    register = KioskRegister(database)
    keys = {kiosk_id: register.add(kiosk_id, f"Community centre {kiosk_id}")
            for kiosk_id in KIOSKS}
    port = free_port()
    centre = Centre(central_ini(tmp_path, postgres_url, port), port)
    yield tmp_path, database, register, keys, centre
    if centre.process and centre.process.poll() is None:
        centre.stop()
    database.dispose()


def inbox(database):
    return database.rows(text("select reference, kiosk_id from inbox order by reference"))


def test_three_kiosks_one_centre_outage_revocation_and_rotation(district):
    folder, database, register, keys, centre = district

    # The centre is down: every kiosk keeps working, and its residents' references wait.
    shown = {kiosk_id: queue(folder, kiosk_id, keys[kiosk_id], centre, 4)
             for kiosk_id in KIOSKS}
    status = deliver(folder, "K3", keys["K3"], centre, hours_later=0)
    assert (status["pending"], status["delivered"], status["dead"]) == (4, 0, 0)

    # The centre comes back: K3 and K4 deliver everything.
    centre.start()
    for kiosk_id in ("K3", "K4"):
        status = deliver(folder, kiosk_id, keys[kiosk_id], centre)
        assert (status["pending"], status["delivered"], status["dead"]) == (0, 4, 0)

    # K5 is revoked (stolen, say) before it delivers: nothing of it is taken.
    register.revoke("K5")
    status = deliver(folder, "K5", keys["K5"], centre)
    assert (status["delivered"], status["dead"]) == (0, 4)

    # K4's key is rotated while it has submissions queued: the old key still delivers
    # them; once the kiosk has the new key, the old one is refused.
    new_key = register.rotate("K4")
    shown["K4"] += queue(folder, "K4", keys["K4"], centre, 2)
    assert deliver(folder, "K4", keys["K4"], centre)["delivered"] == 6
    shown["K4"] += queue(folder, "K4", new_key, centre, 2)
    assert deliver(folder, "K4", new_key, centre)["delivered"] == 8
    shown["K4"] += queue(folder, "K4", keys["K4"], centre, 1)
    status = deliver(folder, "K4", keys["K4"], centre)          # the old key again
    assert (status["delivered"], status["dead"]) == (8, 1)

    # K3, still on its first key, posting in K4's name is refused too.
    stolen = queue(folder, "K4", keys["K3"], centre, 1)
    kiosk_log = centre.stop()

    received = inbox(database)
    expected = sorted((reference, kiosk_id) for kiosk_id in ("K3", "K4")
                      for reference in shown[kiosk_id][:8])
    assert [(row["reference"], row["kiosk_id"]) for row in received] == expected
    assert not set(shown["K5"] + stolen) & {row["reference"] for row in received}
    assert "from kiosk 'K5'" in kiosk_log and "refused" in kiosk_log


# Three kiosks serving residents, one catalogue and one clip library.

class KioskProcess:
    """A kiosk as `make run` serves it (waitress and its background work), handing off to
    and pulling from `centre` every 10 seconds (the shortest pull_seconds allowed)."""

    def __init__(self, folder, kiosk_id, key, centre):
        self.folder = folder / kiosk_id
        self.folder.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.overrides = {
            **QUIET, "kiosk.id": kiosk_id, "server.port": str(self.port),
            "server.secret_key": f"district test {kiosk_id}",
            "database.path": str(self.folder / "kiosk.db"),
            "signs.library_dir": str(self.folder / "signs"),
            "handoff.target": "http", "handoff.secret": key,
            "handoff.http.url": f"{centre.url}/backoffice/api/submissions",
            "handoff.http.timeout_seconds": "5", "handoff.pull_seconds": "10",
            "handoff.heartbeat_seconds": "5"}
        self.ini = write_ini(self.folder / "kiosk.ini", self.overrides)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk.serve"], cwd=ROOT,
            env={**os.environ, "KIOSK_CONFIG": str(self.ini)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: self._answers(), f"kiosk at {self.url} to start")

    def _answers(self):
        try:
            with urllib.request.urlopen(f"{self.url}/status", timeout=2) as page:
                return page.status == 200
        except OSError:
            return False

    def stop(self):
        self.process.terminate()
        return self.process.communicate(timeout=30)[0]

    def manifest(self):
        path = self.folder / "signs" / "manifest.json"
        return json.loads(path.read_text(encoding="utf-8"))["clips"] if path.exists() else []


def clip_digest(kiosk, key="screen.home"):
    """The SHA-256 of the kiosk's clip for `key`, as its manifest lists it; None without one."""
    for clip in kiosk.manifest():
        if clip["key"] == key:
            return hashlib.sha256((kiosk.folder / "signs" / clip["file"]).read_bytes()).hexdigest()
    return None


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds} s for {what}")


def flask_command(ini, *args, stdin=""):
    """`flask --app kiosk ARGS` as an operator runs it against the kiosk.ini `ini`."""
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "kiosk", *args],
                            cwd=ROOT, env={**os.environ, "KIOSK_CONFIG": str(ini)},
                            input=stdin, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def serving_district(district):
    folder, database, register, keys, centre = district
    register.add("K6", "Community centre K6")
    keys = {**keys, "K6": register.rotate("K6")}
    centre.start()
    kiosks = {kiosk_id: KioskProcess(folder, kiosk_id, keys[kiosk_id], centre)
              for kiosk_id in ("K3", "K4", "K6")}
    flask_command(kiosks["K3"].ini, "staff", "add", "李老师", "--role", "interpreter",
                  "--password-stdin", stdin=f"{STAFF_PASSWORD}\n")
    for process in kiosks.values():
        process.start()
    yield folder, database, centre, kiosks
    for kiosk_id, process in kiosks.items():      # shown by pytest when the test fails
        print(f"--- kiosk {kiosk_id}:\n{process.stop()[-3000:]}")
    print(f"--- centre:\n{centre.stop()[-3000:]}")


STAFF_PASSWORD = "correct horse battery"


def test_a_catalogue_published_mid_journey_and_a_clip_recorded_in_one_studio(serving_district):
    from support import answer_whole_form, csrf_token, recorded_clip
    from remote_browser import RemoteBrowser
    from test_distribution import NEW, NEW_TITLE, OLD_TITLE, SHOP_ANSWERS, resident_post
    folder, database, centre, kiosks = serving_district
    k3, k4, k6 = kiosks["K3"], kiosks["K4"], kiosks["K6"]

    # A resident at K3 has chosen a package and answered the first part of the form.
    resident = RemoteBrowser(k3.url)
    resident_post(resident, "/preferences", {"lang": "en", "next": "/"})
    resident_post(resident, "/packages", {"package": "open_shop"})
    resident_post(resident, resident.get("/form").location, SHOP_ANSWERS)

    # The operator publishes a new catalogue at the centre, as the README says.
    new_catalogue = folder / "catalogue-2027.toml"
    new_catalogue.write_text(NEW, encoding="utf-8")
    assert "version 1" in flask_command(centre.ini, "catalogue", "publish", str(new_catalogue))

    def shows_new_title(kiosk):
        browser = RemoteBrowser(kiosk.url)
        resident_post(browser, "/preferences", {"lang": "en", "next": "/"})
        return NEW_TITLE in browser.get("/packages").get_data(as_text=True)

    def runs(kiosk_id):
        """The catalogue version a kiosk's latest heartbeat says it runs (looking at a
        kiosk's screens would be a resident there, and hold back its switch)."""
        row = database.row(text("select report from heartbeats where kiosk_id = :kiosk"),
                           {"kiosk": kiosk_id})
        return json.loads(row["report"])["catalogue"]["version"] if row else None

    # K4 and K6, with nobody at them, take it up; K3 pulls it but keeps it waiting.
    wait_for(lambda: runs("K4") == runs("K6") == 1, "K4 and K6 to switch")
    assert shows_new_title(k4) and shows_new_title(k6)
    wait_for(lambda: (k3.folder / "catalogue" / "catalogue-1.toml").exists(), "K3 to pull")
    assert runs("K3") is None

    # The resident at K3 finishes and sends on the version they started with.
    answer_whole_form(resident, SHOP_ANSWERS)
    check = resident.get("/check").get_data(as_text=True)
    assert OLD_TITLE in check and NEW_TITLE not in check
    assert resident_post(resident, "/submit").location == "/done"

    def received_from_k3():
        return database.rows(text("select payload from inbox where kiosk_id = 'K3'"))
    wait_for(received_from_k3, "K3's application at the centre")
    (application,) = received_from_k3()
    assert json.loads(application["payload"])["package"]["title"] == OLD_TITLE
    resident_post(resident, "/start-over")
    assert shows_new_title(k3)                   # the next resident at K3

    # An interpreter records a clip in K3's studio; it reaches K4 and K6 by its hash.
    interpreter = RemoteBrowser(k3.url)
    interpreter.post("/staff/sign-in", {"csrf_token": csrf_token(interpreter, "/staff/sign-in"),
                                        "name": "李老师", "password": STAFF_PASSWORD})
    video = recorded_clip(folder / "clip.webm")
    saved = interpreter.post("/studio/CSL/screen.home",
                             {"csrf_token": csrf_token(interpreter, "/studio/CSL/screen.home")},
                             files={"clip": ("recording.webm", video.read_bytes())},
                             headers={"Accept": "application/json"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    recorded = clip_digest(k3)
    assert recorded

    # Only in the manifest once its file is whole: a listed clip's bytes are the recording.
    wait_for(lambda: clip_digest(k4) == clip_digest(k6) == recorded,
             "the clip to reach K4 and K6")
    for kiosk in (k4, k6):
        assert [path.name for path in (kiosk.folder / "signs").rglob("*")
                if path.is_file() and path.suffix not in (".webm", ".json", ".vtt")] == []

    # Every kiosk's heartbeat says which catalogue it runs.
    fleet = flask_command(centre.ini, "fleet", "status")
    assert all(kiosk_id in fleet for kiosk_id in ("K3", "K4", "K6"))
