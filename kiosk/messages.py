"""Messages that both the screens and the speech prompts use, as gettext message ids.

No Flask here: `N_` only marks a string for `make extract-messages`; the screens
translate with Flask-Babel's gettext, the speech prompts with `translator(language)`.
"""
from babel.support import Translations

from .settings import LANGUAGES, LOCALES_DIR


def N_(message):
    """Mark `message` for translation; it is translated where it is used."""
    return message


FIELD_ERRORS = {
    "required": N_("Enter %(label)s"),
    "required_choice": N_("Choose %(label)s"),
    "too_long": N_("%(label)s is too long"),
    "bad_characters": N_("%(label)s contains characters that cannot be used"),
    "choice": N_("Choose one of the options for %(label)s"),
    "id_type_first": N_("Choose the kind of ID first, then enter its number"),
    "id_length": N_("A resident ID number has 18 characters"),
    "id_characters": N_("A resident ID number has 17 digits and then a digit or X"),
    "id_region": N_("The first digits of this ID number are not a region of China"),
    "id_birth_date": N_("The birth date inside this ID number is not a real date"),
    "id_check_digit": N_("This ID number is not right. Check each digit against your card"),
    "foreign_id_format": N_("Enter the number as printed on your permanent resident ID card"),
    "passport_format": N_("Enter the passport number as printed, letters and digits only"),
    "phone": N_("Enter a phone number, like 138 0013 8000, or +82 10 1234 5678 from abroad"),
    "email": N_("Enter an email address, like name@example.com"),
    "date": N_("Enter a real date"),
    "date_past": N_("%(label)s must be today or in the past"),
    "date_future": N_("%(label)s must be today or in the future"),
    "number": N_("Enter %(label)s as a whole number"),
    "number_small": N_("%(label)s is too small"),
    "number_large": N_("%(label)s is too large"),
}

ID_TYPE_LABELS = {
    "cn_resident": N_("Mainland resident ID card"),
    "foreign_permanent": N_("Foreign permanent resident ID card"),
    "passport": N_("Passport"),
}

MODE_LABELS = {
    "large_text": N_("Large text"),
    "high_contrast": N_("High contrast"),
    "speech": N_("Read aloud"),
    "voice": N_("Voice input"),
    "sign": N_("Sign language"),
    # Every control low on the screen, in a seated resident's reach.
    "wheelchair": N_("Low screen (wheelchair)"),
    # Everything twice as large (text, buttons, signer, keyboard), not only the text.
    "zoom": N_("Zoom everything"),
    # Not a mode of its own: how read aloud is used (a first tap speaks, a second chooses).
    "explore": N_("Hear before choosing"),
    # How fast read aloud speaks: kiosk.ini's slow rate, chosen by the resident.
    "slow_speech": N_("Slower speech"),
}

# What the kiosk shows (and, with headphones in, says) when headphones are plugged in or
# pulled out: prompt keys mode.headphones_on and mode.headphones_off.
HEADPHONE_NOTICES = {
    "on": N_("Headphones plugged in: read aloud is on. It plays only in the headphones."),
    "off": N_("Headphones unplugged: read aloud is off, so nothing is spoken out loud. "
              "To use it without headphones, tap Read aloud."),
}

# Back-office statuses of an application (and the audit log's first entry).
STATUS_LABELS = {
    "received": N_("Received"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "returned": N_("Returned to the resident"),
}

# Calm error pages: (heading, message).
ERROR_PAGES = {
    "not_possible": (N_("That choice is not available"),
                     N_("Something on the screen was out of date. Please start this step again.")),
    "expired": (N_("This page has expired"),
                N_("For your safety the page was refreshed. Nothing you saved was lost. "
                   "Please try again.")),
    "not_found": (N_("Page not found"), N_("This page does not exist on the kiosk.")),
    "not_your_role": (N_("This page is for other staff"),
                      N_("Your account does not include this work. Ask the operator to add "
                         "the role, or sign in with another account.")),
    "too_long": (N_("Too much text"),
                 N_("What was sent is far longer than any answer needs. "
                    "Please shorten it and try again.")),
    "wrong_method": (N_("That did not work"), N_("Please use the buttons on the screen.")),
    "out_of_date": (N_("That did not work"),
                    N_("Something on the screen was out of date. Please try again.")),
    "storage": (N_("The kiosk cannot save just now"),
                N_("Nothing you saved before was lost. Please ask a member of staff for help.")),
    "unexpected": (N_("Sorry, something went wrong"),
                   N_("Nothing you saved was lost. Please try again, or ask a member of staff.")),
}

_translators = {}


def translator(language):
    """Babel translations for `language` from locales/ (loaded once)."""
    if language not in _translators:
        _translators[language] = Translations.load(str(LOCALES_DIR), [language])
    return _translators[language]


def all_translators():
    return {language: translator(language) for language in LANGUAGES}
