"""The start of a long-running kiosk process (`kiosk.serve`, `kiosk.worker`)."""
import logging
import sys

from .. import create_app
from ..backup import hold_database
from ..errors import KioskError
from ..settings import load_settings


def start_app(who):
    """The app for this process, holding its database for as long as the process runs.

    The hold is taken before anything opens the database: a restore under way finishes
    first, and `backup restore` refuses while the process runs. A bad kiosk.ini or
    catalogue ends the process with one line saying what to fix, without a traceback;
    `who` names the process in that line ("The kiosk", "The hand-off worker").
    """
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        in_use = hold_database(load_settings().database_path)
        app = create_app()
    except KioskError as error:
        sys.exit(f"{who} cannot start: {error}")
    app.extensions["database_in_use"] = in_use   # kept open as long as the app lives
    return app
