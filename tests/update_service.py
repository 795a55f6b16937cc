"""The test's stand-in for `systemctl restart|stop kiosk-server` on a temporary root.

    python tests/update_service.py restart|stop ROOT

restart stops the kiosk started before (its pid in ROOT/run/kiosk-server.pid) and starts
ROOT/opt/kiosk/current/.venv/bin/python -m kiosk.serve from ROOT/opt/kiosk/current with
KIOSK_CONFIG=ROOT/etc/kiosk/kiosk.ini, as kiosk-server.service does on a kiosk; its output
goes to ROOT/var/log/kiosk-server.log.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def pid_file(root):
    return root / "run" / "kiosk-server.pid"


def alive(pid):
    """True while the process runs (a zombie nobody reaped yet counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stop(root):
    try:
        pid = int(pid_file(root).read_text())
    except (OSError, ValueError):
        return
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    pid_file(root).unlink()


def start(root):
    current = root / "opt" / "kiosk" / "current"
    (root / "run").mkdir(exist_ok=True)
    (root / "var" / "log").mkdir(parents=True, exist_ok=True)
    with open(root / "var" / "log" / "kiosk-server.log", "ab") as log:
        process = subprocess.Popen(
            [str(current / ".venv" / "bin" / "python"), "-m", "kiosk.serve"], cwd=current,
            env={**os.environ, "KIOSK_CONFIG": str(root / "etc" / "kiosk" / "kiosk.ini")},
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    pid_file(root).write_text(str(process.pid))


if __name__ == "__main__":
    command, root = sys.argv[1], Path(sys.argv[2])
    stop(root)
    if command == "restart":
        start(root)
