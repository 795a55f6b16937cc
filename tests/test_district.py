"""A district: three kiosk processes, each with its own key and database, hand off to one
central back office on PostgreSQL, served by gunicorn with several worker processes, over
HTTP. The centre goes down and comes back, one kiosk is revoked, another has its key
rotated with submissions queued; every shown reference arrives exactly once, from the
kiosk that made it, and nothing is taken from a revoked kiosk."""
import configparser
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


def central_ini(folder, database_url, port):
    """The centre's kiosk.ini: the shipped one with the central role and PostgreSQL."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "kiosk.ini", encoding="utf-8")
    for dotted, value in {**QUIET, "server.role": "backoffice", "server.port": str(port),
                          "server.secret_key": "district test", "database.path":
                          str(folder / "central.db"), "backoffice.database": database_url,
                          "kiosk.id": "CB"}.items():
        section, key = dotted.split(".", 1)
        parser.set(section, key, value)
    path = folder / "central.ini"
    with path.open("w", encoding="utf-8") as file:
        parser.write(file)
    return path


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
