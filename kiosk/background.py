"""Work the kiosk does beside serving residents (started by `make run`, not by the factory,
so tests and operator commands start none of it): warm the speech cache, load the voice
models, deliver submissions to the back office, send it a heartbeat every minute, take in
the centre's catalogue and clips."""
import logging
import threading
import time

from .heartbeat import Heartbeat, beat, heartbeat_receiver
from .distribution import distribute_forever
from .prompts import speech_jobs
from .speech import warm_in_processes

log = logging.getLogger(__name__)


def start_background_work(app):
    """When serving residents: warm the speech cache and load the voice models, in the
    background, so the kiosk answers at once and nobody waits for them later."""
    services = app.extensions["kiosk"]
    if services.settings.speech.warm_at_start and services.speech.available():
        threading.Thread(target=_warm_up, args=(services.speech, services.prompts),
                         name="speech-warm-up", daemon=True).start()
    if services.settings.voice.enabled and services.settings.voice.load_at_start:
        threading.Thread(target=services.voice.preload, name="voice-models",
                         daemon=True).start()
    if services.settings.handoff_worker == "in-process":
        start_handoff_work(app)
    else:
        log.info("[server] handoff_worker = separate: `python -m kiosk.worker` hands off")
    if app.extensions["distribution"].updates is not None:
        # The district's catalogue and clip library, from the centre the hand-off goes to.
        threading.Thread(target=distribute_forever, args=(app,), name="distribution",
                         daemon=True).start()
    # The pinyin dictionary takes a second or two to load: not while a resident types.
    pinyin = services.input_methods["pinyin"]
    if pinyin.available:
        threading.Thread(target=pinyin.dictionary, name="pinyin", daemon=True).start()


def start_handoff_work(app):
    """Deliver the outbox and send the heartbeat, each in its own thread: in the kiosk's
    server ([server] handoff_worker = in-process) or in `python -m kiosk.worker`."""
    services = app.extensions["kiosk"]
    threads = [threading.Thread(target=deliver_forever, args=(services,), name="hand-off",
                                daemon=True)]
    if services.settings.handoff.heartbeat_seconds:
        threads.append(threading.Thread(target=beat_forever, name="heartbeat",
                                        kwargs={"services": services,
                                                "distribution": app.extensions["distribution"]},
                                        daemon=True))
    for thread in threads:
        thread.start()
    return threads


def deliver_forever(services, passes=None):
    """The delivery worker: deliver what is due, purge old answers daily, wait, repeat."""
    settings = services.settings.handoff
    last_purge = 0.0
    while passes is None or passes > 0:
        try:
            services.outbox.deliver_due()
            if time.time() - last_purge > 24 * 3600:
                services.outbox.purge(settings.purge_after_days)
                last_purge = time.time()
        except Exception:  # keep delivering: one bad pass must not stop the hand-off
            log.exception("hand-off pass failed")
        services.wake_outbox.wait(settings.interval_seconds)
        services.wake_outbox.clear()
        passes = None if passes is None else passes - 1


def beat_forever(services, beats=None, stop=None, distribution=None):
    """The heartbeat worker: a report to the back office every [handoff] heartbeat_seconds,
    beside the delivery worker, so a back office that is down never slows a delivery (and a
    delivery never delays a heartbeat). `beats` limits how many (tests); `stop` ends it;
    `distribution` (kiosk.distribution) tells the catalogue and clip versions in use."""
    heartbeat = Heartbeat(services, distribution)
    receiver = heartbeat_receiver(services.outbox.target, services.fleet)
    every = services.settings.handoff.heartbeat_seconds
    stop = stop or threading.Event()
    while beats is None or beats > 0:
        started = time.monotonic()
        beat(heartbeat, receiver)
        beats = None if beats is None else beats - 1
        if beats == 0 or stop.wait(max(0.0, every - (time.monotonic() - started))):
            return


def _warm_up(speech, prompts):
    """Synthesise every prompt in worker processes, leaving this process's engine to residents."""
    try:
        made = warm_in_processes(speech.settings, speech_jobs(prompts))
    except Exception:
        log.exception("speech warm-up failed; prompts are made on demand")
        return
    speech.cache.recount()
    log.info("speech warm-up made %d prompts", made)
