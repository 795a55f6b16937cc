"""kiosk.ini -> typed, validated settings.

No Flask here: the app factory and the CLI both read settings through `load_settings`.
"""
import configparser
import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .audio_format import FORMATS
from .errors import SettingsError
from .spelling import did_you_mean
from .times import UnknownZone, hall_zone

LANGUAGES = ("zh", "en", "ko")
# Characters that cannot be confused when read aloud or typed: no 0/O, no 1/I.
UNAMBIGUOUS_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# What a machine running this package is: a kiosk, or a district's central back office.
MACHINE_ROLES = ("kiosk", "backoffice")
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "kiosk.ini"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# Sign languages the studio and clip library know by code. A code outside this list is
# far more likely a typo (CLS for CSL) than a new language; add one here when needed.
SIGN_LANGUAGES = {
    "CSL": "Chinese Sign Language", "HKSL": "Hong Kong Sign Language",
    "TSL": "Taiwan Sign Language", "KSL": "Korean Sign Language",
    "JSL": "Japanese Sign Language", "ASL": "American Sign Language",
    "BSL": "British Sign Language", "IS": "International Sign",
    "AUSLN": "Auslan (Australian Sign Language)", "NZSL": "New Zealand Sign Language",
    "ISL": "Irish Sign Language", "LSF": "French Sign Language",
    "DGS": "German Sign Language", "LIS": "Italian Sign Language",
    "LSE": "Spanish Sign Language", "VSL": "Vietnamese Sign Language",
}


@dataclass(frozen=True)
class Voice:
    """How one language is spoken: the engine's voice id and rates in words per minute."""
    voice: str
    rate: int
    slow_rate: int


@dataclass(frozen=True)
class SpeechSettings:
    enabled: bool
    driver: str | None
    cache_dir: Path
    cache_max_bytes: int
    cache_format: str  # "opus" (Ogg Opus, WAV where Opus is missing) or "wav"
    warm_at_start: bool
    volume: float
    voices: dict  # language -> Voice


@dataclass(frozen=True)
class VoiceSettings:
    enabled: bool
    models_dir: Path
    models: dict  # language -> "python:PACKAGE", a folder Path, or None for models_dir/LANG
    load_at_start: bool
    max_seconds: int
    max_concurrent_decodes: int
    accept_confidence: float
    reject_confidence: float


@dataclass(frozen=True)
class SignSettings:
    library_dir: Path
    sign_languages: dict  # screen language -> sign language code (CSL, ASL, KSL, IS, ...)
    max_upload_bytes: int
    max_clip_seconds: int


@dataclass(frozen=True)
class KeyboardSettings:
    pinyin_dictionary: Path
    handwriting_model: Path
    handwriting_second_model: Path | None   # a second model that votes, or None


@dataclass(frozen=True)
class StaffSettings:
    max_failed_logins: int
    lockout_minutes: int
    idle_minutes: int       # a signed-in clerk or interpreter is signed out after this


@dataclass(frozen=True)
class ScreenSettings:
    """Where wheelchair mode's reach zone begins: `reach_height` is the part of the screen,
    from its bottom edge, a seated resident can reach (0.55: the lowest 55%)."""
    reach_height: float

    @property
    def reach_top_percent(self):
        """The zone's top edge, in percent of the screen's height from the top (45 for 0.55)."""
        return round((1 - self.reach_height) * 100, 2)


@dataclass(frozen=True)
class HandoffSettings:
    target: str            # a registered target's name (kiosk/handoff/targets.py)
    secret: str
    retry_hours: int
    interval_seconds: int
    purge_after_days: int
    max_clock_skew_seconds: int
    sections: dict         # target name -> TargetOptions, its [handoff.NAME] section
    config_path: Path      # the kiosk.ini they come from, for messages
    heartbeat_seconds: int = 60   # between heartbeats to the back office; 0: none
    pull_seconds: int = 300  # target = http: how often to ask the centre for a catalogue, clips

    def options_for(self, name):
        """The [handoff.NAME] options of target `name` (empty when kiosk.ini has none)."""
        return self.sections.get(name) or TargetOptions(self.config_path, f"handoff.{name}", {})


@dataclass(frozen=True)
class RatingSettings:
    follow_up_working_days: int   # a dissatisfied rating's follow-up is due after these
    holidays: frozenset           # dates that are not working days, as kiosk.ini lists them


# How receipts reach paper (kiosk/printing): Chromium's own kiosk printing, the server
# printing a PDF through CUPS, the server driving an ESC/POS thermal printer, or no printer.
PRINT_METHODS = ("browser", "cups", "escpos", "none")
ESCPOS_KINDS = ("usb", "serial", "network", "file")


@dataclass(frozen=True)
class PrinterSettings:
    method: str = "browser"
    cups_queue: str = ""              # "": CUPS's default printer
    # usb:VID:PID | serial:DEVICE | network:HOST[:PORT] | file:DEVICE
    escpos_connection: str = ""
    escpos_dots: int = 576            # the head's width in dots: 576 for 80 mm paper at 203 dpi


@dataclass(frozen=True)
class BackupSettings:
    folder: Path        # where `flask --app kiosk backup now` writes kiosk-YYYYMMDD-HHMMSS.db
    keep_days: int      # backups older than this are deleted (never the newest one)


@dataclass(frozen=True)
class Settings:
    kiosk_id: str
    kiosk_name: str
    kiosk_names: dict     # screen language -> the name its receipts print
    default_language: str
    time_zone: datetime.tzinfo
    catalogue_path: Path
    database_path: Path
    idle_timeout_seconds: int
    warning_seconds: int
    confirmation_seconds: int
    host: str
    port: int
    secret_key: str
    speech: SpeechSettings
    voice: VoiceSettings
    signs: SignSettings
    keyboard: KeyboardSettings
    staff: StaffSettings
    handoff: HandoffSettings
    screen: ScreenSettings
    config_path: Path
    ratings: RatingSettings = RatingSettings(15, frozenset())
    backoffice_database: str = ""   # a SQLAlchemy URL; "" for the kiosk's own SQLite file
    role: str = "kiosk"             # or "backoffice": the central back office (kiosk/roles.py)
    handoff_worker: str = "in-process"  # or "separate": `python -m kiosk.worker` delivers
    backup: BackupSettings = None   # nightly backups of the database (kiosk/backup.py)
    printer: PrinterSettings = PrinterSettings()


def config_path_from_environment():
    """The kiosk.ini to read: $KIOSK_CONFIG, else the one beside the code."""
    return Path(os.environ.get("KIOSK_CONFIG") or DEFAULT_CONFIG).resolve()


def load_settings(path=None, overrides=None):
    """Read and check kiosk.ini; `overrides` maps "section.key" to a value (tests use it)."""
    path = Path(path or config_path_from_environment()).resolve()
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(path, encoding="utf-8"):
        raise SettingsError(f"{path}: the settings file cannot be read")
    for dotted, value in (overrides or {}).items():
        section, key = dotted.rsplit(".", 1)     # "handoff.http.url": [handoff.http] url
        if not parser.has_section(section):
            parser.add_section(section)
        parser.set(section, key, str(value))
    reader = _Reader(parser, path)
    base = path.parent

    kiosk_id = reader.text("kiosk", "id")
    if not re.fullmatch(f"[{UNAMBIGUOUS_ALPHABET}]{{2,6}}", kiosk_id):
        raise reader.error("kiosk", "id",
                           f"must be 2 to 6 of {UNAMBIGUOUS_ALPHABET}, not {kiosk_id!r}")
    default_language = reader.text("kiosk", "default_language")
    if default_language not in LANGUAGES:
        raise reader.error("kiosk", "default_language",
                           f"must be one of {', '.join(LANGUAGES)}, not {default_language!r}")

    settings = Settings(
        kiosk_id=kiosk_id,
        kiosk_name=reader.text("kiosk", "name"),
        kiosk_names={language: reader.text("kiosk", f"{language}_name", allow_empty=True)
                     or reader.text("kiosk", "name") for language in LANGUAGES},
        default_language=default_language,
        time_zone=_time_zone(reader),
        catalogue_path=base / reader.text("catalogue", "path"),
        database_path=base / reader.text("database", "path"),
        idle_timeout_seconds=reader.integer("session", "idle_timeout_seconds", 10, 3600),
        # WCAG 2.2.1: at least 20 seconds to answer "Are you still there?".
        warning_seconds=reader.integer("session", "warning_seconds", 20, 600),
        confirmation_seconds=reader.integer("session", "confirmation_seconds", 10, 3600),
        host=reader.text("server", "host"),
        port=reader.integer("server", "port", 1, 65535),
        secret_key=reader.text("server", "secret_key", allow_empty=True),
        speech=_speech_settings(reader, base),
        voice=_voice_settings(reader, base),
        signs=_sign_settings(reader, base),
        keyboard=KeyboardSettings(
            pinyin_dictionary=base / reader.text("keyboard", "pinyin_dictionary"),
            handwriting_model=base / reader.text("keyboard", "handwriting_model"),
            handwriting_second_model=_optional_path(
                base, reader.text("keyboard", "handwriting_second_model", allow_empty=True))),
        staff=StaffSettings(
            max_failed_logins=reader.integer("staff", "max_failed_logins", 1, 100),
            lockout_minutes=reader.integer("staff", "lockout_minutes", 1, 24 * 60),
            idle_minutes=reader.integer("staff", "idle_minutes", 2, 8 * 60)),
        handoff=_handoff_settings(reader),
        screen=_screen_settings(reader),
        config_path=path,
        ratings=_rating_settings(reader),
        backoffice_database=_backoffice_database(reader, base),
        role=_role(reader),
        handoff_worker=_handoff_worker(reader),
        backup=BackupSettings(folder=base / reader.text("backup", "folder"),
                              keep_days=reader.integer("backup", "keep_days", 1, 3650)),
        printer=_printer_settings(reader),
    )
    reader.refuse_unknown()
    return settings


def _time_zone(reader):
    name = reader.text("kiosk", "time_zone", allow_empty=True)
    try:
        return hall_zone(name)
    except UnknownZone:
        raise reader.error("kiosk", "time_zone",
                           f"is not a time zone this machine knows: {name!r} "
                           "(an IANA name such as Asia/Shanghai)") from None


def _printer_settings(reader):
    """[printer]: the method, and the connection its method needs (checked here, so a typo
    stops start-up rather than the first resident's receipt)."""
    method = reader.text("printer", "method")
    if method not in PRINT_METHODS:
        raise reader.error("printer", "method",
                           f"must be one of {', '.join(PRINT_METHODS)}, not {method!r}"
                           f"{did_you_mean(method, PRINT_METHODS)}")
    queue = reader.text("printer", "cups_queue", allow_empty=True)
    if queue and not re.fullmatch(r"[A-Za-z0-9_.@-]{1,127}", queue):
        raise reader.error("printer", "cups_queue", f"must be a CUPS queue name (letters, digits, "
                                                    f"_ . - @), not {queue!r}")
    connection = reader.text("printer", "escpos_connection", allow_empty=True)
    if method == "escpos" or connection:
        check_escpos_connection(connection, lambda problem: reader.error(
            "printer", "escpos_connection", problem))
    return PrinterSettings(method=method, cups_queue=queue, escpos_connection=connection,
                           escpos_dots=reader.integer("printer", "escpos_dots", 256, 1024))


def check_escpos_connection(connection, error):
    """Raise error(problem) unless `connection` is usb:VID:PID (hex), serial:DEVICE,
    network:HOST[:PORT] or file:DEVICE."""
    kind, _, rest = connection.partition(":")
    if kind not in ESCPOS_KINDS or not rest:
        raise error(f"must be usb:VID:PID, serial:/dev/ttyUSB0, network:HOST[:PORT] or "
                    f"file:/dev/usb/lp0, not {connection!r}")
    if kind == "usb" and not re.fullmatch(r"[0-9a-fA-F]{4}:[0-9a-fA-F]{4}", rest):
        raise error(f"must give the USB ids in hex as usb:VID:PID (like usb:04b8:0e15; "
                    f"`lsusb` lists them), not {connection!r}")
    if kind == "network" and not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", rest):
        raise error(f"must be network:HOST or network:HOST:PORT, not {connection!r}")
    if kind in ("serial", "file") and not rest.startswith("/"):
        raise error(f"must name the device by its full path (like {kind}:/dev/...), "
                    f"not {connection!r}")


def _optional_path(base, value):
    return base / value if value else None


def _role(reader):
    role = reader.text("server", "role")
    if role not in MACHINE_ROLES:
        raise reader.error("server", "role",
                           f"must be one of {', '.join(MACHINE_ROLES)}, not {role!r}")
    return role


HANDOFF_WORKERS = ("in-process", "separate")


def _handoff_worker(reader):
    # Optional: a kiosk.ini from before the key existed keeps its in-process worker.
    if not reader.parser.has_option("server", "handoff_worker"):
        reader.asked.setdefault("server", set()).add("handoff_worker")
        return HANDOFF_WORKERS[0]
    worker = reader.text("server", "handoff_worker")
    if worker not in HANDOFF_WORKERS:
        raise reader.error("server", "handoff_worker",
                           f"must be one of {', '.join(HANDOFF_WORKERS)}, not {worker!r}")
    return worker


def _backoffice_database(reader, base):
    """The back office's database URL: empty (the kiosk's own SQLite file), a
    postgresql:// URL, or sqlite:///path (relative to kiosk.ini's folder)."""
    url = reader.text("backoffice", "database", allow_empty=True)
    if not url:
        return ""
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        if len(url.split("://", 1)[1]) < 2:
            raise reader.error("backoffice", "database", "names no server or database")
        return url
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        return f"sqlite:///{(base / path) if not path.is_absolute() else path}"
    raise reader.error("backoffice", "database",
                       "must be empty (this kiosk's own file), postgresql://USER:PASSWORD@HOST/"
                       f"DATABASE or sqlite:///PATH, not {url!r}")


# Keys of [handoff.http] that older kiosk.ini files set in [handoff]; they still work there.
HTTP_KEYS_IN_HANDOFF = ("url", "ratings_url", "timeout_seconds")


def _handoff_settings(reader):
    """[handoff], and each [handoff.NAME] section as the options of target NAME: the
    target checks its own keys when the app builds it (kiosk.handoff.targets.make_target),
    because targets register themselves and settings know none of them."""
    sections = {}
    for section in reader.parser.sections():
        if section.startswith("handoff."):
            reader.asked[section] = set(reader.parser.options(section))
            sections[section.removeprefix("handoff.")] = TargetOptions(
                reader.path, section, dict(reader.parser[section]))
    older = {key: ("handoff", reader.text("handoff", key, allow_empty=True))
             for key in HTTP_KEYS_IN_HANDOFF if reader.parser.has_option("handoff", key)}
    reader.asked.setdefault("handoff", set()).update(HTTP_KEYS_IN_HANDOFF)
    http = sections.setdefault("http", TargetOptions(reader.path, "handoff.http", {}))
    http.fallbacks = older
    return HandoffSettings(
        target=reader.text("handoff", "target"),
        secret=reader.text("handoff", "secret", allow_empty=True),
        retry_hours=reader.integer("handoff", "retry_hours", 1, 24 * 30),
        interval_seconds=reader.integer("handoff", "interval_seconds", 1, 3600),
        purge_after_days=reader.integer("handoff", "purge_after_days", 0, 3650),
        max_clock_skew_seconds=reader.integer("backoffice", "max_clock_skew_seconds", 10, 3600),
        sections=sections, config_path=reader.path,
        heartbeat_seconds=reader.integer("handoff", "heartbeat_seconds", 0, 3600),
        pull_seconds=reader.integer("handoff", "pull_seconds", 10, 24 * 3600))


class TargetOptions:
    """One [handoff.NAME] section, read by the hand-off target that owns it: typed values
    whose errors name the section and key. A key left out or empty takes its `default`, or
    the same key in its older place (`fallbacks`: key -> (section, raw value))."""

    def __init__(self, path, section, values, fallbacks=None):
        self.path, self.section = path, section
        self.values = values
        self.fallbacks = fallbacks or {}
        self.read = set()

    def error(self, key, problem, section=None):
        return SettingsError(f"{self.path}: [{section or self.section}] {key} {problem}")

    def _raw(self, key):
        """(the section the value comes from, its text), "" when set nowhere."""
        self.read.add(key)
        own = self.values.get(key, "").strip()
        older_section, older = self.fallbacks.get(key, (None, ""))
        older = older.strip()
        if own and older and own != older:
            raise self.error(key, f"is {own!r}, but [{older_section}] {key}, its older "
                                  f"place, says {older!r}: keep one")
        if own or not older:
            return self.section, own
        return older_section, older

    def text(self, key, default=None):
        """The text set for `key`; `default` when empty (None: it must be set)."""
        section, raw = self._raw(key)
        if not raw and default is None:
            raise self.error(key, "is empty", section)
        return raw or default

    def url(self, key, required=True):
        """An http(s) URL; "" when not required and empty."""
        section, raw = self._raw(key)
        if not raw and not required:
            return ""
        if not raw:
            raise self.error(key, f"is empty: [handoff] target = "
                                  f"{self.section.removeprefix('handoff.')} needs it", section)
        if not re.fullmatch(r"https?://\S+", raw):
            raise self.error(key, f"must be an http(s) URL when [handoff] target = "
                                  f"{self.section.removeprefix('handoff.')}, not {raw!r}", section)
        return raw

    def integer(self, key, lowest, highest, default):
        """A whole number between `lowest` and `highest`; `default` when empty."""
        section, raw = self._raw(key)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise self.error(key, f"must be a whole number, not {raw!r}", section) from None
        if not lowest <= value <= highest:
            raise self.error(key, f"must be between {lowest} and {highest}, not {value}", section)
        return value

    def fraction(self, key, default):
        """A number from 0 to 1 (0.25); `default` when empty."""
        section, raw = self._raw(key)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise self.error(key, f"must be a number like 0.5, not {raw!r}", section) from None
        if not 0.0 <= value <= 1.0:     # also refuses nan
            raise self.error(key, f"must be between 0 and 1, not {raw}", section)
        return value

    def choice(self, key, choices, default=None):
        """One of `choices`; `default` when empty (None: it must be set)."""
        raw = self.text(key, default)
        if raw not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not {raw!r}"
                                  f"{did_you_mean(raw, choices)}")
        return raw

    def refuse_unknown(self):
        """A key the target did not read is a typo, never something to ignore."""
        for key in self.values:
            if key not in self.read:
                raise self.error(key, f"is not a setting the "
                                      f"{self.section.removeprefix('handoff.')} target knows"
                                      + did_you_mean(key, self.read))


def _rating_settings(reader):
    holidays = set()
    for text in re.split(r"[\s,]+", reader.text("ratings", "holidays", allow_empty=True)):
        if not text:
            continue
        try:
            holidays.add(datetime.date.fromisoformat(text))
        except ValueError:
            raise reader.error("ratings", "holidays",
                               f"must list dates as YYYY-MM-DD, not {text!r}") from None
    return RatingSettings(
        follow_up_working_days=reader.integer("ratings", "follow_up_working_days", 1, 60),
        holidays=frozenset(holidays))


# Wheelchair mode needs room for the top bar, the screen's choices and its action bar.
LOWEST_REACH_HEIGHT = 0.3
MOUNTING_KEYS = ("screen_bottom_cm", "screen_height_cm", "reach_top_cm")


def _screen_settings(reader):
    """The reach zone, from reach_height or from how the screen is mounted (in cm)."""
    fraction = reader.number("screen", "reach_height", LOWEST_REACH_HEIGHT, 1.0, allow_empty=True)
    bottom = reader.number("screen", "screen_bottom_cm", 0, 250, allow_empty=True)
    height = reader.number("screen", "screen_height_cm", 10, 300, allow_empty=True)
    reach_top = reader.number("screen", "reach_top_cm", 30, 250, allow_empty=True)
    mounting = dict(zip(MOUNTING_KEYS, (bottom, height, reach_top)))
    given = [key for key, value in mounting.items() if value is not None]
    if fraction is not None:
        if given:
            raise reader.error("screen", given[0], "must be empty when reach_height is set "
                               "(give the reach zone one way: a fraction or centimetres)")
        return ScreenSettings(reach_height=fraction)
    if len(given) < len(MOUNTING_KEYS):
        missing = next(key for key in MOUNTING_KEYS if key not in given)
        raise reader.error("screen", missing if given else "reach_height",
                           "is empty: set reach_height (like 0.55), or all of "
                           + ", ".join(MOUNTING_KEYS))
    if reach_top <= bottom:
        raise reader.error("screen", "reach_top_cm",
                           f"({reach_top:g}) is not above the screen's bottom edge "
                           f"(screen_bottom_cm = {bottom:g}): no control would be in reach")
    fraction = min(1.0, (reach_top - bottom) / height)
    if fraction < LOWEST_REACH_HEIGHT:
        raise reader.error("screen", "reach_top_cm",
                           f"leaves only {fraction:.0%} of the screen in reach; wheelchair mode "
                           f"needs at least {LOWEST_REACH_HEIGHT:.0%} (mount the screen lower)")
    return ScreenSettings(reach_height=round(fraction, 4))


def _speech_settings(reader, base):
    return SpeechSettings(
        enabled=reader.boolean("speech", "enabled"),
        driver=reader.text("speech", "driver", allow_empty=True) or None,
        cache_dir=base / reader.text("speech", "cache_dir"),
        cache_max_bytes=reader.integer("speech", "cache_max_mb", 1, 100_000) * 1024 * 1024,
        cache_format=_cache_format(reader),
        warm_at_start=reader.boolean("speech", "warm_at_start"),
        volume=reader.fraction("speech", "volume"),
        voices={language: Voice(
            voice=reader.text("speech", f"{language}_voice"),
            rate=reader.integer("speech", f"{language}_rate", 50, 400),
            slow_rate=reader.integer("speech", f"{language}_slow_rate", 50, 400))
            for language in LANGUAGES},
    )


def _cache_format(reader):
    """[speech] cache_format: opus or wav. Optional, so a kiosk.ini from before it still
    starts after an update (and gets Opus)."""
    if not reader.parser.has_option("speech", "cache_format"):
        reader.asked.setdefault("speech", set()).add("cache_format")
        return "opus"
    value = reader.text("speech", "cache_format").lower()
    if value not in FORMATS:
        raise reader.error("speech", "cache_format",
                           f"must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def _voice_settings(reader, base):
    models = {}
    for language in LANGUAGES:
        value = reader.text("voice", f"{language}_model", allow_empty=True)
        models[language] = value if value.startswith("python:") else (
            base / value if value else None)
    accept = reader.fraction("voice", "accept_confidence", lowest=0.0)
    reject = reader.fraction("voice", "reject_confidence", lowest=0.0)
    if reject > accept:
        raise reader.error("voice", "reject_confidence",
                           f"must not be above accept_confidence ({accept}), not {reject}")
    return VoiceSettings(
        enabled=reader.boolean("voice", "enabled"),
        models_dir=base / reader.text("voice", "models_dir"),
        models=models,
        load_at_start=reader.boolean("voice", "load_at_start"),
        max_seconds=reader.integer("voice", "max_seconds", 1, 60),
        max_concurrent_decodes=reader.integer("voice", "max_concurrent_decodes", 1, 16),
        accept_confidence=accept, reject_confidence=reject)


def _sign_settings(reader, base):
    sign_languages = {}
    for language in LANGUAGES:
        code = reader.text("signs", f"{language}_sign_language")
        if code not in SIGN_LANGUAGES:
            raise reader.error("signs", f"{language}_sign_language",
                               f"must be a known sign-language code ({', '.join(SIGN_LANGUAGES)}"
                               f"), not {code!r}{did_you_mean(code, SIGN_LANGUAGES)}")
        sign_languages[language] = code
    return SignSettings(
        library_dir=base / reader.text("signs", "library_dir"),
        sign_languages=sign_languages,
        max_upload_bytes=reader.integer("signs", "max_upload_mb", 1, 2000) * 1024 * 1024,
        max_clip_seconds=reader.integer("signs", "max_clip_seconds", 5, 3600))


class _Reader:
    """Reads typed values, raising SettingsError that names the section and key."""

    def __init__(self, parser, path):
        self.parser = parser
        self.path = path
        self.asked = {}     # section -> the keys the kiosk reads there

    def error(self, section, key, problem):
        return SettingsError(f"{self.path}: [{section}] {key} {problem}")

    def text(self, section, key, allow_empty=False):
        self.asked.setdefault(section, set()).add(key)
        if not self.parser.has_option(section, key):
            present = self.parser.options(section) if self.parser.has_section(section) else []
            close = did_you_mean(key, present)
            raise self.error(section, key, "is missing" + (
                close.replace("did you mean", "is it misspelt as") if close else ""))
        value = self.parser.get(section, key).strip()
        if not value and not allow_empty:
            raise self.error(section, key, "is empty")
        return value

    def refuse_unknown(self):
        """A key or section the kiosk does not read is a typo, never something to ignore."""
        for section in self.parser.sections():
            if section not in self.asked:
                raise SettingsError(f"{self.path}: unknown section [{section}]"
                                    f"{did_you_mean(section, self.asked)}")
            for key in self.parser.options(section):
                if key not in self.asked[section]:
                    raise self.error(section, key, "is not a setting the kiosk knows"
                                     + did_you_mean(key, self.asked[section]))

    def boolean(self, section, key):
        raw = self.text(section, key).lower()
        if raw not in ("yes", "no", "true", "false", "on", "off"):
            raise self.error(section, key, f"must be yes or no, not {raw!r}")
        return raw in ("yes", "true", "on")

    def fraction(self, section, key, lowest=0.1):
        """A fraction between `lowest` and 1.0, written as a decimal (0.8)."""
        raw = self.text(section, key)
        try:
            value = float(raw)
        except ValueError:
            raise self.error(section, key, f"must be a number like 0.8, not {raw!r}") from None
        if not lowest <= value <= 1.0:
            raise self.error(section, key, f"must be between {lowest} and 1.0, not {value}")
        return value

    def number(self, section, key, lowest, highest, allow_empty=False):
        """A decimal number between `lowest` and `highest` (None when empty and allowed)."""
        raw = self.text(section, key, allow_empty=allow_empty)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise self.error(section, key, f"must be a number like {highest / 2:g}, "
                                           f"not {raw!r}") from None
        if not (lowest <= value <= highest):     # also refuses nan
            raise self.error(section, key, f"must be between {lowest:g} and {highest:g}, "
                                           f"not {raw}")
        return value

    def integer(self, section, key, lowest, highest):
        raw = self.text(section, key)
        try:
            value = int(raw)
        except ValueError:
            raise self.error(section, key, f"must be a whole number, not {raw!r}") from None
        if not lowest <= value <= highest:
            raise self.error(section, key, f"must be between {lowest} and {highest}, not {value}")
        return value
