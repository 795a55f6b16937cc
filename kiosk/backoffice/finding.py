"""What a clerk types to find an application, read the way they meant it. No Flask here.

A reference is read aloud by a resident or copied from a receipt, so a clerk may type it
in lower case, with spaces or without dashes, in full-width characters from a Chinese
input method, or with one character wrong. Its check character (kiosk/references.py)
tells a real reference from a mistyped one, and so can suggest the one that was meant.
"""
import re
import unicodedata

from ..references import is_well_formed
from ..settings import UNAMBIGUOUS_ALPHABET

# Everything a clerk may put between the parts of a reference, or around it.
SEPARATORS = re.compile(r"[\s\-_.·/‐‑‒–—―ー－]+")
# The date part is digits; a letter there is a slip of the eye.
DATE_SLIPS = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2",
                            "S": "5", "B": "8", "G": "6"})
DATE_AND_TAIL = 6 + 5          # YYMMDD and four random characters with the check character


def compact(text):
    """The query without case, width or separators: "k2 261126 7hqm4" is K22611267HQM4."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return SEPARATORS.sub("", text)[:40]


def as_reference(compacted):
    """KIOSK-YYMMDD-RRRRC from its compact form (the date and tail have fixed lengths), with
    letters in the date read as the digits they look like; None when it is too short."""
    if len(compacted) <= DATE_AND_TAIL:
        return None
    kiosk_id = compacted[:-DATE_AND_TAIL]
    date = compacted[-DATE_AND_TAIL:-5].translate(DATE_SLIPS)
    return f"{kiosk_id}-{date}-{compacted[-5:]}"


def meant_references(query):
    """The well-formed references the clerk may have meant, most likely first: what they
    typed, if its check character agrees; else every reference one slip away (one wrong
    character, or two neighbours swapped) whose check character agrees."""
    typed = as_reference(compact(query))
    if typed is None:
        return []
    if is_well_formed(typed):
        return [typed]
    return list(dict.fromkeys(candidate for candidate in _one_slip_away(typed)
                              if is_well_formed(candidate)))


def _one_slip_away(reference):
    characters = list(reference)
    for position, char in enumerate(characters):
        if char == "-":
            continue
        in_date = reference.index("-") < position < reference.rindex("-")
        for other in ("0123456789" if in_date else UNAMBIGUOUS_ALPHABET):
            if other != char:
                yield "".join(characters[:position] + [other] + characters[position + 1:])
    for position in range(len(characters) - 1):
        first, second = characters[position], characters[position + 1]
        if "-" not in (first, second) and first != second:
            swapped = characters[:]
            swapped[position], swapped[position + 1] = second, first
            yield "".join(swapped)


def digits_tail(text, keep):
    """The last `keep` digits (and a final X of an ID number) of a number: how a clerk
    asks for "the one whose phone ends in 5678"."""
    kept = "".join(char for char in unicodedata.normalize("NFKC", text or "").upper()
                   if char.isdigit() or char == "X")
    return kept[-keep:]


def looks_like_number_end(query):
    """True when the query is the last 4 to 8 digits of an ID number or a phone."""
    text = compact(query)
    return 4 <= len(text) <= 8 and text.rstrip("X").isdigit() and text.count("X") <= 1
