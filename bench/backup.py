"""Backup and restore of a realistic kiosk database: COUNT submissions (default 10,000).

    .venv/bin/python bench/backup.py [COUNT]

Fills a kiosk on the shipped catalogue with COUNT submissions as residents' confirmations
make them (each with its outbox entry, in one transaction), delivered to its built-in back
office (so the same file holds the inbox's copy of each, as on a kiosk with its back office
built in). Then prints the database's size, and the time and size of:
- `backup now` (online backup, integrity check, fsync, rename) on the quiet kiosk;
- the same while residents keep confirming, with the slowest confirmation meanwhile;
- `backup restore` (the kiosk stopped): check, keep the current one, copy in.
"""
import datetime
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk import backup, create_app  # noqa: E402

ANSWERS = {"applicant_name": "张伟", "applicant_id_type": "cn_resident",
           "applicant_id_number": "110101199003077777", "applicant_phone": "13800138000",
           "address": "幸福路 8 号 3 单元 502", "shop_name": "幸福小面馆",
           "shop_kind": "restaurant", "shop_address": "幸福路 8 号底商",
           "staff_count": "4", "opening_date": "2026-12-01"}


def record(catalogue, package_key):
    package = catalogue.packages[package_key]
    items = [catalogue.items[entry.item] for entry in package.items]
    return {"language": "zh", "modes": ["large_text"],
            "package": {"key": package_key, "title": package.title.in_language("en"),
                        "title_zh": package.title["zh"]},
            "items": [{"key": item.key, "title": item.title.in_language("en"),
                       "title_zh": item.title["zh"], "department": item.department}
                      for item in items],
            "answers": ANSWERS,
            "documents": sorted({document for item in items for document in item.documents}),
            "eligibility": {"answers": {}, "not_eligible": []}}


def fill(services, count):
    started = time.perf_counter()
    made = record(services.catalogue, next(iter(services.catalogue.packages)))
    for number in range(count):
        services.store.create_submission("K2", made)
        if number % 500 == 499:
            services.outbox.deliver_due(limit=500)
    while services.outbox.status()["pending"]:
        services.outbox.deliver_due(limit=500)
    services.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main(count=10000):
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        database = folder / "kiosk.db"
        app = create_app({"KIOSK_OVERRIDES": {
            "database.path": str(database), "server.secret_key": "bench",
            "speech.enabled": "no", "voice.enabled": "no", "speech.warm_at_start": "no",
            "voice.load_at_start": "no", "signs.library_dir": str(folder / "signs")}})
        services = app.extensions["kiosk"]
        seconds = fill(services, count)
        print(f"{count} submissions made and delivered to the built-in back office in "
              f"{seconds:.0f} s; database {database.stat().st_size / 1e6:.1f} MB")

        made, seconds = timed(lambda: backup.take_backup(database, folder / "backups"))
        print(f"backup now, kiosk quiet:       {seconds:.2f} s, {made.size / 1e6:.1f} MB")

        # Residents keep confirming while the backup runs: how long does each wait?
        waits, stop = [], threading.Event()
        shop = record(services.catalogue, next(iter(services.catalogue.packages)))

        def residents():
            while not stop.is_set():
                started = time.perf_counter()
                services.store.create_submission("K2", shop)
                waits.append(time.perf_counter() - started)
        writer = threading.Thread(target=residents)
        writer.start()
        time.sleep(0.5)
        before = len(waits)
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
        made, seconds = timed(lambda: backup.take_backup(database, folder / "backups",
                                                          now=later))
        during = waits[before:]
        stop.set()
        writer.join()
        print(f"backup now, residents writing: {seconds:.2f} s, {made.size / 1e6:.1f} MB; "
              f"{len(during)} confirmations meanwhile, median "
              f"{statistics.median(during) * 1000:.1f} ms, slowest {max(during) * 1000:.1f} ms")

        services.store.db.conn.close()      # the kiosk stopped, as a restore needs
        (contents, kept), seconds = timed(lambda: backup.restore(made.path, database))
        print(f"backup restore:                {seconds:.2f} s ({contents.submissions} "
              f"submissions; the replaced database kept as {kept.name})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
