"""The fleet: every kiosk's latest heartbeat, and how healthy each kiosk is and why.

No Flask here; this module owns the `heartbeats` table and its SQL (the register of
kiosks, `kiosks`, is read only). A heartbeat arrives as signed JSON ("kiosk.heartbeat/1",
kiosk/data/heartbeat.schema.json); the latest one of each kiosk is kept. A kiosk's state
is ok, warning or down, with the reasons, judged against the thresholds below at a given
`now` (so the rules can be tested at a fixed time):

- down: never heard from (in the register, no heartbeat yet), or silent for SILENT_SECONDS;
- warning: outbox backing up, dead letters, disk nearly full, speech not working or its
  cache incomplete, a voice model failed, printer out of paper, offline or in error.
"""
import datetime
import json
import math
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import select

from ..messages import N_
from . import tables
from .database import upsert
from .inbox import Rejected, check_document, zoned_time

SCHEMA = "kiosk.heartbeat/1"
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "heartbeat.schema.json"
HEARTBEAT = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))

# Kiosks send a heartbeat every minute ([handoff] heartbeat_seconds): five missed is down.
SILENT_SECONDS = 5 * 60
# More than this many applications waiting, or one waiting this long, is an outbox backing up.
OUTBOX_PENDING_MOST = 20
OUTBOX_OLDEST_SECONDS = 10 * 60
# Less free than this (either) is a disk nearly full: the database and speech cache grow.
DISK_FREE_BYTES_LEAST = 1_000_000_000
DISK_FREE_SHARE_LEAST = 0.05

STATES = ("down", "warning", "ok")          # worst first, as the fleet page sorts
DOWN_REASONS = {"never_heard", "silent"}
# Each reason's words, with the figures its details give (the page translates them; the
# command line prints them as they are).
REASONS = {
    "never_heard": N_("Never heard from"),
    "silent": N_("Silent for %(minutes)d min"),
    "outbox_backing_up": N_("Outbox backing up: %(pending)d waiting, the oldest for "
                            "%(minutes)d min"),
    "dead_letters": N_("Dead letters (applications that could not be handed off): %(dead)d"),
    "disk_nearly_full": N_("Disk nearly full: %(free)s free"),
    "speech_not_working": N_("Read aloud is turned on but not working."),
    "speech_cache_incomplete": N_("Speech not ready; prompts not yet spoken: %(count)d"),
    "voice_failed": N_("Voice input not ready: a model failed to load (%(languages)s)"),
    "printer_out_of_paper": N_("Printer out of paper"),
    "printer_offline": N_("Printer offline"),
    "printer_error": N_("Printer error"),
}


def check_heartbeat(data):
    """Raise Rejected unless `data` follows kiosk.heartbeat/1, naming where it fails."""
    check_document(HEARTBEAT, data)
    zoned_time(data, "sent")
    # JSON parsers take NaN and Infinity, which no bound catches.
    seconds = data["outbox"]["oldest_pending_seconds"]
    if seconds is not None and not math.isfinite(seconds):
        raise Rejected("outbox/oldest_pending_seconds: must be a finite number")


def gigabytes(count):
    """"0.8 GB" for a number of bytes (one decimal: enough to judge a disk by)."""
    return f"{count / 1e9:.1f} GB"


def health(report, received, now):
    """(state, reasons) of a kiosk whose latest report is `report`, received at the ISO time
    `received` (None and None: never heard from). Each reason is {"code": ..., figures}."""
    if report is None:
        return "down", [{"code": "never_heard"}]
    reasons = []
    silent = (now - datetime.datetime.fromisoformat(received)).total_seconds()
    if silent >= SILENT_SECONDS:
        reasons.append({"code": "silent", "minutes": int(silent // 60)})
    outbox = report["outbox"]
    oldest = outbox["oldest_pending_seconds"] or 0
    if outbox["pending"] > OUTBOX_PENDING_MOST or oldest > OUTBOX_OLDEST_SECONDS:
        reasons.append({"code": "outbox_backing_up", "pending": outbox["pending"],
                        "minutes": int(oldest // 60)})
    if outbox["dead"]:
        reasons.append({"code": "dead_letters", "dead": outbox["dead"]})
    disk = report["disk"]
    if disk["free_bytes"] < DISK_FREE_BYTES_LEAST or \
            disk["free_bytes"] < DISK_FREE_SHARE_LEAST * disk["total_bytes"]:
        reasons.append({"code": "disk_nearly_full", "free": gigabytes(disk["free_bytes"])})
    speech = report["speech"]
    if speech["enabled"] and not speech["engine_ready"]:
        reasons.append({"code": "speech_not_working"})
    elif speech["enabled"] and speech["unspoken_prompts"]:
        reasons.append({"code": "speech_cache_incomplete", "count": speech["unspoken_prompts"]})
    voice = report["voice"]
    failed = [language for language, state in sorted(voice["models"].items())
              if state == "failed"]
    if voice["enabled"] and failed:
        reasons.append({"code": "voice_failed", "languages": ", ".join(failed)})
    printer = report["printer"]["state"]
    if printer in ("out_of_paper", "offline", "error"):
        reasons.append({"code": f"printer_{printer}"})
    if any(reason["code"] in DOWN_REASONS for reason in reasons):
        return "down", reasons
    return ("warning" if reasons else "ok"), reasons


def reason_text(reason, translate=lambda message: message):
    """A reason in words: `translate` (gettext on the web) turns the English into the clerk's."""
    figures = {name: value for name, value in reason.items() if name != "code"}
    return translate(REASONS[reason["code"]]) % figures


class Fleet:
    """Heartbeats and the health of every kiosk, in the back office's database (database.py)."""

    def __init__(self, database):
        self.database = database

    def receive(self, data, now=None):
        """Keep a checked kiosk.heartbeat/1 document as its kiosk's latest; "created" for the
        kiosk's first heartbeat, "updated" after that."""
        check_heartbeat(data)
        received = _iso(now)
        heartbeats = tables.heartbeats
        with self.database.begin() as connection:
            known = connection.execute(select(heartbeats.c.kiosk_id).where(
                heartbeats.c.kiosk_id == data["kiosk_id"])).first()
            upsert(connection, heartbeats, ["kiosk_id"],
                   {"kiosk_id": data["kiosk_id"], "received": received,
                    "report": json.dumps(data, ensure_ascii=False, sort_keys=True)})
        return "updated" if known else "created"

    def latest(self, kiosk_id):
        """The kiosk's latest report and when it came, {"received", "report"}; or None."""
        row = self.database.row(select(tables.heartbeats).where(
            tables.heartbeats.c.kiosk_id == kiosk_id))
        return {"received": row["received"], "report": json.loads(row["report"])} if row else None

    def kiosks(self, now=None):
        """Every kiosk heard from or in the register (but revoked ones), worst state first:
        {kiosk_id, name, state, reasons, report, received}."""
        now = now or datetime.datetime.now(datetime.timezone.utc)
        register = {row["id"]: row for row in self.database.rows(select(tables.kiosks))}
        found = []
        for row in self.database.rows(select(tables.heartbeats)):
            if register.get(row["kiosk_id"], {}).get("revoked"):
                continue
            report = json.loads(row["report"])
            state, reasons = health(report, row["received"], now)
            name = register[row["kiosk_id"]]["name"] if row["kiosk_id"] in register \
                and register[row["kiosk_id"]]["name"] else report["kiosk_name"]
            found.append({"kiosk_id": row["kiosk_id"], "name": name, "state": state,
                          "reasons": reasons, "report": report, "received": row["received"]})
        heard = {kiosk["kiosk_id"] for kiosk in found}
        for kiosk_id, row in register.items():
            if kiosk_id not in heard and not row["revoked"]:
                state, reasons = health(None, None, now)
                found.append({"kiosk_id": kiosk_id, "name": row["name"], "state": state,
                              "reasons": reasons, "report": None, "received": None})
        return sorted(found, key=lambda kiosk: (STATES.index(kiosk["state"]), kiosk["kiosk_id"]))


def _iso(now):
    return (now or datetime.datetime.now(datetime.timezone.utc)).isoformat(timespec="seconds")
