"""`python -m kiosk.worker`: the hand-off worker on its own (the kiosk-handoff service).

It delivers the outbox to the back office, purges old answers and sends the heartbeat, as
the kiosk's server does itself when kiosk.ini says [server] handoff_worker = in-process.
With handoff_worker = separate the server leaves this to the worker, so a slow back office
never shares a process with the resident screens and each restarts on its own. The server
cannot wake this process after a submission, so a submission leaves within [handoff]
interval_seconds (5 s) rather than at once.
"""
import logging
import signal
import sys

from . import create_app
from .background import start_handoff_work
from .errors import KioskError
from .roles import is_central


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app()
    except KioskError as error:
        sys.exit(f"The hand-off worker cannot start: {error}")
    settings = app.extensions["kiosk"].settings
    if is_central(settings):
        sys.exit("The hand-off worker cannot start: this machine is the central back office "
                 f"([server] role = backoffice in {settings.config_path}); it hands nothing off")
    for thread in start_handoff_work(app):
        print(f"Hand-off worker of kiosk {settings.kiosk_id}: {thread.name} started", flush=True)
    # The threads never end by themselves: wait for systemd's SIGTERM (or Ctrl+C).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
