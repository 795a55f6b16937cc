"""Hints and documents that follow the chosen services and answers, and the foreigner's
residence permit next to the citizens' one (#12, "Content and receipt")."""
import tomllib

import pytest

from support import csrf_token, make_app
from kiosk import flow
from kiosk.catalogue import check_catalogue, load_catalogue
from kiosk.errors import CatalogueError
from kiosk.service_search import ServiceFinder, normalise, search_terms
from kiosk.settings import DEFAULT_CONFIG, load_settings

SHIPPED = load_settings(DEFAULT_CONFIG).catalogue_path


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(SHIPPED)


def package_items(catalogue, package):
    return catalogue.packages[package].default_items()


def hint_key(catalogue, field_key, items, answers=None):
    hint = catalogue.fields[field_key].hint_for(items, answers or {})
    return hint.key if hint else None


def document_keys(catalogue, items, answers=None):
    return [document.key for document in catalogue.documents_for(items, answers)]


# Which hint a field shows.

def test_a_retiree_is_not_told_about_the_mothers_employer(catalogue):
    retiring = package_items(catalogue, "retire")
    assert "employer_name" in [f.key for f in catalogue.form_fields(retiring)]
    assert hint_key(catalogue, "employer_name", retiring) == "retirement"
    assert "母亲" not in catalogue.fields["employer_name"].hints[1].text["zh"]


def test_the_have_baby_package_asks_for_the_mothers_employer(catalogue):
    baby = package_items(catalogue, "have_baby")
    assert hint_key(catalogue, "employer_name", baby) == "maternity"


def test_a_service_with_no_matching_hint_shows_the_fields_own_hint(catalogue):
    # The citizens' residence permit asks for the employer and has no conditional hint.
    assert hint_key(catalogue, "employer_name", ["residence_permit"]) is None
    assert catalogue.fields["employer_name"].hint is None


@pytest.mark.parametrize("relationship, shown", [
    ("father", None), ("mother", "may_be_blank"), ("other", "may_be_blank"),
    (None, "may_be_blank"),   # unanswered: as a document's only_when, the hint stays
])
def test_the_father_applying_is_not_told_to_leave_his_name_blank(catalogue, relationship, shown):
    baby = package_items(catalogue, "have_baby")
    answers = {"applicant_relationship": relationship} if relationship else {}
    assert hint_key(catalogue, "father_name", baby, answers) == shown
    assert catalogue.fields["father_name"].hint is None


def test_the_form_works_out_hints_from_the_services_to_submit_and_every_answer(catalogue):
    state = {}
    flow.start_package(state, catalogue, "have_baby")
    state["answers"] = {"applicant_relationship": "father"}
    fields = [catalogue.fields["father_name"], catalogue.fields["employer_name"]]
    shown = flow.shown_hints(state, catalogue, fields)
    assert shown["father_name"] is None
    assert shown["employer_name"].key == "maternity"
    # Not eligible for maternity allowance: it is not applied for, so neither is its hint.
    state["eligibility"] = {"mother_maternity_insurance": False}
    assert flow.shown_hints(state, catalogue, fields)["employer_name"] is None


# Which ID documents are listed.

@pytest.mark.parametrize("relationship, listed", [
    ("mother", ["parents_id_cards"]),
    ("father", ["parents_id_cards"]),
    ("other", ["parents_id_cards", "id_card"]),   # a grandparent brings their own too
    (None, ["parents_id_cards", "id_card"]),      # the builder, before anyone has said
])
def test_a_parent_brings_both_parents_ids_and_nobody_is_asked_for_theirs_twice(
        catalogue, relationship, listed):
    baby = package_items(catalogue, "have_baby")
    answers = {"applicant_relationship": relationship} if relationship else {}
    ids = [key for key in document_keys(catalogue, baby, answers)
           if key in ("parents_id_cards", "id_card")]
    assert ids == listed


def test_the_relationship_is_asked_wherever_both_parents_ids_are_needed(catalogue):
    for item in catalogue.items.values():
        if "parents_id_cards" in item.documents:
            assert "applicant_relationship" in item.fields, item.key


def test_your_id_document_stays_when_no_service_needs_both_parents_ids(catalogue):
    answers = {"applicant_relationship": "father"}
    assert "id_card" in document_keys(catalogue, ["vaccination_certificate"], answers)


# The foreigner's residence permit.

def test_foreign_nationals_have_a_residence_permit_of_their_own(catalogue):
    item = catalogue.items["foreigner_residence_permit"]
    citizens = catalogue.items["residence_permit"]
    assert item.category == citizens.category == "residence"
    assert item.department == "exit_entry"
    assert catalogue.departments["exit_entry"].title["zh"] == "公安局出入境管理部门"
    assert item.time_limit_days == 15 and not item.online
    assert item.next_step.visit == "later" and item.next_step.place == "exit_entry_counter"
    [rule] = item.eligibility
    assert (rule.question, rule.eligible_answer) == ("applicant_chinese_citizen", False)
    assert "居住证" in rule.instead["zh"]
    assert {"passport", "photo", "accommodation_registration"} <= set(item.documents)
    assert {"nationality", "residence_purpose", "applicant_id_number"} <= set(item.fields)


def test_the_citizens_permit_sends_foreigners_to_theirs_by_its_name(catalogue):
    foreign = catalogue.items["foreigner_residence_permit"]
    rule = next(rule for rule in catalogue.items["residence_permit"].eligibility
                if rule.question == "applicant_chinese_citizen")
    for language in ("zh", "en", "ko"):
        assert foreign.title[language] in rule.instead[language], language


@pytest.mark.parametrize("purpose, wanted, not_wanted", [
    ("work", "work_permit", "study_certificate"),
    ("study", "study_certificate", "work_permit"),
    ("family", "family_relationship_proof", "work_permit"),
])
def test_a_foreigner_brings_the_proof_of_the_reason_for_staying(catalogue, purpose, wanted,
                                                                not_wanted):
    documents = document_keys(catalogue, ["foreigner_residence_permit"],
                              {"residence_purpose": purpose})
    assert wanted in documents and not_wanted not in documents
    assert documents[:3] == ["passport", "photo", "accommodation_registration"]


@pytest.mark.parametrize("language, typed", [
    ("zh", "居留"), ("zh", "签证"), ("en", "visa"), ("en", "Residence permit"), ("ko", "거류"),
])
def test_searching_finds_the_foreigners_permit_in_the_residence_topic(catalogue, language,
                                                                        typed):
    # Pinyin initials (jlxk) are typed in the browser test, with the kiosk's dictionary.
    found = {category.key: [item.key for item in items]
             for category, items in ServiceFinder(catalogue).find(language, typed)}
    assert "foreigner_residence_permit" in found["residence"]


def test_residence_permit_finds_both_permits_in_english(catalogue):
    found = [key for key, item in catalogue.items.items()
             if normalise("residence permit") in search_terms(item, "en")]
    assert set(found) == {"residence_permit", "foreigner_residence_permit"}


def test_the_address_hint_follows_the_accommodation_registration(catalogue):
    assert hint_key(catalogue, "applicant_address", ["foreigner_residence_permit"]) == \
        "accommodation"
    assert hint_key(catalogue, "applicant_address", ["residence_permit"]) is None


# A bad conditional hint or covering rule stops start-up, naming what is wrong.

def broken(edit):
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    return data


def employer_hint(**changes):
    hint = {"key": "extra", "text": {"zh": "单位", "en": "Employer", "ko": "직장"},
            "with_items": ["pension_claim"]}
    hint.update(changes)
    return lambda d: d["fields"]["employer_name"]["hints"].append(
        {key: value for key, value in hint.items() if value is not None})


@pytest.mark.parametrize("edit, message", [
    (employer_hint(with_items=["no_such_item"]),
     'form field "employer_name" hint "extra": field "with_items" names \'no_such_item\', '
     'which is not in the catalogue'),
    (employer_hint(with_items=["business_licence"]),
     "names 'business_licence', which does not ask for employer_name"),
    (employer_hint(with_items=None),
     'form field "employer_name" hint: field "with_items" or only_when is needed'),
    (employer_hint(key="maternity"),
     'form field "employer_name": field "hints" uses the key \'maternity\' twice'),
    (employer_hint(key="Bad Key"), "field \"key\" 'Bad Key' must be lower-case"),
    (employer_hint(text=None), 'form field "employer_name" hint: field "text" is missing'),
    (employer_hint(with_item=["pension_claim"]),
     'field "with_item" is not a field the kiosk knows here (did you mean "with_items"?)'),
    (employer_hint(only_when={"field": "applicant_name", "values": ["x"]}),
     'hint "extra": field "only_when" must name a choice field'),
    (employer_hint(only_when={"field": "retirement_type", "values": ["normal"]}),
     "names retirement_type, which is not asked on an earlier screen of the form"),
    (employer_hint(only_when={"field": "housing_status", "values": ["castle"]}),
     "names options housing_status does not have: castle"),
    (lambda d: d["fields"]["employer_name"].update(hints={"key": "x"}),
     'form field "employer_name": field "hints" has the wrong type'),
    (lambda d: d["documents"]["id_card"]["covered_by"].update(document="no_such_document"),
     'document "id_card": field "covered_by" must name another document'),
    (lambda d: d["documents"]["id_card"]["covered_by"].update(document="id_card"),
     'document "id_card": field "covered_by" must name another document'),
    (lambda d: d["documents"]["id_card"]["covered_by"]["when"].update(values=["aunt"]),
     "names options applicant_relationship does not have: aunt"),
    (lambda d: d["documents"]["id_card"]["covered_by"].update(whenever={}),
     'document "id_card" covered_by: field "whenever" is not a field the kiosk knows here'),
])
def test_a_bad_conditional_hint_or_cover_is_named(edit, message):
    with pytest.raises(CatalogueError) as raised:
        check_catalogue(broken(edit), "catalogue.toml")
    assert message in str(raised.value)


# On the form screen.

@pytest.fixture
def client(tmp_path):
    return make_app(tmp_path, catalogue=SHIPPED).test_client()


def post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def start_baby(client, relationship):
    catalogue = client.application.extensions["kiosk"].catalogue
    post(client, "/packages", {"package": "have_baby"})
    questions = catalogue.questions_for(package_items(catalogue, "have_baby"))
    post(client, "/eligibility", {question.key: "yes" for question in questions})
    # Answers are kept even while others on the screen are still missing.
    post(client, "/form/applicant", {"applicant_relationship": relationship})


def test_the_parents_screen_shows_and_signs_the_hint_for_who_is_applying(client):
    post(client, "/preferences", {"toggle": "sign", "next": "/"})
    start_baby(client, "father")
    page = client.get("/form/parents").get_data(as_text=True)
    assert "Leave blank" not in page and "不适用的可以不填" not in page
    assert 'data-sign-key="field.father_name"' in page
    start_baby(client, "mother")
    page = client.get("/form/parents").get_data(as_text=True)
    assert "不适用的可以不填" in page
    assert 'data-sign-key="field.father_name.may_be_blank"' in page
    work = client.get("/form/work").get_data(as_text=True)
    assert "申领生育津贴的，填母亲的单位" in work
    assert 'data-sign-key="field.employer_name.maternity"' in work
