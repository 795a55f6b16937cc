"""Putting a new catalogue in use between residents, never in the middle of a journey.

No Flask here. Everything built from the catalogue (the prompts, the sign library's known
keys, the service search, the outbox's titles) is rebuilt together by `parts_from`, at
start-up and at every switch. A new catalogue waits as `pending` until no resident's
session holds anything (kiosk.store.resident_sessions): the resident on the screen
finishes, and sends, on the version they started with; the next one gets the new one.
"""
import logging
import threading
import time

from .card_texts import CardTexts
from .prompts import Prompts
from .service_search import ServiceFinder
from .signs import SignLibrary

log = logging.getLogger(__name__)


def parts_from(catalogue, settings, input_methods):
    """What the kiosk builds from a catalogue: {"prompts", "signs", "service_finder",
    "card_texts"}."""
    prompts = Prompts(catalogue)
    return {"prompts": prompts,
            "signs": SignLibrary(settings.signs.library_dir, prompts.keys()),
            "service_finder": ServiceFinder(catalogue, input_methods["pinyin"].initials),
            "card_texts": CardTexts(catalogue)}


class CatalogueSwitch:
    """Holds a catalogue waiting to be put in use, and which version is in use."""

    def __init__(self, version=None):
        self.version = version      # in use: a centre's version, or None (kiosk.ini's file)
        self.pending = None         # (catalogue, version) waiting for the residents
        self._lock = threading.Lock()
        self.switched = []          # callbacks after a switch (the clip sync looks again)
        # Held by the worker while it takes clips into the sign library: a switch then
        # would swap the library under it (its clips lost from the new one), so it waits.
        self.clips_busy = threading.Lock()

    def offer(self, catalogue, version):
        """A new catalogue to use as soon as no resident is in the middle of a journey."""
        with self._lock:
            self.pending = (catalogue, version)

    def switch_if_free(self, services, now=None):
        """Put the pending catalogue in use if no resident's session holds anything;
        True when it was switched."""
        if self.pending is None:
            return False
        if not self.clips_busy.acquire(blocking=False):
            return False            # the next request or pass switches
        try:
            with self._lock:
                if self.pending is None:
                    return False
                if services.store.resident_sessions(now if now is not None else time.time()):
                    return False
                catalogue, version = self.pending
                use(services, catalogue)
                self.pending, self.version = None, version
            log.info("catalogue version %s is in use from the next resident on", version)
            for callback in self.switched:
                callback()
            return True
        finally:
            self.clips_busy.release()


def use(services, catalogue):
    """Rebuild everything made from the catalogue and put it all in use together."""
    parts = parts_from(catalogue, services.settings, services.input_methods)
    services.prompts = parts["prompts"]
    services.signs = parts["signs"]
    services.service_finder = parts["service_finder"]
    services.card_texts = parts["card_texts"]
    services.outbox.catalogue = catalogue
    services.catalogue = catalogue
