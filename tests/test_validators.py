"""What residents type: ID numbers, phone numbers, dates, e-mail, numbers."""
import datetime

import pytest

from kiosk.validators import (Invalid, check_date, check_email, check_foreign_permanent_id,
                              check_id_number, check_number, check_passport, check_phone,
                              check_resident_id, clean_text, gb11643_check_character)

TODAY = datetime.date(2026, 11, 26)


def test_gb11643_check_character_matches_the_standards_example():
    # The worked example of GB 11643-1999: 11010519491231002X.
    assert gb11643_check_character("11010519491231002") == "X"


@pytest.mark.parametrize("value, cleaned", [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
    ("110105 19491231 002X", "11010519491231002X"),
])
def test_a_good_resident_id_is_accepted_and_normalised(value, cleaned):
    assert check_resident_id(value, TODAY) == cleaned


@pytest.mark.parametrize("value, code", [
    ("1101051949123100", "id_length"),
    ("110105194912310021", "id_check_digit"),
    ("11010519491231A02X", "id_characters"),
    ("990105194912310020", "id_region"),
    ("110105194902300029", "id_birth_date"),     # 30 February
    ("110105203001010010", "id_birth_date"),     # born in the future
])
def test_a_bad_resident_id_says_what_is_wrong(value, code):
    with pytest.raises(Invalid) as raised:
        check_resident_id(value, TODAY)
    assert raised.value.code == code


def test_the_2023_foreign_permanent_resident_card_number_is_checked_like_a_resident_id():
    first17 = "93115619900101001"
    good = first17 + gb11643_check_character(first17)
    assert check_foreign_permanent_id(good, TODAY) == good
    with pytest.raises(Invalid, match="id_check_digit"):
        check_foreign_permanent_id(good[:-1] + ("0" if good[-1] != "0" else "1"), TODAY)


@pytest.mark.parametrize("value, ok", [
    ("USA110090010112", True),      # three letters, office, birth date 900101, sequence
    ("usa 1100 900101 12", True),
    ("USA110099133112", False),     # month 13
    ("US1100900101120", False),
])
def test_the_2017_foreign_permanent_resident_card_number(value, ok):
    if ok:
        assert check_foreign_permanent_id(value, TODAY)
    else:
        with pytest.raises(Invalid, match="foreign_id_format|id_birth_date"):
            check_foreign_permanent_id(value, TODAY)


@pytest.mark.parametrize("value, ok", [
    ("E12345678", True), ("M 1234 5678", True), ("AB-123456", True),
    ("ABCDEFG", False), ("1234", False), ("E1234567890123456789012", False), ("E1234<5678", False),
])
def test_passport_numbers(value, ok):
    if ok:
        assert check_passport(value)
    else:
        with pytest.raises(Invalid, match="passport_format"):
            check_passport(value)


def test_an_id_number_without_its_kind_asks_for_the_kind_first():
    with pytest.raises(Invalid, match="id_type_first"):
        check_id_number("11010519491231002X", None)


@pytest.mark.parametrize("value, cleaned", [
    ("13812345678", "138 1234 5678"),
    ("+86 138 1234 5678", "138 1234 5678"),
    ("028-8765 4321", "028 8765 4321"),
    ("+82 10-1234-5678", "+82 10-1234-5678"),
    ("+1 415 555 2671", "+1 415-555-2671"),
])
def test_mainland_and_international_phone_numbers(value, cleaned):
    assert check_phone(value) == cleaned


@pytest.mark.parametrize("value", ["12345", "1381234567", "hello", "+999 123", ""])
def test_bad_phone_numbers(value):
    with pytest.raises(Invalid, match="phone"):
        check_phone(value)


@pytest.mark.parametrize("value, date_range, code", [
    ("2026-02-30", "any", "date"), ("26/11/2026", "any", "date"), ("1800-01-01", "any", "date"),
    ("2026-12-01", "past", "date_past"), ("2026-01-01", "future", "date_future"),
])
def test_bad_dates(value, date_range, code):
    with pytest.raises(Invalid) as raised:
        check_date(value, date_range, TODAY)
    assert raised.value.code == code


def test_today_is_both_past_and_future():
    assert check_date("2026-11-26", "past", TODAY) == check_date("2026-11-26", "future", TODAY)


@pytest.mark.parametrize("value, code", [("abc", "number"), ("-3", "number"), ("1.5", "number"),
                                         ("0", "number_small"), ("1000001", "number_large")])
def test_bad_numbers(value, code):
    with pytest.raises(Invalid) as raised:
        check_number(value, 1, 1_000_000)
    assert raised.value.code == code


def test_email_addresses():
    assert check_email("name@example.com")
    with pytest.raises(Invalid):
        check_email("name@example")


def test_full_width_digits_from_a_chinese_keyboard_are_understood():
    assert clean_text("１３８１２３４５６７８", 30) == "13812345678"


@pytest.mark.parametrize("value, code", [("a" * 11, "too_long"), ("a\u0000b", "bad_characters"),
                                         ("a\u202eb", "bad_characters")])
def test_clean_text_refuses_overlong_and_control_characters(value, code):
    with pytest.raises(Invalid) as raised:
        clean_text(value, 10)
    assert raised.value.code == code


def test_other_scripts_digits_become_0_to_9_before_any_check():
    arabic_indic = "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"
    assert clean_text(arabic_indic, 30) == "11010519491231002X"
    with pytest.raises(Invalid):        # a validator used on its own takes only 0-9
        check_resident_id(arabic_indic, TODAY)
    assert check_number(clean_text("٤٢", 10)) == "42"
