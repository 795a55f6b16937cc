"""GET /health: whether this kiosk's app can read its database, for the watchdog that keeps
systemd told the server is alive and for the updater deciding whether a new version came up.

JSON, never a page: 200 {"ok": true, "version": "..."} or 503 {"ok": false, "problem": "..."}.
"""
import sqlite3

from flask import Blueprint, jsonify
from sqlalchemy import text

from ..heartbeat import software_version
from ..web import services

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    kiosk = services()
    problem = database_problem(kiosk.settings.database_path, kiosk.backoffice_database)
    if problem:
        return jsonify(ok=False, problem=problem, version=software_version()), 503
    return jsonify(ok=True, version=software_version())


def database_problem(path, backoffice_database):
    """Why the databases cannot be read now, or None. A fresh connection each time, so the
    answer is about the file as it is, not a connection opened when it was still good."""
    try:
        # mode=rw: a missing file is a problem to report, not an empty database to make.
        with sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=5) as connection:
            connection.execute("SELECT 1 FROM submissions LIMIT 1").fetchall()
        connection.close()
    except sqlite3.Error as error:
        return f"the kiosk's database cannot be read: {error}"
    try:
        backoffice_database.scalar(text("SELECT 1"))
    except Exception as error:  # any driver's error: the back office cannot be reached
        return f"the back office's database cannot be read: {type(error).__name__}"
    return None
