"""A back office holding many submissions, filled fast for the inbox and CSV benchmarks.

Rows go straight into the inbox table (COPY on PostgreSQL, executemany in transactions of
50,000 on SQLite), not through the receiving API: a million posts would take an hour.
Each row is what BackOffice.receive stores: a real kiosk.submission/1 payload made by
kiosk.handoff.payload from the shipped catalogue, with its reference put in. The spread is
a district's two years, deterministic (seeded):

- received on working days between 08:30 and 17:30 in the hall (UTC+8), a little more
  each month (the district grows);
- status by age: older than 30 days nearly all completed (some returned, a few still
  open); the last month mixed; the last week mostly received;
- eight packages, the popular ones far more often (and a few single items: no package);
- 50 kiosks, 30 clerks assigned once an application is taken up; zh, en and ko.

The audit log is not filled: the inbox pages and the CSV never read it.
"""
import datetime
import json
import random
import sqlite3
import time

import psycopg

from central_back_office import ROOT

from kiosk.catalogue import load_catalogue  # noqa: E402
from kiosk.handoff import payload  # noqa: E402
from kiosk.settings import UNAMBIGUOUS_ALPHABET  # noqa: E402

# The benchmark's "now": 18:00 in the hall on Tuesday 1 December 2026, after a day's work.
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone.utc)
DAYS = 730
HALL = datetime.timezone(datetime.timedelta(hours=8))
COLUMNS = ("reference", "received", "created", "kiosk_id", "package", "package_title",
           "language", "status", "reason", "payload", "assignee", "id_tail", "id_mask",
           "phone_tail")
CLERKS = [f"clerk{number:02d}" for number in range(1, 31)]
KIOSKS = [f"K{UNAMBIGUOUS_ALPHABET[n // 32]}{UNAMBIGUOUS_ALPHABET[n % 32]}" for n in range(50)]
PACKAGE_WEIGHTS = [30, 18, 12, 10, 8, 6, 5, 4]     # the catalogue's order: open_shop first
PLACEHOLDER = "@@REFERENCE@@"


def templates():
    """Per package key ("" for no package): (title, payload JSON with a placeholder)."""
    catalogue = load_catalogue(ROOT / "kiosk" / "data" / "catalogue.toml")
    made = {}
    for key, package in [*catalogue.packages.items(), ("", None)]:
        items = [entry.item for entry in package.items][:4] if package else ["id_card_renewal"]
        documents = sorted({document for item in items
                            for document in catalogue.items[item].documents})
        record = {
            "reference": PLACEHOLDER, "kiosk_id": "K22", "created": "2026-01-05T09:00:00+08:00",
            "language": "zh", "modes": ["large_text"],
            "package": {"key": key or None,
                        "title": package.title.in_language("en") if package else None,
                        "title_zh": package.title["zh"] if package else None},
            "items": [{"key": item, "title": catalogue.items[item].title.in_language("en"),
                       "title_zh": catalogue.items[item].title["zh"],
                       "department": catalogue.items[item].department} for item in items],
            "answers": {"applicant_name": "张伟", "applicant_id_number": "110101199003077777",
                        "applicant_phone": "13800138000", "address": "幸福路 8 号 3 单元 502"},
            "documents": documents, "eligibility": {"answers": {}, "not_eligible": []}}
        made[key] = (package.title["zh"] if package else "",
                     json.dumps(payload(record, catalogue), ensure_ascii=False))
    return made


def status_for(age_days, draw):
    if age_days > 30:
        return ("completed" if draw < 0.88 else "returned" if draw < 0.97
                else "in_progress" if draw < 0.99 else "received")
    if age_days > 7:
        return ("completed" if draw < 0.5 else "returned" if draw < 0.55
                else "in_progress" if draw < 0.85 else "received")
    return "received" if draw < 0.6 else "in_progress" if draw < 0.9 else "completed"


def rows(count, seed=15):
    """COUNT inbox rows (tuples in COLUMNS order), oldest first."""
    rng = random.Random(seed)
    made = templates()
    keys = list(made)[:-1]
    start = (NOW - datetime.timedelta(days=DAYS)).astimezone(HALL)
    for number in range(count):
        # More applications later on: the day grows as share ** 0.7.
        day = min(DAYS, int((DAYS + 1) * (number / count) ** 0.7))
        date = (start + datetime.timedelta(days=day)).date()
        if date.weekday() >= 5:                  # the hall is closed: the next Monday
            date += datetime.timedelta(days=7 - date.weekday())
        local = datetime.datetime.combine(date, datetime.time(8, 30), HALL) + \
            datetime.timedelta(seconds=rng.randrange(9 * 3600))
        received = local.astimezone(datetime.timezone.utc)
        age = (NOW - received).days
        package = rng.choices(keys, PACKAGE_WEIGHTS)[0] if rng.random() < 0.95 else ""
        title, template = made[package]
        kiosk = rng.choice(KIOSKS)
        suffix = "".join(UNAMBIGUOUS_ALPHABET[(number >> shift) & 31]
                         for shift in (20, 15, 10, 5, 0))
        reference = f"{kiosk}-{local:%y%m%d}-{suffix}"
        status = status_for(age, rng.random())
        phone = f"{rng.randrange(10**8):08d}"
        yield (reference, received.isoformat(timespec="seconds"),
               (local - datetime.timedelta(minutes=4)).isoformat(timespec="seconds"),
               kiosk, package, title, rng.choices(("zh", "en", "ko"), (85, 10, 5))[0],
               status, "材料不全" if status == "returned" else "",
               template.replace(PLACEHOLDER, reference),
               "" if status == "received" else rng.choice(CLERKS),
               f"{rng.randrange(10**6):06d}", "110101********7777", phone)


def fill(kind, url, count, batch=50_000):
    """Store COUNT rows in the (migrated, empty) inbox at `url`; print how long it took."""
    started = time.perf_counter()
    if kind == "postgresql":
        with psycopg.connect(url) as connection:
            with connection.cursor() as cursor:
                with cursor.copy(f"COPY inbox ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in rows(count):
                        copy.write_row(row)
            connection.commit()
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE inbox")
    else:
        path = url.removeprefix("sqlite:///")
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        insert = f"INSERT INTO inbox ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        pending = []
        for row in rows(count):
            pending.append(row)
            if len(pending) == batch:
                _sqlite_batch(connection, insert, pending)
                pending = []
        _sqlite_batch(connection, insert, pending)
        connection.close()
    print(f"  {count:,} submissions stored in {kind} in {time.perf_counter() - started:.0f} s")


def _sqlite_batch(connection, insert, pending):
    connection.execute("BEGIN")
    connection.executemany(insert, pending)
    connection.execute("COMMIT")
