"""Words for the codes the service modules use, in the resident's language."""
from flask_babel import lazy_gettext as _l

FIELD_ERRORS = {
    "required": _l("Enter %(label)s"),
    "required_choice": _l("Choose %(label)s"),
    "too_long": _l("%(label)s is too long"),
    "bad_characters": _l("%(label)s contains characters that cannot be used"),
    "choice": _l("Choose one of the options for %(label)s"),
    "id_type_first": _l("Choose the kind of ID first, then enter its number"),
    "id_length": _l("A resident ID number has 18 characters"),
    "id_characters": _l("A resident ID number has 17 digits and then a digit or X"),
    "id_region": _l("The first digits of this ID number are not a region of China"),
    "id_birth_date": _l("The birth date inside this ID number is not a real date"),
    "id_check_digit": _l("This ID number is not right. Check each digit against your card"),
    "foreign_id_format": _l("Enter the number as printed on your permanent resident ID card"),
    "passport_format": _l("Enter the passport number as printed, letters and digits only"),
    "phone": _l("Enter a phone number, like 138 0013 8000, or +82 10 1234 5678 from abroad"),
    "email": _l("Enter an email address, like name@example.com"),
    "date": _l("Enter a real date"),
    "date_past": _l("%(label)s must be today or in the past"),
    "date_future": _l("%(label)s must be today or in the future"),
    "number": _l("Enter %(label)s as a whole number"),
    "number_small": _l("%(label)s is too small"),
    "number_large": _l("%(label)s is too large"),
}

ID_TYPE_LABELS = {
    "cn_resident": _l("Mainland resident ID card"),
    "foreign_permanent": _l("Foreign permanent resident ID card"),
    "passport": _l("Passport"),
}

MODE_LABELS = {
    "large_text": _l("Large text"),
    "speech": _l("Read aloud"),
    "voice": _l("Voice input"),
    "sign": _l("Sign language"),
}


def field_error(code, label):
    """The message shown at a field and in the error summary."""
    return FIELD_ERRORS[code] % {"label": label}
