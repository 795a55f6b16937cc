"""Hand-off targets: where submissions go, as plugins behind one small base class.

No Flask here, and nothing from the back office: a target that lives elsewhere registers
itself under its name (the built-in back office does, in kiosk/backoffice/builtin_target.py).
kiosk.ini chooses one by name ([handoff] target); its options are the [handoff.NAME] section,
read through a `kiosk.settings.TargetOptions` so a bad value names its section and key.

To add a target: subclass Target, decorate it with @register("name"), read its options in
`from_options`, and import its module where the app is built (kiosk/__init__.py).
"""
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..errors import SettingsError
from ..spelling import did_you_mean
from .signing import signed_headers

RETRY_STATUSES = {408, 429}
REGISTRY = {}   # name in kiosk.ini -> Target class


@dataclass(frozen=True)
class Outcome:
    """What a delivery attempt came to: "delivered", "retry" or "dead", with the reason."""
    result: str
    reason: str = ""


@dataclass
class TargetContext:
    """What a target may need besides its options: the signing secret, and this process's
    own back office (its inbox and received ratings) for targets that hand to it."""
    secret: str = ""
    backoffice: object = None
    received_ratings: object = None
    kiosk_id: str = ""          # this kiosk's id, sent with what it signs


class Target:
    """Where submissions go. A new kind of target implements `deliver`, `deliver_rating` if
    it takes residents' ratings, and `from_options` if it has options in kiosk.ini."""

    name = "target"

    @classmethod
    def from_options(cls, options, context):
        """The target as kiosk.ini's [handoff.NAME] section (`options`) sets it up."""
        return cls()

    def deliver(self, body, reference):
        raise NotImplementedError

    def deliver_rating(self, body, key):
        return Outcome("dead", f"the {self.name} target takes no ratings")


def register(name):
    """Class decorator: make a Target available to kiosk.ini as `[handoff] target = name`."""
    def add(cls):
        cls.name = name
        REGISTRY[name] = cls
        return cls
    return add


def make_target(name, options, context):
    """The registered target `name`, set up from its `options` (a TargetOptions, or None
    for a target that has none); raises SettingsError naming [handoff] target, with the
    registered names, for an unknown one."""
    cls = REGISTRY.get(name)
    if cls is None:
        where = f"{options.path}: " if options is not None else ""
        raise SettingsError(f"{where}[handoff] target must be one of "
                            f"{', '.join(sorted(REGISTRY))}, not {name!r}")
    target = cls.from_options(options, context)
    if options is not None:
        options.refuse_unknown()    # a key the target did not read is a typo
    return target


def chosen_target(handoff, context):
    """The target kiosk.ini chooses (`handoff`: its HandoffSettings). Every [handoff.NAME]
    section must name a registered target, chosen or not: a misspelt one is refused."""
    for name, options in handoff.sections.items():
        if name not in REGISTRY:
            raise SettingsError(f"{options.path}: unknown section [{options.section}]; hand-off "
                                f"targets are {', '.join(sorted(REGISTRY))}"
                                f"{did_you_mean(name, REGISTRY)}")
    return make_target(handoff.target, handoff.options_for(handoff.target), context)


def beside(submissions_url, name):
    """The address of another of the back office's endpoints, beside the submissions one:
    .../backoffice/api/submissions -> .../backoffice/api/NAME ("" for the API's base).
    Ratings, calls, heartbeats, the catalogue and clips all go there."""
    base = submissions_url.rstrip("/").rpartition("/")[0]
    return f"{base}/{name}" if name else base


@register("http")
class HttpTarget(Target):
    """The hall's case system: signed JSON over HTTP(S)."""

    def __init__(self, url, secret, timeout, ratings_url="", kiosk_id=None):
        self.url, self.secret, self.timeout = url, secret, timeout
        self.ratings_url = ratings_url
        self.kiosk_id = kiosk_id   # sent as X-Kiosk-Id: whose key signs

    @classmethod
    def from_options(cls, options, context):
        url = options.url("url")
        ratings_url = options.url("ratings_url", required=False)
        if not ratings_url:     # beside the submissions URL: .../kiosk/ratings
            ratings_url = beside(url, "ratings")
        return cls(url, context.secret, options.integer("timeout_seconds", 1, 300, default=10),
                   ratings_url, kiosk_id=context.kiosk_id)

    def deliver(self, body, reference):
        return self._post(self.url, body, reference)

    def deliver_rating(self, body, key):
        return self._post(self.ratings_url, body, key)

    def _post(self, url, body, key):
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers=signed_headers(self.secret, body, key,
                                                                kiosk_id=self.kiosk_id))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Outcome("delivered", f"HTTP {response.status}")
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code in RETRY_STATUSES:
                return Outcome("retry", f"HTTP {error.code}")
            if error.code == 409:
                return Outcome("delivered", "HTTP 409: the receiver already has it")
            return Outcome("dead", f"HTTP {error.code}: {error.read(500).decode('utf-8', 'replace')}")
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            return Outcome("retry", f"{type(error).__name__}: {getattr(error, 'reason', error)}")


@register("failing-demo")
class FailingDemoTarget(Target):
    """A target that fails on purpose, for operators to rehearse an outage (as Open Forms'
    demo backends do): `refuse` turns everything into dead letters (as a receiver answering
    4xx would), `timeout` waits `timeout_seconds` and gives up for a later retry, `random`
    fails (for a retry) with probability `failure_rate`, and `accept` fails never. What is
    not failed goes to the built-in back office, so a rehearsal ends with everything there."""

    MODES = ("refuse", "timeout", "random", "accept")

    def __init__(self, mode, receiver, failure_rate=0.5, timeout_seconds=3,
                 draw=random.random, sleep=time.sleep):
        self.mode, self.receiver = mode, receiver
        self.failure_rate, self.timeout_seconds = failure_rate, timeout_seconds
        self.draw, self.sleep = draw, sleep     # injectable, so tests need not wait or guess

    @classmethod
    def from_options(cls, options, context):
        return cls(options.choice("mode", cls.MODES),
                   make_target("builtin", None, context),
                   failure_rate=options.fraction("failure_rate", default=0.5),
                   timeout_seconds=options.integer("timeout_seconds", 1, 300, default=3))

    def deliver(self, body, reference):
        return self._fail() or self.receiver.deliver(body, reference)

    def deliver_rating(self, body, key):
        return self._fail() or self.receiver.deliver_rating(body, key)

    def _fail(self):
        """The failure this mode makes now, or None to deliver."""
        if self.mode == "refuse":
            return Outcome("dead", "failing-demo target: refused on purpose (mode = refuse), "
                                   "as a receiver answering HTTP 400 would")
        if self.mode == "timeout":
            self.sleep(self.timeout_seconds)
            return Outcome("retry", f"failing-demo target: no answer in {self.timeout_seconds} s "
                                    "(mode = timeout)")
        if self.mode == "random" and self.draw() < self.failure_rate:
            return Outcome("retry", f"failing-demo target: failed at random "
                                    f"(mode = random, failure_rate = {self.failure_rate})")
        return None
