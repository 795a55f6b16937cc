"""A kiosk process for the crash test: makes submissions and hands them off until killed.

    python tests/crash_kiosk.py KIOSK_INI_OVERRIDES_JSON

For each submission it prints "shown REFERENCE" once the submission and its outbox entry
are committed: the moment a resident would see the reference. Then it delivers what is
due. The test kills it with SIGKILL at random moments and starts it again.
"""
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])

from handoff_support import RECORD  # noqa: E402

from kiosk import create_app  # noqa: E402


def main(overrides, count):
    app = create_app({"KIOSK_OVERRIDES": overrides})
    services = app.extensions["kiosk"]
    for _ in range(count):
        reference = services.store.create_submission("K2", RECORD)
        print(f"shown {reference}", flush=True)
        services.outbox.deliver_due(limit=5)
    while services.outbox.status()["pending"]:
        services.outbox.deliver_due()
    print("done", flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000000)
