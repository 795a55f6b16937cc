"""What happens after sending: the receipt's groups of services, from the catalogue.

Each chosen item's [items.KEY.next_step] says go to a counter now, nothing more to do (the
hall calls or texts), or come back later; the receipt groups the services by what the
resident does and where, with the documents each group needs. No Flask here.
"""
from dataclasses import dataclass

from .times import hall_date, working_days_after

ORDER = {"now": 0, "none": 1, "later": 2}


@dataclass
class Group:
    """Services the resident handles the same way at the same place (and, later, date)."""
    visit: str             # "now" | "none" | "later"
    place: object | None   # a catalogue Place; None for "none"
    items: list
    documents: list        # catalogue Documents to show or bring; always empty for "none"
    days: int              # the longest time limit of the group's items, in working days
    ready: object = None   # "later": the first date to come back (a datetime.date)


def next_steps(catalogue, item_keys, document_keys, submitted, zone):
    """The receipt's groups for a submission: go now, nothing more to do, come back later.

    `document_keys` are the documents worked out when it was sent (from the answers too);
    a group lists those its own items need. A "none" group lists none: what those services
    need is checked online or by the back office. "later" dates count the item's working
    days from `submitted` (ISO) in the hall's `zone`.
    """
    sent_on = hall_date(submitted, zone)
    wanted = set(document_keys)
    groups = {}
    for key in item_keys:
        item = catalogue.items[key]
        step = item.next_step
        where = (step.visit, step.place,
                 item.time_limit_days if step.visit == "later" else None)
        group = groups.setdefault(where, Group(
            step.visit, catalogue.places.get(step.place), [], [], 0))
        group.items.append(item)
        group.days = max(group.days, item.time_limit_days)
    for group in groups.values():
        if group.visit == "later":
            group.ready = working_days_after(sent_on, group.days)
        if group.visit != "none":
            group.documents = _documents(catalogue, group.items, wanted)
    return sorted(groups.values(), key=lambda group: (
        ORDER[group.visit], group.ready or sent_on, group.place.key if group.place else ""))


def _documents(catalogue, items, wanted):
    """The group's documents, each once, in the order its items first need them. One left
    out as covered by another listed document (covered_by) brings that one instead: the
    mother's own ID is shown as part of both parents' IDs."""
    seen = {}
    for item in items:
        for key in item.documents:
            cover = getattr(catalogue.documents[key], "covered_by", None)
            if key not in wanted and cover and cover[0] in wanted:
                key = cover[0]
            if key in wanted:
                seen.setdefault(key, catalogue.documents[key])
    return list(seen.values())
