"""Power cuts: kill the kiosk (SIGKILL) at random moments; every reference it showed reaches
the back office exactly once. bench/handoff_soak.py runs the same for longer."""
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from handoff_support import SECRET, back_office_app, serve

HERE = Path(__file__).resolve().parent


def run_kiosk(overrides, count=1000000):
    return subprocess.Popen([sys.executable, str(HERE / "crash_kiosk.py"), json.dumps(overrides),
                             str(count)], stdout=subprocess.PIPE, text=True, cwd=HERE.parent)


def crash_rounds(tmp_path, rounds, seed=1):
    """Kill the kiosk `rounds` times, then let it finish; return (shown, received)."""
    receiver, server = back_office_app(tmp_path), None
    url, server = serve(receiver)
    overrides = {"database.path": str(tmp_path / "kiosk" / "kiosk.db"),
                 "catalogue.path": str(HERE / "data" / "mini_catalogue.toml"),
                 "server.secret_key": "crash", "handoff.target": "http",
                 "handoff.url": f"{url}/backoffice/api/submissions", "handoff.secret": SECRET,
                 "speech.enabled": "no", "voice.enabled": "no",
                 "signs.library_dir": str(tmp_path / "signs")}
    draw = random.Random(seed)
    shown = []
    for _ in range(rounds):
        process = run_kiosk(overrides)
        time.sleep(draw.uniform(1.0, 2.5))
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
        shown += [line.split()[1] for line in output.splitlines() if line.startswith("shown ")]
    final = run_kiosk(overrides, count=0)
    output, _ = final.communicate(timeout=120)
    assert "done" in output
    received = [row["reference"] for row in receiver.extensions["kiosk"]
                .backoffice_database.rows(text("select reference from inbox"))]
    server.shutdown()
    return shown, received


def test_every_shown_reference_arrives_exactly_once_despite_kills(tmp_path):
    shown, received = crash_rounds(tmp_path, rounds=4)
    assert len(shown) > 10
    assert set(shown) <= set(received)           # nothing shown is lost
    assert len(received) == len(set(received))   # nothing is stored twice
