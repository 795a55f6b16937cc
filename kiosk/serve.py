"""`python -m kiosk.serve`: serve the kiosk with waitress where kiosk.ini says (make run)."""
import sys

from waitress import create_server

from .appliance.process import start_app
from .appliance.systemd import start_watchdog
from .background import start_background_work
from .roles import is_central


def main():
    app = start_app("The kiosk")
    settings = app.extensions["kiosk"].settings
    try:
        # Bound before anything starts in the background, so a taken port is one clear
        # line and no half-started warm-up is left behind.
        server = create_server(app, host=settings.host, port=settings.port, threads=8)
    except OSError as error:
        sys.exit(f"The kiosk cannot start: cannot serve at {settings.host}:{settings.port} "
                 f"({error.strerror}): is another kiosk already running there? "
                 f"[server] host and port in {settings.config_path} choose the address")
    if is_central(settings):
        print(f"Central back office serving at http://{settings.host}:{settings.port}/ "
              f"(one process: for many kiosks, run it under gunicorn, see the README)",
              flush=True)
    else:
        start_background_work(app)
        print(f"Kiosk {settings.kiosk_id} serving at http://{settings.host}:{settings.port}/",
              flush=True)
    # Under systemd (the kiosk-server service): READY=1 once it answers, then the watchdog.
    start_watchdog(settings.host, settings.port)
    server.run()


if __name__ == "__main__":
    main()
