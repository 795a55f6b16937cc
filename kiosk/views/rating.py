"""The resident's rating (好差评) on the confirmation screen: one tap per post, no script.

A level is one tap (a submit button); for "fairly satisfied" and the dissatisfied levels
each reason is one more tap, on or off. Rating is never needed: printing and Finish do
not wait for it. Only the application this session has just sent can be rated, and only
until the resident leaves (Finish, Start over or the idle timeout wipe the session).
"""
from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _

from ..errors import BadRequest
from ..messages import N_
from ..ratings import ASKS_WHY, LEVEL_LABELS, LEVELS, REASON_LABELS, REASONS, RatingRefused
from ..web import services, state

bp = Blueprint("rating", __name__)

REFUSALS = {
    "level": N_("Choose one of the five answers."),
    "not_rated": N_("First choose how satisfied you are."),
    "not_yours": N_("Only the application you have just sent can be rated here. Nothing "
                    "was changed."),
}


def rating_context(reference, error_code=None):
    """What the confirmation screen needs to show and say about the rating."""
    rating = services().ratings.get(reference)
    if rating is None:
        arrival = ["screen.done", "rating.ask", *(f"rating.{level}" for level in LEVELS)]
    else:
        # After a tap: thanks, and where a level may say why, that question.
        arrival = ["rating.thanks"] + (["rating.why"] if rating["level"] in ASKS_WHY else [])
    return {"rating": rating, "levels": LEVELS, "level_labels": LEVEL_LABELS,
            "reasons": REASONS, "reason_labels": REASON_LABELS, "asks_why": ASKS_WHY,
            "rating_error": _(REFUSALS[error_code]) if error_code else None,
            "rating_arrival": arrival}


@bp.post("/done/rating")
def rate():
    """Rate (`level`), or tap reasons on or off (`reason`, one or more)."""
    from .journey import done_page      # journey shows the rating: imported when used
    reference = state().get("completed")
    if reference is None:
        raise BadRequest("a rating with no application sent in this session")
    if request.form.get("reference") != reference:
        return done_page(reference, "not_yours", 403)
    ratings = services().ratings
    try:
        if "level" in request.form:
            ratings.rate(reference, services().settings.kiosk_id, request.form["level"])
        if "reason" in request.form:
            ratings.toggle_reasons(reference, request.form.getlist("reason"))
    except RatingRefused as refused:
        return done_page(reference, refused.code, 400)
    services().wake_outbox.set()    # hand it off now rather than at the next pass
    return redirect(url_for("journey.done") + "#rating")
