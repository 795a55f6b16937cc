"""Hand-off speed: recording a submission with its outbox entry, and delivering 1,000.

    .venv/bin/python bench/handoff.py [COUNT]

Prints the median and 95th percentile time to store a submission and its outbox entry in
one transaction (what happens before a resident sees the reference), and the time to
deliver COUNT (default 1,000) queued submissions, signed, over HTTP on loopback to a
second kiosk install acting as the built-in back office with its own database.
"""
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from handoff_support import RECORD, back_office_app, sending_app, serve  # noqa: E402


def main(count=1000):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        receiver = back_office_app(folder)
        url, server = serve(receiver)
        sender = sending_app(folder, f"{url}/backoffice/api/submissions")
        store, outbox = sender.extensions["kiosk"].store, sender.extensions["kiosk"].outbox
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            store.create_submission("K2", RECORD)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"record a submission with its outbox entry: median {statistics.median(timings):.2f} ms, "
              f"p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms ({count} submissions, WAL)")
        started = time.perf_counter()
        delivered = 0
        while delivered < count:
            delivered += outbox.deliver_due(limit=200)
        seconds = time.perf_counter() - started
        stored = receiver.extensions["kiosk"].backoffice_database.scalar(
            text("select count(*) from inbox"))
        print(f"deliver {count} queued submissions over HTTP to the built-in back office: "
              f"{seconds:.1f} s ({count / seconds:.0f} a second); back office holds {stored}")
        server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
