"""One catalogue and one clip library for every kiosk: how the pieces are put together.

The centre's side (kiosk.backoffice.publishing, clip_library, distribution_api) is there in
every install, as the back office is. A kiosk whose hand-off target is http also pulls the
catalogue (kiosk.catalogue_updates) and shares clips (kiosk.clip_sync) in the background
worker, and puts a new catalogue in use between residents (kiosk.catalogue_switch); with
the built-in back office a kiosk is its own centre and uses kiosk.ini's file.
`catalogue_version(app)` and `clip_library_version(app)` say what a kiosk runs (heartbeats).
"""
import logging
import time
from dataclasses import dataclass

from .backoffice.clip_library import ClipLibrary
from .backoffice.publishing import CatalogueVersions
from .catalogue import load_catalogue, read_catalogue_text
from .catalogue_switch import CatalogueSwitch, use
from .catalogue_updates import CatalogueUpdates, copy_folder
from .centre import Centre, api_base
from .clip_sync import STATE, ClipSync
from .handoff import HttpTarget
from .roles import is_central

log = logging.getLogger(__name__)


@dataclass
class Distribution:
    versions: CatalogueVersions     # the centre's published catalogues
    clip_library: ClipLibrary       # the centre's clips
    switch: CatalogueSwitch         # which catalogue version this kiosk uses, and the next
    updates: CatalogueUpdates = None    # target = http: pulls the catalogue
    clip_sync: ClipSync = None          # target = http: shares the clips


def build(settings, database, target, version):
    """The distribution parts for this install; `version` is the catalogue's it started on.
    A kiosk handing off over HTTP takes the catalogue and clips from that centre."""
    folder = settings.database_path.parent
    signs = settings.signs
    distribution = Distribution(
        CatalogueVersions(database),
        ClipLibrary(database, folder / "clip-library", signs.max_upload_bytes,
                    signs.max_clip_seconds),
        CatalogueSwitch(version))
    if isinstance(target, HttpTarget):
        centre = Centre(api_base(target.url), target.secret, target.timeout,
                        settings.handoff.max_clock_skew_seconds, settings.kiosk_id)
        distribution.updates = CatalogueUpdates(centre, copy_folder(settings), version)
        distribution.clip_sync = ClipSync(centre, folder / STATE, signs.max_upload_bytes)
        distribution.switch.switched.append(distribution.clip_sync.look_again)
    return distribution


def init_app(app, distribution):
    """Hang `distribution` on the app, and switch catalogues as a new resident arrives."""
    app.extensions["distribution"] = distribution
    services = app.extensions["kiosk"]

    @app.before_request
    def switch_catalogue_between_residents():
        # A new resident's first request, with nobody mid-journey: the moment to switch.
        if distribution.switch.pending is not None:
            distribution.switch.switch_if_free(services)

    if is_central(services.settings):
        # The clerks' filters, summary and CSV wording follow the catalogue that stands,
        # in every process of the centre (one publishes, the others see it next request).
        app.before_request(lambda: follow_published(distribution, services))


def follow_published(distribution, services):
    """Put the published catalogue that stands in use, if it is not already (kiosk.ini's
    file when none stands)."""
    standing = distribution.versions.standing_version()
    if standing == distribution.switch.version:
        return
    if standing is None:
        catalogue = load_catalogue(services.settings.catalogue_path)
    else:
        catalogue = read_catalogue_text(distribution.versions.current()["body"],
                                        f"published version {standing}")
    use(services, catalogue)
    distribution.switch.version = standing


def distribute_once(app):
    """One pass: pull the catalogue, share the clips, switch if nobody is mid-journey."""
    distribution, services = app.extensions["distribution"], app.extensions["kiosk"]
    if distribution.updates is None:
        return
    pulled = distribution.updates.pull()
    if pulled is not None:
        distribution.switch.offer(*pulled)
    distribution.switch.switch_if_free(services)
    with distribution.switch.clips_busy:      # no switch while clips go into the library
        distribution.clip_sync.run(services.signs)


def distribute_forever(app, passes=None):
    """The worker: one pass every [handoff] pull_seconds, whatever happens in one."""
    interval = app.extensions["kiosk"].settings.handoff.pull_seconds
    while True:
        try:
            distribute_once(app)
        except Exception:  # keep going: one bad pass must not stop the next
            log.exception("catalogue and clip pass failed")
        passes = None if passes is None else passes - 1
        if passes == 0:
            return
        time.sleep(interval)


def catalogue_version(app):
    """The centre's catalogue version this kiosk uses; None for kiosk.ini's own file."""
    return app.extensions["distribution"].switch.version


def clip_library_version(app):
    """The centre's clip library as far as this kiosk has taken it in (when its newest clip
    came); the centre's own newest clip where the back office is built in."""
    distribution = app.extensions["distribution"]
    if distribution.clip_sync is not None:
        return distribution.clip_sync.version()
    return distribution.clip_library.version()
