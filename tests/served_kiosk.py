"""The kiosk as its installed service runs it: `python -m kiosk.serve` on a kiosk.ini of its
own, in a process of its own, started again after a power cut (SIGKILL)."""
import configparser
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from handoff_support import SECRET
from support import MINI_CATALOGUE, TESTS

ROOT = TESTS.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


class ServedKiosk:
    """`python -m kiosk.serve` on its own kiosk.ini, as the installed service runs it,
    handing off over HTTP to `back_office_url` (None: its own built-in back office)."""

    def __init__(self, folder, back_office_url=None):
        self.folder = folder
        self.database = folder / "kiosk.db"
        self.url = f"http://127.0.0.1:{free_port()}"
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(ROOT / "kiosk.ini", encoding="utf-8")
        for dotted, value in {
                "speech.enabled": "no", "voice.enabled": "no", "speech.warm_at_start": "no",
                "voice.load_at_start": "no", "catalogue.path": str(MINI_CATALOGUE),
                "database.path": str(self.database), "backup.folder": str(folder / "backups"),
                "signs.library_dir": str(folder / "signs"),
                "server.port": self.url.rsplit(":", 1)[1], "server.secret_key": "power cut",
                "handoff.interval_seconds": "1", "handoff.heartbeat_seconds": "0",
                **({"handoff.target": "http", "handoff.secret": SECRET,
                    "handoff.http.url": f"{back_office_url}/backoffice/api/submissions"}
                   if back_office_url else {})}.items():
            section, key = dotted.rsplit(".", 1)
            parser.set(section, key, value)
        self.ini = folder / "kiosk.ini"
        with self.ini.open("w", encoding="utf-8") as file:
            parser.write(file)
        self.environment = {**os.environ, "KIOSK_CONFIG": str(self.ini)}
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, "-m", "kiosk.serve"], cwd=ROOT,
                                        env=self.environment, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(self.answers, f"the kiosk at {self.url} to start")

    def answers(self):
        try:
            with urllib.request.urlopen(f"{self.url}/status", timeout=2) as page:
                return page.status == 200
        except OSError:
            return False

    def power_cut(self):
        """SIGKILL to the server and anything it started: nothing gets to clean up."""
        if self.process is None or self.process.poll() is not None:
            return      # not running (a test that failed between a cut and the restart)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def command(self, *arguments):
        return subprocess.run(arguments, cwd=ROOT, env=self.environment, capture_output=True,
                              text=True, timeout=60)
