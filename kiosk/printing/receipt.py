"""What a receipt says: the reference, its QR code, what happens next per service and the
documents to bring, from the stored submission and the catalogue. The confirmation screen
and the printed receipt show the same facts (kiosk.next_steps groups them). No Flask here."""
from ..next_steps import next_steps
from ..references import qr_svg


def receipt_facts(store, catalogue, zone, reference):
    """The receipt of `reference` as data for templates/components/receipt.html, or None when
    no such submission is stored."""
    submission = store.get_submission(reference)
    if submission is None:
        return None
    item_keys = [item["key"] for item in submission["items"] if item["key"] in catalogue.items]
    # Grouped by what the resident does next; each group lists the documents worked out
    # when it was sent (from the answers too) that its own services need.
    groups = next_steps(catalogue, item_keys,
                        [key for key in submission["documents"] if key in catalogue.documents],
                        submission["created"], zone)
    return {"reference": reference, "created": submission["created"], "groups": groups,
            "qr_svg": qr_svg(reference)}
