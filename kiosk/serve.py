"""`python -m kiosk.serve`: serve the kiosk with waitress where kiosk.ini says (make run)."""
import logging

from waitress import serve

from . import create_app


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    settings = app.extensions["kiosk"].settings
    print(f"Kiosk {settings.kiosk_id} serving at http://{settings.host}:{settings.port}/")
    serve(app, host=settings.host, port=settings.port, threads=8)


if __name__ == "__main__":
    main()
