"""Checks for what residents type: ID numbers, phone numbers, dates, choices.

Each check returns the cleaned value or raises Invalid with a short code; the web layer
turns the code into a message in the resident's language. No Flask here.
"""
import datetime
import re
import unicodedata

import phonenumbers

ID_TYPES = ("cn_resident", "foreign_permanent", "passport")
EARLIEST_YEAR = 1900   # no resident or date on a form is older
# GB 11643-1999: weights 2^(17-i) mod 11 and the check character for each remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits of a mainland resident ID: the province-level region.
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
              45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}


class Invalid(ValueError):
    """The answer is not acceptable; `code` says why (see kiosk.messages)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def clean_text(value, max_length):
    """Trim, normalise width (full-width digits from Chinese keyboards) and every script's
    digits to 0-9 (١١٠ is 110: \\d and int() take them, the back office would not), refuse
    control characters."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = "".join(str(unicodedata.decimal(char)) if unicodedata.category(char) == "Nd" else char
                    for char in value)
    if len(value) > max_length:
        raise Invalid("too_long")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise Invalid("bad_characters")
    return value


def printable(value):
    """`value` without control characters: safe to show again after it was refused."""
    return "".join(char for char in value if unicodedata.category(char) not in ("Cc", "Cf")
                   or char in "\n\t")


def gb11643_check_character(first17):
    """The check character of a mainland resident ID (or new foreign permanent resident ID)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def _birth_date(text, today):
    try:
        born = datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise Invalid("id_birth_date") from None
    if born > today or born.year < 1900:
        raise Invalid("id_birth_date")
    return born


def check_resident_id(value, today=None):
    """A mainland resident ID: 18 characters, real region and birth date, GB 11643 check."""
    value = re.sub(r"\s", "", value).upper()
    if len(value) != 18:
        raise Invalid("id_length")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise Invalid("id_characters")
    if int(value[:2]) not in _PROVINCES:
        raise Invalid("id_region")
    _birth_date(value[6:14], today or datetime.date.today())
    if gb11643_check_character(value[:17]) != value[17]:
        raise Invalid("id_check_digit")
    return value


def resident_id_facts(value):
    """{"birth_date": ISO date, "sex": "male"/"female"} told by a checked mainland ID.

    Characters 7-14 are the birth date; the 17th is odd for men and even for women.
    """
    birth = value[6:14]
    return {"birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
            "sex": "male" if int(value[16]) % 2 else "female"}


def check_foreign_permanent_id(value, today=None):
    """A foreign permanent resident ID card: the 2023 18-digit card or the older 15-character one."""
    value = re.sub(r"\s", "", value).upper()
    today = today or datetime.date.today()
    if len(value) == 18:
        # 2023 card: starts with 9, birth date in 7..14, same check character as resident IDs.
        if not re.fullmatch(r"9[0-9]{16}[0-9X]", value):
            raise Invalid("foreign_id_format")
        _birth_date(value[6:14], today)
        if gb11643_check_character(value[:17]) != value[17]:
            raise Invalid("id_check_digit")
        return value
    # 2017 card: three-letter nationality, four-digit office, birth date YYMMDD, two digits.
    match = re.fullmatch(r"[A-Z]{3}[0-9]{4}([0-9]{6})[0-9]{2}", value)
    if not match:
        raise Invalid("foreign_id_format")
    yymmdd = match.group(1)
    century = "19" if int(yymmdd[:2]) > today.year % 100 else "20"
    _birth_date(century + yymmdd, today)
    return value


def check_passport(value):
    """A passport number: 5 to 20 letters and digits with at least one digit."""
    value = re.sub(r"[\s-]", "", value).upper()
    if not re.fullmatch(r"[A-Z0-9]{5,20}", value) or not re.search(r"[0-9]", value):
        raise Invalid("passport_format")
    return value


def check_id_number(value, id_type, today=None):
    """Check an ID number according to the kind of ID the resident chose."""
    if id_type == "cn_resident":
        return check_resident_id(value, today)
    if id_type == "foreign_permanent":
        return check_foreign_permanent_id(value, today)
    if id_type == "passport":
        return check_passport(value)
    raise Invalid("id_type_first")


def check_phone(value):
    """A phone number: a mainland number as dialled in China, or an international one with +."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise Invalid("phone") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid("phone")
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def check_email(value):
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}", value):
        raise Invalid("email")
    return value


def check_date(value, date_range="any", today=None):
    """An ISO date (what a date input posts); `date_range` past/future limits it to today's side."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Invalid("date") from None
    today = today or datetime.date.today()
    if not EARLIEST_YEAR <= day.year <= today.year + 100:
        raise Invalid("date")
    if date_range == "past" and day > today:
        raise Invalid("date_past")
    if date_range == "future" and day < today:
        raise Invalid("date_future")
    return day.isoformat()


def check_number(value, minimum=None, maximum=None):
    if not re.fullmatch(r"[0-9]+", value):
        raise Invalid("number")
    number = int(value)
    if minimum is not None and number < minimum:
        raise Invalid("number_small")
    if maximum is not None and number > maximum:
        raise Invalid("number_large")
    return str(number)


def mask(value):
    """A private number as a shared screen or a list shows it: the first 3 and the last 2
    characters (110*************2X)."""
    value = str(value or "")
    return value if len(value) <= 6 else value[:3] + "*" * (len(value) - 5) + value[-2:]
