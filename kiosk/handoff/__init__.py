"""Hand-off: deliver each confirmed submission to the back office (see `outbox`)."""
from .outbox import (SCHEMA, BuiltInTarget, HttpTarget, Outbox, Outcome, Target,  # noqa: F401
                     body_of, payload, signature, signed_headers, verify)
