"""One-stop service kiosk: life-event packages, one form, one set of documents.

`create_app()` reads kiosk.ini, builds the services once and hangs them on the app;
blueprints reach them through `kiosk.web.services()`.
"""
import os
import secrets
import threading
from dataclasses import dataclass

import click
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import commands, distribution, i18n, pages, roles
from .card_texts import CardTexts
from .catalogue import Catalogue
from .catalogue_switch import parts_from
from .catalogue_updates import starting_catalogue
from .errors import KioskError
from .sessions import SQLiteSessionInterface
from .roles import for_role
from .settings import Settings, load_settings
from .prompts import Prompts
from .printing.printer import ReceiptPrinter
from .speech import Speech
from .backoffice.database import Database, sqlite_url
from .backoffice.inbox import BackOffice
from .backoffice.calls import Calls
from .backoffice.fleet import Fleet
from .clerk_call import BuiltInDesk, HttpDesk, calls_base
from .backoffice.ratings import ReceivedRatings
from .handoff import HttpTarget, Outbox, TargetContext, chosen_target
from .backoffice import builtin_target  # noqa: F401  (registers the "builtin" target)
from .signs import SignLibrary
from .backoffice.staff import Staff
from .ratings import Ratings
from .store import Store
from .voice import Voice
from .modes.input_methods import input_methods
from .service_search import ServiceFinder
from .backoffice import (call_desk, catalogue_pages, clerks, distribution_api, fleet_pages,
                         rating_pages, sign_in, studio)
from .appliance import health
from .views import (call, input, journey, packages, preferences, rating, receipt, signs, speech,
                    status, voice)

MIN_SECRET_LENGTH = 32    # a stored secret shorter than this was cut short
MAX_POST_BYTES = 64 * 1024  # the longest form is a few kilobytes; anything bigger is not a resident


@dataclass
class Services:
    settings: Settings
    catalogue: Catalogue
    store: Store
    prompts: Prompts
    speech: Speech
    voice: Voice
    signs: SignLibrary
    staff: Staff
    backoffice: BackOffice
    outbox: Outbox
    handoff_secret: str
    wake_outbox: threading.Event
    input_methods: dict
    service_finder: ServiceFinder
    calls: Calls
    desk: object        # where a resident's call for a clerk goes (kiosk.clerk_call.Desk)
    ratings: Ratings                    # the residents' ratings on this kiosk
    received_ratings: ReceivedRatings   # and as the back office keeps them
    backoffice_database: Database       # where the back office keeps its tables
    fleet: Fleet = None                 # every kiosk's latest heartbeat and health
    printer: ReceiptPrinter = None      # the receipt printer (kiosk.ini [printer])
    card_texts: CardTexts = None        # the service and package cards' texts


def create_app(test_config=None):
    """Build the kiosk app; `test_config` may hold Flask keys and "KIOSK_OVERRIDES"."""
    try:
        return _build_app(test_config)
    except KioskError as error:
        if click.get_current_context(silent=True) is None:
            raise               # `make run` and tests: the caller says it their way
        # Under `flask --app kiosk COMMAND`: one line an operator can act on, no traceback.
        raise click.ClickException(f"the kiosk cannot start: {error}") from None


def _build_app(test_config):
    test_config = dict(test_config or {})
    settings = for_role(load_settings(overrides=test_config.pop("KIOSK_OVERRIDES", None)))
    # First, so an unwritable database folder is reported before anything is written there.
    store = Store(settings.database_path)
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(
        KIOSK_SETTINGS=settings,
        SECRET_KEY=settings.secret_key or _stored_secret(settings, "secret_key"),
        MAX_CONTENT_LENGTH=MAX_POST_BYTES,
        WTF_CSRF_TIME_LIMIT=None,  # the session's idle timeout already limits a token's life
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.config.update(test_config)

    # The last good copy pulled from the centre, if there is one; else kiosk.ini's file.
    catalogue, catalogue_version = starting_catalogue(settings)
    keyboards = input_methods(settings.keyboard)
    parts = parts_from(catalogue, settings, keyboards)
    voices = Speech(settings.speech)
    listener = Voice(settings.voice)
    database = Database(settings.backoffice_database or sqlite_url(settings.database_path))
    database.upgrade()
    back_office = BackOffice(database)
    ratings = Ratings(store)
    received_ratings = ReceivedRatings(database, settings.ratings, settings.time_zone)
    secret = settings.handoff.secret or _stored_secret(settings, "handoff_secret")
    target = chosen_target(settings.handoff,
                           TargetContext(secret, back_office, received_ratings,
                                         settings.kiosk_id))
    outbox = Outbox(store, catalogue, target, settings.handoff.retry_hours, ratings)
    calls = Calls(database)
    app.extensions["kiosk"] = Services(
        settings, catalogue, store, parts["prompts"], voices, listener, parts["signs"],
        Staff(database, settings.staff), back_office, outbox, secret, threading.Event(),
        keyboards, parts["service_finder"], calls,
        _desk(target, calls, secret), ratings, received_ratings, database,
        fleet=Fleet(database), printer=ReceiptPrinter(settings.printer),
        card_texts=parts["card_texts"])
    distribution.init_app(app, distribution.build(settings, database, target,
                                                  catalogue_version))
    # A little longer than the idle dialog gives, so the dialog's own wipe comes first.
    app.session_interface = SQLiteSessionInterface(
        store, settings.idle_timeout_seconds + settings.warning_seconds + 30,
        settings.staff.idle_minutes * 60 + settings.warning_seconds + 30)

    i18n.init_app(app)
    voice.init_app(app)
    catalogue_pages.init_app(app)   # before the anti-forgery check, as voice's
    csrf = CSRFProtect(app)
    # Wiping a session must work even when its token has already gone with it (the idle
    # dialog's wipe after a long sleep); a forged wipe can do no harm.
    csrf.exempt("kiosk.views.preferences.start_over")
    pages.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(packages.bp)
    app.register_blueprint(journey.bp)
    app.register_blueprint(rating.bp)
    app.register_blueprint(receipt.bp)
    app.register_blueprint(preferences.bp)
    app.register_blueprint(speech.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(input.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(signs.bp)
    app.register_blueprint(sign_in.bp)
    app.register_blueprint(studio.bp)
    app.register_blueprint(rating_pages.bp)
    app.register_blueprint(clerks.bp)
    app.register_blueprint(call_desk.bp)
    app.register_blueprint(fleet_pages.bp)
    app.register_blueprint(call.bp)
    app.register_blueprint(distribution_api.bp)
    app.register_blueprint(catalogue_pages.bp)
    clerks.init_app(app, csrf)
    call_desk.init_app(app, csrf)
    rating_pages.init_app(app, csrf)
    fleet_pages.init_app(app, csrf)
    distribution_api.init_app(app, csrf)
    signs.init_app(app)
    speech.init_app(app)
    commands.init_app(app)
    roles.init_app(app)
    return app


def _desk(target, calls, secret):
    """Where calls for a clerk go: beside the hand-off target (the hall's case system for
    http; this kiosk's own back office for the others, failing-demo's rehearsals too)."""
    if isinstance(target, HttpTarget):
        return HttpDesk(calls_base(target.url), secret, min(target.timeout, 5),
                        kiosk_id=target.kiosk_id)
    return BuiltInDesk(calls)


def _stored_secret(settings, name):
    """A secret kept beside the database, made on first start (kiosk.ini left it empty)."""
    path = settings.database_path.parent / name
    if path.exists() and len(path.read_text().strip()) < MIN_SECRET_LENGTH:
        # Cut short by a power cut before it reached the disk: an empty key would let
        # anyone sign. Nothing signed with it can have been kept, so make a new one.
        path.unlink()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{name}.{os.getpid()}")
        with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
            file.flush()
            os.fsync(file.fileno())
        # Several processes may start at once (a back office under gunicorn): the first
        # link wins and every process reads the same secret, never a half-written one.
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
