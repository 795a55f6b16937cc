"""A kiosk process of the district test: queues submissions, or hands them off.

    python tests/district_kiosk.py KIOSK_INI_OVERRIDES_JSON queue COUNT
    python tests/district_kiosk.py KIOSK_INI_OVERRIDES_JSON deliver HOURS

`queue` stores COUNT submissions as residents' confirmations do (each with its outbox
entry) and prints "shown REFERENCE" for each. `deliver` runs the delivery worker's passes
until nothing is pending, then prints the outbox's status as JSON. Its passes are run as
if HOURS had gone by, so an entry that failed while the centre was down is due again
(the worker would wait out its backoff of 30 s and more).
"""
import datetime
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])

from handoff_support import RECORD  # noqa: E402

from kiosk import create_app  # noqa: E402


def main(overrides, action, count=0):
    app = create_app({"KIOSK_OVERRIDES": overrides})
    services = app.extensions["kiosk"]
    if action == "queue":
        for _ in range(count):
            reference = services.store.create_submission(services.settings.kiosk_id, RECORD)
            print(f"shown {reference}", flush=True)
    else:
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=count)
        for _ in range(20):
            services.outbox.deliver_due(now=later)
            if not services.outbox.status(now=later)["pending"]:
                break
        print(json.dumps(services.outbox.status(now=later)), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
