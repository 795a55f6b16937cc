"""Printing the receipt on the server (kiosk.ini [printer] method cups or escpos).

A plain form post from the confirmation, so it works without script. The reference is the
one this session has just sent, never one from the form: a resident can print only their own
receipt, and only until they leave (Finish, Start over or the idle timeout wipe the session).
"""
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, url_for

from ..errors import BadRequest
from ..printing.receipt import receipt_facts
from ..web import services, state

bp = Blueprint("receipt", __name__)


@bp.post("/receipt/print")
def print_receipt():
    """Print this session's receipt; the confirmation then says how it went."""
    kiosk = services()
    reference = state().get("completed")
    if reference is None:
        raise BadRequest("a receipt with no application sent in this session")
    facts = receipt_facts(kiosk.store, kiosk.catalogue, kiosk.settings.time_zone, reference)
    if facts is None:
        raise BadRequest(f"a receipt for {reference}, which is not stored")
    if not kiosk.printer.prints_on_server:
        raise BadRequest(f"a receipt printed by the server with [printer] method = "
                         f"{kiosk.printer.method}")
    # The job's title is not the reference: CUPS keeps a history of its jobs' titles.
    state()["print_outcome"] = kiosk.printer.print_receipt(paper_html(facts), title="receipt")
    return redirect(url_for("journey.done") + "#print-outcome")


def paper_html(facts):
    """The receipt as a page of its own for the printer: the confirmation's receipt in the
    80 mm layout, in the resident's language, with its CSS inline (Chromium reads it from a
    file and fetches nothing)."""
    css = Path(current_app.static_folder, "css", "receipt.css").read_text(encoding="utf-8")
    return render_template("receipt/paper.html", facts=facts, receipt_css=css)
