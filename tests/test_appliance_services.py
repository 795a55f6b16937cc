"""The kiosk's side of its systemd services: GET /health, READY=1 and the watchdog's pings
from `python -m kiosk.serve` (only while the app answers), and `python -m kiosk.worker`
delivering what the server took in when kiosk.ini says [server] handoff_worker = separate."""
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from handoff_support import RECORD
from kiosk import create_app
from kiosk.appliance.systemd import answers, notify, watchdog_seconds
from kiosk.settings import DEFAULT_CONFIG
from support import MINI_CATALOGUE, make_app

CHECKOUT = DEFAULT_CONFIG.parent


def test_health_answers_200_with_the_version_when_the_database_can_be_read(app, client):
    for _ in range(3):
        response = client.get("/health")
        assert response.status_code == 200
        assert response.json["ok"] is True and response.json["version"]
    # Asked every 10 s by the watchdog: it must not leave a session behind each time.
    assert "Set-Cookie" not in response.headers
    assert app.extensions["kiosk"].store.db["sessions"].count == 0


@pytest.mark.parametrize("damage", ["junk", "gone"])
def test_health_answers_503_naming_the_problem_when_the_database_cannot_be_read(tmp_path, damage):
    app = make_app(tmp_path)
    for path in tmp_path.glob("kiosk.db*"):
        path.unlink()
    if damage == "junk":
        (tmp_path / "kiosk.db").write_bytes(b"not a database " * 500)
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["ok"] is False
    assert response.json["problem"].startswith("the kiosk's database cannot be read")
    # Asking did not make an empty database in place of the lost one.
    assert (tmp_path / "kiosk.db").exists() == (damage == "junk")


def test_health_is_served_by_the_central_back_office_too(tmp_path):
    app = make_app(tmp_path, **{"server.role": "backoffice"})
    assert app.test_client().get("/health").json["ok"] is True


def test_nothing_is_sent_to_systemd_outside_it():
    assert notify("READY=1", environ={}) is False
    assert watchdog_seconds({}) is None
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000"}) == 30


def test_a_server_that_accepts_connections_but_never_answers_is_not_alive():
    # What systemd's watchdog must catch: the port is open (the kernel accepts), but every
    # thread that would answer is stuck.
    with socket.socket() as stuck:
        stuck.bind(("127.0.0.1", 0))
        stuck.listen(8)
        started = time.monotonic()
        assert answers("127.0.0.1", stuck.getsockname()[1], timeout=0.5) is False
        assert time.monotonic() - started < 3


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kiosk_ini(folder, handoff_worker="in-process"):
    """A kiosk.ini for a real `python -m kiosk.serve` in `folder`, on a free port, quick to
    start (no speech engine, no voice models)."""
    text = DEFAULT_CONFIG.read_text()
    for old, new in [("path = kiosk/data/catalogue.toml", f"path = {MINI_CATALOGUE}"),
                     ("path = var/kiosk.db", f"path = {folder}/kiosk.db"),
                     ("port = 8080", f"port = {free_port()}"),
                     ("enabled = yes", "enabled = no"),
                     ("warm_at_start = yes", "warm_at_start = no"),
                     ("load_at_start = yes", "load_at_start = no"),
                     ("cache_dir = var/speech-cache", f"cache_dir = {folder}/speech-cache"),
                     ("models_dir = var/voice-models", f"models_dir = {folder}/voice-models"),
                     ("library_dir = signlang_videos", f"library_dir = {CHECKOUT}/signlang_videos"),
                     ("pinyin_dictionary = kiosk/", f"pinyin_dictionary = {CHECKOUT}/kiosk/"),
                     ("interval_seconds = 5", "interval_seconds = 1"),
                     ("heartbeat_seconds = 60", "heartbeat_seconds = 0"),
                     ("handoff_worker = in-process", f"handoff_worker = {handoff_worker}")]:
        assert old in text, old
        text = text.replace(old, new)
    path = Path(folder) / "kiosk.ini"
    path.write_text(text)
    return path


def start(module, ini, **environment):
    """`python -m module` on `ini`; under systemd only when `environment` says so."""
    outside = {key: value for key, value in os.environ.items()
               if key not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
    return subprocess.Popen([sys.executable, "-m", module], cwd=CHECKOUT,
                            env={**outside, "KIOSK_CONFIG": str(ini), **environment},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process):
    process.terminate()
    try:
        return process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


class NotifySocket:
    """The socket systemd listens on for sd_notify messages, with the time each came."""

    def __init__(self, folder):
        self.path = str(Path(folder) / "notify")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        self.socket.settimeout(0.2)
        self.messages = []
        self.closed = threading.Event()
        self.listener = threading.Thread(target=self._listen, daemon=True)
        self.listener.start()

    def _listen(self):
        while not self.closed.is_set():
            try:
                message = self.socket.recv(4096).decode()
            except TimeoutError:
                continue
            self.messages.append((time.monotonic(), message))

    def wait_for(self, text, timeout, after=0.0):
        """The time `text` came (after `after`), waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, message in list(self.messages):
                if at > after and text in message.splitlines():
                    return at
            time.sleep(0.05)
        raise AssertionError(f"no {text} in {timeout} s; came: {self.messages}")

    def count(self, text, since):
        return sum(1 for at, message in list(self.messages)
                   if at > since and text in message.splitlines())

    def close(self):
        self.closed.set()
        self.listener.join()
        self.socket.close()


@pytest.fixture
def short_folder():
    # A unix socket's path must be short (108 bytes): not under pytest's long tmp_path.
    with tempfile.TemporaryDirectory(prefix="kiosk-") as folder:
        yield Path(folder)


def visit_home(port):
    """A resident's first request (it saves a new session), waiting as long as it takes."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read()
    except OSError:
        pass


def test_the_server_says_ready_then_pings_the_watchdog_only_while_it_answers(short_folder):
    systemd = NotifySocket(short_folder)
    ini = kiosk_ini(short_folder)
    # WatchdogSec=0.9: a check and a ping every 0.3 s.
    server = start("kiosk.serve", ini, NOTIFY_SOCKET=systemd.path, WATCHDOG_USEC="900000")
    try:
        ready = systemd.wait_for("READY=1", timeout=60)
        deadline = time.monotonic() + 10
        while systemd.count("WATCHDOG=1", since=ready) < 3:
            assert time.monotonic() < deadline, systemd.messages
            time.sleep(0.1)
        # Every one of waitress's threads gets stuck: residents' first requests each wait
        # to write their session while another process holds the database's write lock.
        # /health then waits for a thread that never comes free, and no ping goes.
        port = int(re.search(r"^port = (\d+)$", ini.read_text(), re.M).group(1))
        lock = sqlite3.connect(short_folder / "kiosk.db", isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        stuck = time.monotonic()
        residents = [threading.Thread(target=visit_home, args=(port,)) for _ in range(12)]
        for resident in residents:
            resident.start()
        time.sleep(4.0)
        assert systemd.count("WATCHDOG=1", since=stuck + 1.5) == 0
        lock.execute("ROLLBACK")
        lock.close()
        released = time.monotonic()
        systemd.wait_for("WATCHDOG=1", timeout=30, after=released)
        for resident in residents:
            resident.join()
        # The database becomes unreadable (a disk fault, a bad restore): /health says 503,
        # the pings stop though the process and its threads run on, and systemd would
        # restart the server after WatchdogSec.
        for path in short_folder.glob("kiosk.db-*"):
            path.unlink()
        (short_folder / "kiosk.db").write_bytes(b"not a database " * 500)
        broken = time.monotonic()
        time.sleep(3.0)
        # (A check already under way when the file broke may still ping once.)
        assert systemd.count("WATCHDOG=1", since=broken + 1.5) == 0
        assert server.poll() is None
    finally:
        output = stop(server)
        systemd.close()
    assert "did not answer /health" in output


def pending_after(app, seconds):
    time.sleep(seconds)
    return app.extensions["kiosk"].outbox.status()["pending"]


def test_with_a_separate_worker_the_server_leaves_the_hand_off_to_kiosk_worker(
        short_folder, monkeypatch):
    ini = kiosk_ini(short_folder, handoff_worker="separate")
    monkeypatch.setenv("KIOSK_CONFIG", str(ini))
    server = start("kiosk.serve", ini)
    worker = None
    try:
        app = create_app()          # the same database, as the server's own app
        port = app.extensions["kiosk"].settings.port
        deadline = time.monotonic() + 60
        while not answers("127.0.0.1", port, timeout=1):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)
        reference = app.extensions["kiosk"].store.create_submission("K2", RECORD)
        # The server delivers nothing itself, though its interval (1 s) passes three times.
        assert pending_after(app, 3) == 1
        worker = start("kiosk.worker", ini)
        deadline = time.monotonic() + 30
        while pending_after(app, 0.2):
            assert time.monotonic() < deadline and worker.poll() is None
        backoffice = app.extensions["kiosk"].backoffice
        assert backoffice.submission(reference) is not None
        assert app.extensions["kiosk"].outbox.status()["delivered"] == 1
    finally:
        server_output = stop(server)
        worker_output = stop(worker) if worker else ""
    assert "python -m kiosk.worker` hands off" in server_output
    # Not under systemd (as with make run): nothing was sent, the server served all the same.
    assert "told systemd" not in server_output
    assert "hand-off started" in worker_output


def test_the_worker_refuses_to_start_on_the_central_back_office(short_folder):
    ini = kiosk_ini(short_folder)
    ini.write_text(ini.read_text().replace("role = kiosk", "role = backoffice"))
    result = subprocess.run([sys.executable, "-m", "kiosk.worker"], cwd=CHECKOUT,
                            env={**os.environ, "KIOSK_CONFIG": str(ini)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "central back office" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_handoff_worker_setting_names_the_section_and_key(tmp_path):
    from kiosk.errors import KioskError
    with pytest.raises(KioskError, match=r"\[server\] handoff_worker must be one of "
                                         r"in-process, separate, not 'elsewhere'"):
        make_app(tmp_path, **{"server.handoff_worker": "elsewhere"})


def test_the_worker_follows_the_catalogue_the_server_pulled_from_the_centre(tmp_path):
    from kiosk.catalogue_updates import POINTER, copy_folder
    from kiosk.worker import follow_pulled_catalogue
    app = make_app(tmp_path, **{"handoff.target": "http",
                                "handoff.http.url": "http://127.0.0.1:9/kiosk/submissions"})
    services = app.extensions["kiosk"]
    assert follow_pulled_catalogue(app) is False        # nothing pulled yet
    # What the server's pull leaves beside the database (kiosk.catalogue_updates).
    text = MINI_CATALOGUE.read_text()
    folder = copy_folder(services.settings)
    folder.mkdir()
    (folder / "catalogue-7.toml").write_text(text)
    (folder / POINTER).write_text(json.dumps({
        "version": 7, "file": "catalogue-7.toml",
        "sha256": hashlib.sha256(text.encode()).hexdigest()}))
    before = services.outbox.catalogue
    assert follow_pulled_catalogue(app) is True
    assert services.outbox.catalogue is not before
    assert app.extensions["distribution"].switch.version == 7
    assert follow_pulled_catalogue(app) is False        # already in use


def screen_command(port, devtools_port, profile):
    """kiosk-screen.service's ExecStart, as systemd would run it, pointed at a test server.
    Added for the test only: --no-sandbox (the test may run as root, in a container) and a
    DevTools port to ask the browser what it shows."""
    from test_install_kiosk import unit_setting
    unit = (CHECKOUT / "deploy/systemd/kiosk-screen.service").read_text()
    [command] = unit_setting(unit, "ExecStart")
    words = [word.replace("${KIOSK_LANGUAGE}", "zh-CN")
             .replace("/var/lib/kiosk-screen/chromium", str(profile))
             .replace("http://127.0.0.1:8080/", f"http://127.0.0.1:{port}/")
             for word in command.split()]
    return [*words[:-1], "--no-sandbox", f"--remote-debugging-port={devtools_port}", words[-1]]


def shown_pages(devtools_port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json", timeout=2) as answer:
            return [page for page in json.load(answer) if page["type"] == "page"]
    except OSError:
        return []


def test_the_screen_command_shows_the_kiosk_and_ends_when_the_browser_dies(
        short_folder):
    if not (shutil.which("cage") and os.path.exists("/usr/bin/Xwayland")):
        pytest.fail("cage and xwayland are missing: scripts/install-system-packages.sh test")
    ini = kiosk_ini(short_folder)
    port = int(re.search(r"^port = (\d+)$", ini.read_text(), re.M).group(1))
    server = start("kiosk.serve", ini)
    # cage refuses to run as root, as it should: the kiosk runs it as kiosk-screen.
    home = short_folder / "screen"
    home.mkdir(mode=0o700)
    user = []
    if os.geteuid() == 0:
        shutil.chown(home, "nobody", "nogroup")
        short_folder.chmod(0o711)
        user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    devtools_port = free_port()
    # No screen here: wlroots' headless back end stands in for the kiosk's display.
    environment = {**os.environ, "WLR_BACKENDS": "headless", "WLR_LIBINPUT_NO_DEVICES": "1",
                   "WLR_RENDERER": "pixman", "XDG_RUNTIME_DIR": str(home), "HOME": str(home)}
    screen = None
    try:
        deadline = time.monotonic() + 60
        while not answers("127.0.0.1", port, timeout=1):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)
        screen = subprocess.Popen([*user, *screen_command(port, devtools_port, home / "chromium")],
                                  env=environment, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not any("–" in page["title"] for page in shown_pages(devtools_port)):
            assert time.monotonic() < deadline and screen.poll() is None, "no kiosk page shown"
            time.sleep(0.5)
        [page] = shown_pages(devtools_port)
        assert page["url"] == f"http://127.0.0.1:{port}/"
        # The browser dies: cage ends with it, with status 0, which is why the unit restarts
        # it always (Restart=always), not only on failure.
        browser = json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{devtools_port}/json/version", timeout=2))
        assert "Chrome" in browser["Browser"]
        children = subprocess.run(["pgrep", "-P", str(screen.pid)], capture_output=True,
                                  text=True).stdout.split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        assert screen.wait(timeout=30) == 0
    finally:
        if screen is not None and screen.poll() is None:
            screen.kill()
            screen.wait()
        stop(server)


def test_a_notify_socket_that_is_gone_is_a_warning_not_the_end_of_the_watchdog(tmp_path):
    assert notify("WATCHDOG=1", environ={"NOTIFY_SOCKET": str(tmp_path / "gone")}) is False
