"""What tests share besides fixtures: the small test catalogue, an app built on it, tokens."""
import re
import sqlite3
import subprocess
from pathlib import Path

from kiosk import create_app
from pagecheck import PageCheckingClient

TESTS = Path(__file__).resolve().parent
MINI_CATALOGUE = TESTS / "data" / "mini_catalogue.toml"


# Set by tests/conftest.py while a back-office test runs on PostgreSQL: gives the URL of the
# PostgreSQL database that stands for a kiosk's database file (one per file, as SQLite has).
backoffice_on_postgres = None


def make_app(tmp_path, catalogue=MINI_CATALOGUE, **overrides):
    """The kiosk on a temporary database; `overrides` are kiosk.ini "section.key" values.
    While a back-office test runs on PostgreSQL, its back office is there instead."""
    if backoffice_on_postgres and "backoffice.database" not in overrides:
        overrides["backoffice.database"] = backoffice_on_postgres(tmp_path / "kiosk.db")
    settings = {"catalogue.path": str(catalogue), "database.path": str(tmp_path / "kiosk.db"),
                "server.secret_key": "test-secret",
                "speech.cache_dir": str(tmp_path / "speech-cache"), "speech.warm_at_start": "no",
                "voice.load_at_start": "no", "voice.models_dir": str(tmp_path / "voice-models")}
    settings.update(overrides)
    app = create_app({"TESTING": True, "KIOSK_OVERRIDES": settings})
    app.test_client_class = PageCheckingClient
    return app


def csrf_token(client, url="/"):
    """The anti-forgery token of the client's session, read off a page as a browser would."""
    page = client.get(url)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def answer_whole_form(client, answers, extra=None):
    """Post `answers` screen by screen through the one form (one section per screen), as a
    resident's browser would; returns the last response (a redirect to /check when done)."""
    location = client.get("/form").location
    response = None
    for _ in range(20):
        if not location or not location.startswith("/form/"):
            return response
        section = location.split("?")[0]
        response = client.post(section, data={"csrf_token": csrf_token(client, section),
                                              **answers, **(extra or {})})
        if response.status_code != 302:
            return response
        location = response.location
    raise AssertionError("the form never ended")


def recorded_clip(path, picture="testsrc"):
    """Make a real two-second VP8 WebM clip at `path`, as the studio records one; another
    `picture` (ffmpeg's testsrc2) gives other content, so another hash. Returns the path."""
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"{picture}=size=160x90:rate=10:duration=2", "-c:v", "libvpx", "-b:v", "100k",
                    str(path)], check=True)
    return path


def rows(path, query):
    """The rows `query` gives on the SQLite file at `path`, on a connection of its own."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()
