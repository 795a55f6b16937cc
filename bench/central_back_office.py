"""What the central back office's benchmarks share: a database to run on (a throwaway
PostgreSQL cluster or a SQLite file), a kiosk.ini for the central back office, and the
back office served by gunicorn over real HTTP.
"""
import configparser
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kiosk.backoffice.database import Database, sqlite_url  # noqa: E402
from postgres_server import ThrowawayPostgres, free_port  # noqa: E402

# PostgreSQL as a district would run it, durable (the tests' cluster trades that for speed),
# with room for the cache a million applications want.
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
           "shared_buffers": "256MB", "autovacuum": "on", "checkpoint_timeout": "5min"}

SECRET = "the district's shared secret, for the benchmark"
# Keys of kiosk.ini holding paths relative to its folder: made absolute in the copy.
RELATIVE_PATHS = ("catalogue.path", "signs.library_dir", "keyboard.pinyin_dictionary")


def percentile(sorted_values, share):
    """The value below which `share` of the (sorted) values lie (nearest rank)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(share * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@contextlib.contextmanager
def database_url(kind, folder, settings=None):
    """A fresh, migrated back-office database of `kind` ("postgresql" or "sqlite");
    `settings` change the PostgreSQL server's."""
    if kind == "postgresql":
        with ThrowawayPostgres(settings={**DURABLE, **(settings or {})}) as server:
            # The operator's form of the URL (psycopg reads it too; the kiosk adds the driver).
            url = server.create_database("backoffice").replace("postgresql+psycopg://",
                                                                "postgresql://")
            migrated(url)
            yield url
    else:
        url = sqlite_url(Path(folder) / "backoffice.db")
        migrated(url)
        yield url


def migrated(url):
    """Migrate once before the server's workers start, so they do not race to."""
    database = Database(url)
    database.upgrade()
    database.dispose()


def central_ini(folder, url, **overrides):
    """A kiosk.ini for a central back office on `url`: kiosk.ini with its paths made
    absolute, the shared secret, and no speech engine or voice model to load."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "kiosk.ini", encoding="utf-8")
    values = {"database.path": str(Path(folder) / "kiosk.db"),
              "backoffice.database": url, "handoff.secret": SECRET,
              "server.secret_key": "bench", "speech.enabled": "no",
              "speech.warm_at_start": "no", "speech.cache_dir": str(Path(folder) / "speech"),
              "voice.enabled": "no", "voice.load_at_start": "no",
              "voice.models_dir": str(Path(folder) / "voice-models"),
              **{key: str(ROOT / parser.get(*key.split(".", 1))) for key in RELATIVE_PATHS},
              **overrides}
    for dotted, value in values.items():
        section, key = dotted.split(".", 1)
        parser.set(section, key, value)
    path = Path(folder) / "kiosk.ini"
    with path.open("w", encoding="utf-8") as out:
        parser.write(out)
    return path


@contextlib.contextmanager
def gunicorn(ini, workers=4, threads=1, log=None):
    """The back office under gunicorn on a free loopback port; yields its base URL."""
    port = free_port()
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--backlog", "2048", "kiosk:create_app()"]
    if threads > 1:
        command[1:1] = ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "KIOSK_CONFIG": str(ini)},
                              stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
    try:
        _wait_for(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start listening within a minute")
