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
import threading

from .appliance.process import start_app
from .background import start_handoff_work
from .catalogue_switch import use
from .catalogue_updates import copy_folder, last_good_copy
from .roles import is_central

log = logging.getLogger(__name__)


def main():
    app = start_app("The hand-off worker")
    settings = app.extensions["kiosk"].settings
    if is_central(settings):
        sys.exit("The hand-off worker cannot start: this machine is the central back office "
                 f"([server] role = backoffice in {settings.config_path}); it hands nothing off")
    for thread in start_handoff_work(app):
        print(f"Hand-off worker of kiosk {settings.kiosk_id}: {thread.name} started", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Only the server pulls catalogues from the centre (target = http); what it took in is
    # followed here, since the catalogue's titles go into every submission sent.
    every = settings.handoff.pull_seconds if settings.handoff.target == "http" else None
    try:
        while not stop.wait(every):
            follow_pulled_catalogue(app)
    except KeyboardInterrupt:
        pass


def follow_pulled_catalogue(app):
    """Use the catalogue the server last pulled from the centre, when it is newer than the
    one in use here; True when it changed."""
    services = app.extensions["kiosk"]
    switch = app.extensions["distribution"].switch
    try:
        copy = last_good_copy(copy_folder(services.settings))
        if copy is None or copy[1] == switch.version:
            return False
        catalogue, version = copy
        use(services, catalogue)
    except Exception:  # keep handing off on the catalogue in use
        log.exception("the pulled catalogue could not be put in use by the hand-off worker")
        return False
    switch.version = version
    log.info("catalogue version %s is in use for hand-off", version)
    return True


if __name__ == "__main__":
    main()
