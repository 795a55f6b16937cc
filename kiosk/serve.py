"""`python -m kiosk.serve`: serve the kiosk with waitress where kiosk.ini says (make run)."""
import logging
import sys

from waitress import serve

from . import create_app
from .background import start_background_work
from .errors import KioskError


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app()
    except KioskError as error:
        # A bad kiosk.ini or catalogue: say exactly what to fix, without a traceback.
        sys.exit(f"The kiosk cannot start: {error}")
    settings = app.extensions["kiosk"].settings
    start_background_work(app)
    print(f"Kiosk {settings.kiosk_id} serving at http://{settings.host}:{settings.port}/")
    serve(app, host=settings.host, port=settings.port, threads=8)


if __name__ == "__main__":
    main()
