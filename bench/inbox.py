"""The clerks' inbox with many applications: a page, a deep page, and finding one.

    .venv/bin/python bench/inbox.py [COUNT]

Fills a back office with COUNT applications (default 10,000, received a minute apart),
then prints the median and 95th percentile server time, over the Flask test client with
a signed-in clerk, of: the first page of the inbox, the page after row COUNT - 60 (keyset
paging), finding an application by its reference with one character mistyped, and by the
last 4 digits of a phone.
"""
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from handoff_support import RECORD  # noqa: E402
from kiosk.handoff import payload  # noqa: E402
from support import csrf_token, make_app  # noqa: E402

RUNS = 50


def fill(app, count):
    """COUNT applications a minute apart, each with its own phone number; their references."""
    services = app.extensions["kiosk"]
    start = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.timezone.utc)
    references = []
    for number in range(count):
        record = {**RECORD, "answers": {**RECORD["answers"],
                                        "applicant_phone": f"139 {number:08d}"}}
        reference = services.store.create_submission("K7", record)
        document = payload(services.store.get_submission(reference), services.catalogue)
        services.backoffice.receive(document, now=start + datetime.timedelta(minutes=number))
        references.append(reference)
    return references


def timed(client, url):
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main(count=10_000):
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        app.extensions["kiosk"].staff.add("clerk", "correct horse battery", roles=["clerk"])
        started = time.perf_counter()
        references = fill(app, count)
        print(f"{count} applications stored in {time.perf_counter() - started:.1f} s")
        clerk = app.test_client()
        token = csrf_token(clerk, "/staff/sign-in")
        clerk.post("/staff/sign-in", data={"csrf_token": token, "name": "clerk",
                                           "password": "correct horse battery"})
        deep = app.extensions["kiosk"].backoffice.submission(references[count - 60])
        target = references[count // 2]
        slipped = target[:-2] + ("Z" if target[-2] != "Z" else "Y") + target[-1]
        phone_end = f"{count // 2:08d}"[-4:]
        for label, url in [
                ("inbox, first page of 50", "/backoffice"),
                (f"inbox, the page after row {count - 60}",
                 f"/backoffice?after={deep['received']}|{deep['reference']}"),
                ("find a reference with one character wrong", f"/backoffice/find?q={slipped}"),
                ("find by a phone's last 4 digits", f"/backoffice/find?q={phone_end}")]:
            median, p95 = timed(clerk, url)
            print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:2]))
