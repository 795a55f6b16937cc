"""The built-in hand-off target: this kiosk's own back office, in the same process and
database. No Flask here.

It lives with the back office it delivers to, and registers itself with the hand-off's
registry under "builtin" when imported (kiosk/__init__.py imports it), so kiosk.handoff
needs nothing from the back office.
"""
import json

from ..handoff.targets import Outcome, Target, register
from .inbox import Rejected


@register("builtin")
class BuiltInTarget(Target):
    """Hands each submission to the back office's inbox, and each rating to its received
    ratings, through the same checks as the receiving API."""

    def __init__(self, backoffice, ratings=None):
        self.backoffice = backoffice
        self.ratings = ratings      # the back office's received ratings

    @classmethod
    def from_options(cls, options, context):
        return cls(context.backoffice, context.received_ratings)

    def deliver(self, body, reference):
        return self._hand(self.backoffice, body)

    def deliver_rating(self, body, key):
        return self._hand(self.ratings, body)

    @staticmethod
    def _hand(receiver, body):
        try:
            receiver.receive(json.loads(body))
        except Rejected as error:
            return Outcome("dead", str(error))
        return Outcome("delivered", "built-in back office")
