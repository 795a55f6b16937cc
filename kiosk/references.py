"""Reference numbers residents read aloud, write down and show to clerks.

Shape: KIOSK-YYMMDD-RRRRC, e.g. K2-261126-7HQM4: the kiosk id makes it unique across
kiosks, the date helps a clerk, four random characters and a check character catch a
mistyped reference. Only unambiguous characters are used (no 0/O, no 1/I), and the
whole reference is at most 20 characters.
"""
import secrets

import segno

from .settings import UNAMBIGUOUS_ALPHABET

RANDOM_LENGTH = 4


def check_character(text):
    """Luhn mod 32 over the reference (dashes ignored): catches any single mistyped character.

    The kiosk id and the random part count by place in the unambiguous alphabet (where
    "8" and "A" differ), the date's digits as themselves.
    """
    base = len(UNAMBIGUOUS_ALPHABET)
    kiosk_id, date, tail = (text.split("-") + ["", ""])[:3]
    values = ([UNAMBIGUOUS_ALPHABET.index(char) for char in kiosk_id]
              + [int(char) for char in date]
              + [UNAMBIGUOUS_ALPHABET.index(char) for char in tail])
    total = 0
    for position, value in enumerate(reversed(values)):
        addend = value * 2 if position % 2 == 0 else value
        total += addend // base + addend % base
    return UNAMBIGUOUS_ALPHABET[(base - total % base) % base]


def new_reference(kiosk_id, when, choose=secrets.choice):
    """A fresh reference for a submission made at `when` on kiosk `kiosk_id`."""
    body = f"{kiosk_id}-{when:%y%m%d}-" + "".join(
        choose(UNAMBIGUOUS_ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def is_well_formed(reference):
    """True when the reference has the right shape and its check character matches."""
    parts = reference.split("-")
    if len(parts) != 3 or len(reference) > 20 or not parts[1].isdigit():
        return False
    if not parts[2] or any(char not in UNAMBIGUOUS_ALPHABET for char in parts[0] + parts[2]):
        return False
    return check_character(reference[:-1]) == reference[-1]


def qr_svg(reference):
    """The reference as an inline SVG QR code, black on white, for a receipt or case sheet."""
    return segno.make(reference, error="m").svg_inline(scale=6, dark="#000", light="#fff",
                                                       omitsize=True)
