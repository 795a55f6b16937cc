"""Conditional form hints have prompt keys of their own, listed and said in every language."""
import pytest

from kiosk.catalogue import load_catalogue
from kiosk.prompts import KEY_PATTERN, Prompts, field_prompt
from kiosk.settings import DEFAULT_CONFIG, LANGUAGES, load_settings


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(load_settings(DEFAULT_CONFIG).catalogue_path)


@pytest.fixture(scope="module")
def prompts(catalogue):
    return Prompts(catalogue)


def conditional_keys(catalogue):
    return [(field, hint) for field in catalogue.fields.values() for hint in field.hints]


def test_every_conditional_hint_has_a_listed_prompt_key(catalogue, prompts):
    pairs = conditional_keys(catalogue)
    assert {"field.employer_name.maternity", "field.employer_name.retirement",
            "field.father_name.may_be_blank", "field.applicant_address.accommodation"} <= {
        field_prompt(field, hint) for field, hint in pairs}
    listed = set(prompts.keys())
    warmed = set(prompts.keys(errors=False))    # speech warm-up and the sign studio
    for field, hint in pairs:
        key = field_prompt(field, hint)
        assert KEY_PATTERN.fullmatch(key), key
        assert key in listed and key in warmed, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_conditional_hints_prompt_says_the_label_and_that_hint(catalogue, prompts, language):
    for field, hint in conditional_keys(catalogue):
        said = prompts.text(field_prompt(field, hint), language)
        assert said.startswith(field.label[language]), said
        assert hint.text[language].rstrip("。.") in said, said


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plain_prompt_says_the_default_hint_or_only_the_label(catalogue, prompts, language):
    father = catalogue.fields["father_name"]
    assert prompts.text("field.father_name", language).rstrip("。. ") == father.label[language]
    assert prompts.text(field_prompt(father), language) == prompts.text("field.father_name",
                                                                        language)
    address = catalogue.fields["applicant_address"]
    assert address.hint[language].rstrip("。.") in prompts.text("field.applicant_address",
                                                                language)


def test_an_unknown_hint_key_has_no_prompt(prompts):
    assert prompts.text("field.father_name.no_such_hint", "en") is None
    assert prompts.text("field.no_such_field.may_be_blank", "en") is None
