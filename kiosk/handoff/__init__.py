"""Hand-off: deliver each confirmed submission to the back office, signed, until it is
acknowledged. No Flask here, and nothing from the back office (no import cycle).

- `signing`: the versioned JSON ("kiosk.submission/1") and its HMAC-SHA256 signature;
- `targets`: where submissions go, a name -> class registry chosen in kiosk.ini
  ([handoff] target, options in [handoff.NAME]): http, failing-demo; the built-in back
  office registers itself from kiosk/backoffice/builtin_target.py;
- `outbox`: the outbox table, its queue and the delivery worker.
"""
from .outbox import Outbox  # noqa: F401
from .signing import (KIOSK_ID_HEADER, SCHEMA, SIGNATURE_HEADER,  # noqa: F401
                      TIMESTAMP_HEADER, body_of, payload, signature, signed_headers, verify)
from .targets import (REGISTRY, FailingDemoTarget, HttpTarget, Outcome,  # noqa: F401
                      Target, TargetContext, beside, chosen_target, make_target, register)
