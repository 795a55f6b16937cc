"""The catalogue: the shipped sample is complete, and a broken file names what is wrong."""
import re
import tomllib

import pytest

from kiosk.catalogue import ICONS, check_catalogue, load_catalogue
from kiosk.errors import CatalogueError
from kiosk.settings import DEFAULT_CONFIG, load_settings

SHIPPED = load_settings(DEFAULT_CONFIG).catalogue_path


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue(SHIPPED)


def test_shipped_catalogue_has_at_least_six_packages_and_25_items(shipped):
    assert len(shipped.packages) >= 6
    assert len(shipped.items) >= 25


@pytest.mark.parametrize("package, title_zh, items", [
    ("open_shop", "我要开店", {"business_licence", "food_business_licence", "outdoor_signboard",
                               "fire_safety_inspection", "seal_engraving", "tax_registration_invoice",
                               "employer_social_insurance_registration", "tobacco_retail_licence"}),
    ("have_baby", "我要生娃", {"birth_medical_certificate", "vaccination_certificate",
                               "hukou_birth_registration", "resident_medical_insurance_child",
                               "newborn_social_security_card", "childbirth_cost_reimbursement",
                               "maternity_allowance", "parenting_guidance"}),
    ("retire", "我要退休", {"pension_claim", "retiree_medical_insurance",
                           "housing_fund_retirement_withdrawal",
                           "pension_qualification_certification", "senior_citizen_card"}),
])
def test_shipped_catalogue_has_the_seed_packages(shipped, package, title_zh, items):
    assert shipped.packages[package].title["zh"] == title_zh
    assert items <= {entry.item for entry in shipped.packages[package].items}


def test_tobacco_licence_is_optional_when_opening_a_shop(shipped):
    assert not shipped.packages["open_shop"].entry("tobacco_retail_licence").required


def test_newborn_hukou_registration_explains_the_alternative(shipped):
    rules = shipped.items["hukou_birth_registration"].eligibility
    assert rules and all(rule.instead["en"] and rule.instead["ko"] for rule in rules)


def test_shipped_catalogue_is_marked_as_sample_content(shipped):
    assert shipped.meta["sample"] is True


def test_every_text_is_written_in_its_own_script(shipped):
    texts = [item.title for item in shipped.items.values()]
    texts += [package.title for package in shipped.packages.values()]
    for text in texts:
        assert re.search(r"[\u4e00-\u9fff]", text["zh"]), text
        assert re.search(r"[\uac00-\ud7a3]", text["ko"]), text
        assert re.search(r"[A-Za-z]", text["en"]), text


def test_one_form_asks_a_shared_field_once(shipped):
    fields = [f.key for f in shipped.form_fields(["business_licence", "food_business_licence"])]
    assert fields.count("applicant_name") == 1
    assert fields.index("applicant_id_type") < fields.index("applicant_id_number")


def test_one_set_of_documents_lists_the_id_card_once(shipped):
    items = list(shipped.packages["open_shop"].default_items())
    documents = [document.key for document in shipped.documents_for(items)]
    assert len(documents) == len(set(documents))
    every_item_needs = set.intersection(*(set(shipped.items[key].documents) for key in items))
    assert every_item_needs and every_item_needs <= set(documents)


# A broken catalogue stops start-up with a message naming the entry and the field.

def write_broken(tmp_path, change):
    raw = SHIPPED.read_text(encoding="utf-8")
    path = tmp_path / "catalogue.toml"
    path.write_text(change(raw), encoding="utf-8")
    return path


def broken(edit):
    """The shipped catalogue's data with one thing broken by `edit`."""
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    return data


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["items"]["business_licence"].pop("department"),
     'item "business_licence": field "department" is missing'),
    (lambda d: d["items"]["business_licence"]["title"].pop("ko"),
     'item "business_licence": field "title" has no ko text'),
    (lambda d: d["items"]["business_licence"].update(documents=["id_card", "no_such_document"]),
     "item \"business_licence\": field \"documents\" names 'no_such_document'"),
    (lambda d: d["items"]["business_licence"].update(time_limit_days="three"),
     'item "business_licence": field "time_limit_days" has the wrong type'),
    (lambda d: d["items"]["business_licence"].update(online="yes"),
     'item "business_licence": field "online" has the wrong type'),
    (lambda d: d["packages"]["retire"].update(icon="rocket"),
     'package "retire": field "icon" must be one of'),
    (lambda d: d["packages"]["retire"]["items"].append({"item": "no_such_item", "required": True}),
     "package \"retire\" item entry: field \"item\" names 'no_such_item'"),
    (lambda d: d["packages"]["retire"]["items"].append(
        {"item": "tobacco_retail_licence", "required": False}),
     'package "retire" item entry: field "reason" is missing'),
    (lambda d: d["packages"]["retire"].pop("title"),
     'package "retire": field "title" is missing'),
    (lambda d: d["fields"]["applicant_name"].update(type="colour"),
     'form field "applicant_name": field "type" must be one of'),
    (lambda d: d["fields"]["business_scope"].pop("options"),
     'form field "business_scope": field "options" is missing'),
    (lambda d: d["fields"]["applicant_id_number"].update(id_type_field="applicant_name"),
     'form field "applicant_id_number": field "id_type_field" must name a field of type id_type'),
    (lambda d: d["packages"].update({"Bad Key": d["packages"]["retire"]}),
     "[packages] key 'Bad Key' must be lower-case"),
    (lambda d: d["fields"]["applicant_birth_date"].update(derive={"from": "applicant_name",
                                                                  "part": "birth_date"}),
     'form field "applicant_birth_date": field "derive" must name a field of type id_number'),
    (lambda d: d["fields"]["applicant_birth_date"].update(derive={"from": "applicant_id_number",
                                                                  "part": "shoe_size"}),
     'form field "applicant_birth_date": field "derive" must be'),
    (lambda d: d["fields"]["applicant_sex"].update(derive={"from": "applicant_id_number",
                                                           "part": "birth_date"}),
     'field "derive" gives a birth date, so the field must be a date'),
    (lambda d: d["shortcuts"]["applicant_is_mother"]["copy"].update(mother_name="no_such_field"),
     "shortcut \"applicant_is_mother\": field \"copy\" names 'no_such_field'"),
    (lambda d: d["shortcuts"]["applicant_is_mother"]["copy"].update(mother_name="applicant_phone"),
     'copies \'applicant_phone\' into \'mother_name\', a field of another type'),
    (lambda d: d["shortcuts"]["applicant_is_mother"].update(sex="yes"),
     'shortcut "applicant_is_mother": field "sex" must be male or female'),
    (lambda d: d["items"]["pension_claim"].update(aliases={"fr": ["retraite"]}),
     'item "pension_claim": field "aliases" has an unknown language: fr'),
    (lambda d: d["items"]["pension_claim"].update(aliases={"zh": "退休"}),
     'item "pension_claim": field "aliases" must list the zh names as texts'),
    # Misspelt fields and tables are refused, with the likely meaning (#11 item 15).
    (lambda d: d["packages"]["retire"]["items"][0].update(selcted=True),
     'package "retire" item entry: field "selcted" is not a field the kiosk knows here '
     '(did you mean "selected"?)'),
    (lambda d: d["items"]["pension_claim"].update(time_limit_day=3),
     'item "pension_claim": field "time_limit_day" is not a field the kiosk knows here '
     '(did you mean "time_limit_days"?)'),
    (lambda d: d["fields"]["applicant_name"].update(requried=False),
     'field "requried" is not a field the kiosk knows here (did you mean "required"?)'),
    (lambda d: d["items"]["pension_claim"]["eligibility"][0].update(explaination={}),
     'eligibility rule: field "explaination" is not a field the kiosk knows here '
     '(did you mean "explanation"?)'),
    (lambda d: d["fields"]["business_scope"]["options"][0].update(lable={}),
     "has an unknown field 'lable' in option"),
    (lambda d: d.update(pakages={}),
     'unknown table [pakages] (did you mean "packages"?)'),
])
def test_a_broken_catalogue_names_the_entry_and_field(edit, message):
    with pytest.raises(CatalogueError) as raised:
        check_catalogue(broken(edit), "catalogue.toml")
    assert message in str(raised.value)


def test_a_catalogue_that_is_not_toml_says_so(tmp_path):
    path = write_broken(tmp_path, lambda raw: raw + "\n[items.broken\n")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        load_catalogue(path)


def test_a_missing_catalogue_says_so(tmp_path):
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(tmp_path / "nowhere.toml")


def test_every_service_has_everyday_names_to_be_found_by(shipped):
    for item in shipped.items.values():
        assert set(item.aliases) == {"zh", "en", "ko"}, item.key


def test_a_birth_date_and_sex_are_derived_only_from_a_mainland_id(shipped):
    assert shipped.fields["applicant_birth_date"].derive == ("applicant_id_number", "birth_date")
    assert shipped.fields["applicant_sex"].derive == ("applicant_id_number", "sex")


def test_documents_a_chosen_service_produces_or_an_answer_rules_out_are_not_asked_for():
    catalogue = load_catalogue(DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml")
    retiring = [entry.item for entry in catalogue.packages["retire"].items]
    keys = lambda documents: [document.key for document in documents]  # noqa: E731
    assert "retirement_approval" in keys(catalogue.documents_for(["retiree_medical_insurance"]))
    # Retiring in this visit produces the proof of retirement the other services need.
    assert "retirement_approval" not in keys(catalogue.documents_for(retiring))
    # Early-retirement proof: listed until the type is known, then only for early retirement.
    assert "early_retirement_proof" in keys(catalogue.documents_for(retiring))
    assert "early_retirement_proof" not in keys(catalogue.documents_for(
        retiring, {"retirement_type": "normal"}))
    assert "early_retirement_proof" in keys(catalogue.documents_for(
        retiring, {"retirement_type": "special_job"}))
    baby = [entry.item for entry in catalogue.packages["have_baby"].items]
    assert "birth_medical_certificate" in baby
    assert "birth_medical_certificate_doc" not in keys(catalogue.documents_for(baby))


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["documents"]["id_card"].update(not_needed_with=["no_such_item"]),
     "document \"id_card\": field \"not_needed_with\" names 'no_such_item'"),
    (lambda d: d["documents"]["id_card"].update(only_when={"field": "applicant_name",
                                                           "values": ["x"]}),
     "document \"id_card\": field \"only_when\" must name a choice field"),
    (lambda d: d["documents"]["id_card"].update(only_when={"field": "business_scope",
                                                           "values": ["nope"]}),
     "names options business_scope does not have: nope"),
    (lambda d: d["documents"]["id_card"].update(only_when={"field": "business_scope"}),
     'field "only_when" must be { field = FIELD_KEY'),
])
def test_a_bad_document_condition_is_named(edit, message):
    with pytest.raises(CatalogueError) as raised:
        check_catalogue(broken(edit), "catalogue.toml")
    assert message in str(raised.value)


# Package icons: a name from a short list, never a path or markup; the README lists them.

ROOT = DEFAULT_CONFIG.parent


@pytest.mark.parametrize("icon", ["rocket", "../../etc/passwd", "/etc/passwd", "shop.svg",
                                  "<script>alert(1)</script>", "SHOP", "", "x" * 5000])
def test_an_unknown_icon_is_refused_naming_every_allowed_icon(icon):
    with pytest.raises(CatalogueError) as raised:
        check_catalogue(broken(lambda d: d["packages"]["retire"].update(icon=icon)),
                        "catalogue.toml")
    message = str(raised.value)
    assert f'package "retire": field "icon" must be one of the package icons: {", ".join(ICONS)}' \
        in message
    assert repr(icon[:40]) in message and len(message) < 300


def test_every_package_icon_has_its_picture_and_is_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for icon in ICONS:
        assert (ROOT / "static" / "icons" / f"{icon}.svg").is_file(), icon
        assert f"| `{icon}` |" in readme, icon
