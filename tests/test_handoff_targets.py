"""Hand-off targets: the registry kiosk.ini chooses from, their [handoff.NAME] options, the
failing-demo target operators rehearse outages with, and the outbox as the table's one owner."""
import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest

from handoff_support import RECORD
from kiosk.errors import SettingsError
from kiosk.handoff import FailingDemoTarget, Outcome
from kiosk.settings import DEFAULT_CONFIG
from support import make_app

ROOT = Path(__file__).resolve().parent.parent


def kiosk(app):
    return app.extensions["kiosk"]


def rehearsal(tmp_path, mode, **options):
    """A kiosk handing off to the failing-demo target in `mode`; it never really waits."""
    app = make_app(tmp_path, **{"handoff.target": "failing-demo",
                                "handoff.failing-demo.mode": mode,
                                **{f"handoff.failing-demo.{key}": value
                                   for key, value in options.items()}})
    target = kiosk(app).outbox.target
    target.slept = []       # what it would have waited, in seconds
    target.sleep = target.slept.append
    return app


# The registry.

def test_the_registry_holds_the_built_in_http_and_failing_demo_targets(tmp_path):
    from kiosk.handoff import REGISTRY
    make_app(tmp_path)      # the app registers the built-in back office's target
    assert {"builtin", "http", "failing-demo"} <= set(REGISTRY)
    assert kiosk(make_app(tmp_path / "second")).outbox.target.name == "builtin"


def test_an_unknown_target_stops_start_up_naming_the_key_and_the_registered_names(tmp_path):
    with pytest.raises(SettingsError) as raised:
        make_app(tmp_path, **{"handoff.target": "ftp"})
    assert "[handoff] target must be one of builtin, failing-demo, http, not 'ftp'" \
        in str(raised.value)


def test_an_unknown_target_is_one_line_at_start_up_without_a_traceback(tmp_path):
    ini = tmp_path / "kiosk.ini"
    ini.write_text(DEFAULT_CONFIG.read_text().replace("target = builtin", "target = ftp")
                   .replace("path = var/kiosk.db", f"path = {tmp_path}/kiosk.db")
                   .replace("path = kiosk/data/catalogue.toml",
                            f"path = {ROOT}/kiosk/data/catalogue.toml"))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "kiosk", "handoff",
                             "status"], env={"KIOSK_CONFIG": str(ini), "PATH": "/usr/bin:/bin"},
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "[handoff] target must be one of builtin, failing-demo, http, not 'ftp'" \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_a_section_for_a_target_nobody_registered_is_refused(tmp_path):
    with pytest.raises(SettingsError) as raised:
        make_app(tmp_path, **{"handoff.htp.url": "https://cases.example.gov/kiosk/submissions"})
    assert "unknown section [handoff.htp]" in str(raised.value)
    assert 'did you mean "http"?' in str(raised.value)


@pytest.mark.parametrize("key, value, message", [
    ("mode", "explode", "[handoff.failing-demo] mode must be one of refuse, timeout, random, "
                        "accept, not 'explode'"),
    ("mode", "", "[handoff.failing-demo] mode is empty"),
    ("failure_rate", "2", "[handoff.failing-demo] failure_rate must be between 0 and 1, not 2"),
    ("failure_rate", "half", "[handoff.failing-demo] failure_rate must be a number like 0.5"),
    ("failure_rate", "nan", "[handoff.failing-demo] failure_rate must be between 0 and 1"),
    ("timeout_seconds", "0", "[handoff.failing-demo] timeout_seconds must be between 1 and 300"),
    ("failure_rte", "0.5", '[handoff.failing-demo] failure_rte is not a setting the '
                           'failing-demo target knows (did you mean "failure_rate"?)'),
])
def test_a_bad_failing_demo_value_stops_start_up_naming_section_and_key(tmp_path, key, value,
                                                                         message):
    with pytest.raises(SettingsError) as raised:
        make_app(tmp_path, **{"handoff.target": "failing-demo",
                              f"handoff.failing-demo.{key}": value})
    assert message in str(raised.value)


@pytest.mark.parametrize("overrides, message", [
    ({}, "[handoff.http] url is empty: [handoff] target = http needs it"),
    ({"handoff.http.url": "ftp://cases.example.gov"},
     "[handoff.http] url must be an http(s) URL when [handoff] target = http, not 'ftp://"),
    ({"handoff.url": "cases.example.gov"}, "[handoff] url must be an http(s) URL"),
    ({"handoff.http.url": "https://a.example.gov/kiosk/submissions",
      "handoff.url": "https://b.example.gov/kiosk/submissions"},
     "[handoff.http] url is 'https://a.example.gov/kiosk/submissions', but [handoff] url, "
     "its older place, says 'https://b.example.gov/kiosk/submissions': keep one"),
    ({"handoff.http.url": "https://a.example.gov/k/submissions",
      "handoff.http.timeout_seconds": "soon"},
     "[handoff.http] timeout_seconds must be a whole number, not 'soon'"),
])
def test_a_bad_http_value_names_its_section_and_key(tmp_path, overrides, message):
    with pytest.raises(SettingsError) as raised:
        make_app(tmp_path, **{"handoff.target": "http", **overrides})
    assert message in str(raised.value)


def test_http_keys_in_an_older_kiosk_ini_still_work(tmp_path):
    text = DEFAULT_CONFIG.read_text()
    http_section = re.search(r"\[handoff\.http\]\n.*?\n\n", text, re.S).group(0)
    older = text.replace(http_section, "").replace(
        "target = builtin\n", "target = http\nurl = https://cases.example.gov/kiosk/submissions\n"
                              "timeout_seconds = 7\n")
    (tmp_path / "kiosk.ini").write_text(older)
    from kiosk.settings import load_settings
    from kiosk.handoff import TargetContext, make_target
    settings = load_settings(tmp_path / "kiosk.ini")
    target = make_target("http", settings.handoff.options_for("http"), TargetContext("s"))
    assert (target.url, target.timeout) == ("https://cases.example.gov/kiosk/submissions", 7)
    assert target.ratings_url == "https://cases.example.gov/kiosk/ratings"


def test_calls_for_a_clerk_go_beside_the_http_target(tmp_path):
    from kiosk.clerk_call import BuiltInDesk, HttpDesk
    app = make_app(tmp_path, **{"handoff.target": "http", "handoff.http.url":
                                "https://cases.example.gov/kiosk/submissions"})
    assert isinstance(kiosk(app).desk, HttpDesk)
    assert isinstance(kiosk(rehearsal(tmp_path / "demo", "refuse")).desk, BuiltInDesk)


# The failing-demo target, for rehearsing an outage.

def test_refuse_makes_dead_letters_that_status_and_the_command_show_with_the_reason(tmp_path):
    app = rehearsal(tmp_path, "refuse")
    reference = kiosk(app).store.create_submission("K2", RECORD)
    assert kiosk(app).outbox.deliver_due() == 0
    assert kiosk(app).outbox.status()["dead"] == 1
    output = app.test_cli_runner().invoke(args=["handoff", "status"]).output
    assert "target: failing-demo" in output and "dead: 1" in output
    assert f"dead {reference}: failing-demo target: refused on purpose (mode = refuse)" in output
    page = app.test_client().get("/status").get_data(as_text=True)
    assert "failing-demo" in page and "死信" in page


def test_timeout_waits_its_timeout_then_leaves_the_entry_to_be_retried(tmp_path):
    app = rehearsal(tmp_path, "timeout", timeout_seconds="4")
    target = kiosk(app).outbox.target
    reference = kiosk(app).store.create_submission("K2", RECORD)
    kiosk(app).outbox.deliver_due()
    entry = kiosk(app).outbox.entries_for(reference)[0]
    assert target.slept == [4]
    assert entry["status"] == "pending" and entry["attempts"] == 1
    assert entry["last_error"] == "failing-demo target: no answer in 4 s (mode = timeout)"


def test_a_rehearsal_backs_the_outbox_up_and_accept_empties_it(tmp_path):
    app = rehearsal(tmp_path, "timeout")
    outbox = kiosk(app).outbox
    references = [kiosk(app).store.create_submission("K2", RECORD) for _ in range(3)]
    start = datetime.datetime.now(datetime.timezone.utc)
    for hours in range(3):
        outbox.deliver_due(now=start + datetime.timedelta(hours=hours))
    status = outbox.status(now=start + datetime.timedelta(hours=2))
    assert status["pending"] == 3 and status["oldest_pending_seconds"] > 7000
    outbox.target.mode = "accept"
    assert outbox.deliver_due(now=start + datetime.timedelta(hours=3)) == 3
    assert all(kiosk(app).backoffice.submission(reference) for reference in references)


@pytest.mark.parametrize("rate, outcome", [("0", "delivered"), ("1", "retry")])
def test_random_fails_with_its_rate(tmp_path, rate, outcome):
    app = rehearsal(tmp_path, "random", failure_rate=rate)
    reference = kiosk(app).store.create_submission("K2", RECORD)
    kiosk(app).outbox.deliver_due()
    entry = kiosk(app).outbox.entries_for(reference)[0]
    assert entry["status"] == {"delivered": "delivered", "retry": "pending"}[outcome]


def test_random_draws_from_the_injected_random_number():
    class Receiver:
        def deliver(self, body, reference):
            return Outcome("delivered", "received")
    draws = iter([0.29, 0.31])
    target = FailingDemoTarget("random", Receiver(), failure_rate=0.3, draw=lambda: next(draws))
    assert target.deliver(b"{}", "K2-1").result == "retry"
    assert target.deliver(b"{}", "K2-1") == Outcome("delivered", "received")


def test_ratings_meet_the_same_failures(tmp_path):
    app = rehearsal(tmp_path, "accept")
    reference = kiosk(app).store.create_submission("K2", RECORD)
    kiosk(app).outbox.deliver_due()
    kiosk(app).ratings.rate(reference, "K2", "satisfied")
    kiosk(app).outbox.target.mode = "refuse"
    kiosk(app).outbox.deliver_due()
    assert kiosk(app).ratings.get(reference)["status"] == "dead"
    kiosk(app).outbox.target.mode = "accept"
    kiosk(app).outbox.retry(reference)
    kiosk(app).outbox.deliver_due()
    assert kiosk(app).ratings.get(reference)["status"] == "delivered"


# The outbox: the one owner of its table.

def test_the_hand_off_imports_nothing_from_the_back_office():
    # A bare `kiosk` package, so only what kiosk.handoff itself imports is loaded (the
    # package's own __init__ builds the whole app, back office included).
    code = ("import sys, types; package = types.ModuleType('kiosk'); "
            "package.__path__ = ['kiosk']; sys.modules['kiosk'] = package; "
            "import kiosk.handoff; "
            "print(sorted(name for name in sys.modules if name.startswith('kiosk.')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    assert "kiosk.handoff.outbox" in result.stdout
    assert "kiosk.backoffice" not in result.stdout and "flask" not in result.stdout


# SQL naming the table, or sqlite-utils' db["outbox"] (a report's "outbox" key is no table).
SQL_ON_THE_OUTBOX = re.compile(r"(from|join|into|update|table)\s+outbox\b|db\[\"outbox\"\]",
                               re.IGNORECASE)


def test_no_code_but_the_outbox_touches_its_table():
    owner = ROOT / "kiosk" / "handoff" / "outbox.py"
    others = [path for path in (ROOT / "kiosk").rglob("*.py") if path != owner
              and SQL_ON_THE_OUTBOX.search(path.read_text(encoding="utf-8"))]
    assert others == []


def test_a_failing_outbox_write_leaves_no_submission_behind(tmp_path):
    app = make_app(tmp_path)
    store = kiosk(app).store
    store.db.execute("create trigger refuse before insert on outbox "
                     "begin select raise(abort, 'disk full'); end")
    with pytest.raises(Exception, match="disk full"):
        store.create_submission("K2", RECORD)
    assert store.db["submissions"].count == 0 and kiosk(app).outbox.status()["pending"] == 0
