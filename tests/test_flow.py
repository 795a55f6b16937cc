"""The journey as data: shaping a package, eligibility, the one form, the submission."""
import datetime

import pytest

from support import MINI_CATALOGUE
from kiosk import flow
from kiosk.catalogue import CUSTOM_PACKAGE, load_catalogue
from kiosk.errors import BadRequest, StepNotReady

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(MINI_CATALOGUE)


def test_a_package_starts_with_its_required_and_preselected_items(catalogue):
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    assert state["items"] == ["business_licence", "food_licence"]


def test_build_your_own_starts_empty_and_cannot_continue_until_something_is_added(catalogue):
    state = {}
    flow.start_package(state, catalogue, CUSTOM_PACKAGE)
    with pytest.raises(StepNotReady) as raised:
        flow.require_step(state, catalogue, "form")
    assert raised.value.step == "builder"
    flow.set_item(state, catalogue, "seal", True)
    flow.require_step(state, catalogue, "form")


def test_choosing_another_package_keeps_the_answers_typed_so_far(catalogue):
    state = {"answers": {"applicant_name": "张三"}}
    flow.start_package(state, catalogue, "have_baby")
    assert state["answers"] == {"applicant_name": "张三"}


def test_an_unknown_package_or_item_is_a_bad_request(catalogue):
    with pytest.raises(BadRequest):
        flow.start_package({}, catalogue, "win_the_lottery")
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    with pytest.raises(BadRequest):
        flow.set_item(state, catalogue, "win_the_lottery", True)


def test_adding_a_service_with_new_questions_reopens_the_form(catalogue):
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    assert flow.record_answers(state, catalogue, {
        "applicant_name": "张三", "applicant_id_type": "passport",
        "applicant_id_number": "E12345678", "applicant_phone": "13812345678",
        "shop_name": "店", "shop_kind": "retail"}, TODAY) == {}
    flow.require_step(state, catalogue, "check")
    flow.set_item(state, catalogue, "hukou_birth", True)
    with pytest.raises(StepNotReady) as raised:
        flow.require_step(state, catalogue, "check")
    assert raised.value.step == "eligibility"
    flow.record_eligibility(state, catalogue, {"local_hukou": "yes"})
    flow.require_step(state, catalogue, "check")   # no new field: the form still holds


def test_adding_a_service_with_new_fields_reopens_the_form(catalogue):
    state = {}
    flow.start_package(state, catalogue, CUSTOM_PACKAGE)
    flow.set_item(state, catalogue, "seal", True)
    assert flow.record_answers(state, catalogue, {"applicant_name": "张三"}, TODAY) == {}
    flow.require_step(state, catalogue, "check")
    flow.set_item(state, catalogue, "business_licence", True)
    with pytest.raises(StepNotReady) as raised:
        flow.require_step(state, catalogue, "check")
    assert raised.value.step == "form"


def test_one_form_is_the_union_of_the_items_fields_in_section_order(catalogue):
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    flow.set_item(state, catalogue, "seal", True)
    assert [f.key for f in flow.form_fields(state, catalogue)] == [
        "applicant_name", "applicant_id_type", "applicant_id_number", "applicant_phone",
        "shop_name", "shop_kind", "opening_date"]


def test_answers_are_checked_and_kept_even_when_wrong(catalogue):
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    errors = flow.record_answers(state, catalogue, {
        "applicant_name": " 张三 ", "applicant_id_type": "cn_resident",
        "applicant_id_number": "110105194912310021", "applicant_phone": "138 1234 5678",
        "shop_name": "", "shop_kind": "restaurant"}, TODAY)
    assert errors == {"applicant_id_number": "id_check_digit", "shop_name": "required"}
    assert state["answers"]["applicant_id_number"] == "110105194912310021"
    assert state["answers"]["applicant_name"] == "张三"
    assert not flow.form_complete(state, catalogue)


def test_an_optional_date_may_be_left_empty_but_not_wrong(catalogue):
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    flow.set_item(state, catalogue, "seal", True)
    base = {"applicant_name": "张三", "applicant_id_type": "passport",
            "applicant_id_number": "E12345678", "applicant_phone": "13812345678",
            "shop_name": "店", "shop_kind": "retail"}
    assert flow.record_answers(state, catalogue, base, TODAY) == {}
    assert flow.record_answers(state, catalogue, {**base, "opening_date": "2020-01-01"},
                               TODAY) == {"opening_date": "date_future"}


def test_an_ineligible_item_is_left_out_of_the_form_and_the_submission(catalogue):
    state = {}
    flow.start_package(state, catalogue, "have_baby")
    assert flow.record_eligibility(state, catalogue, {"local_hukou": "no"}) == []
    assert [item.key for item, _ in flow.ineligible(state, catalogue)] == ["hukou_birth"]
    assert flow.items_to_submit(state, catalogue) == ["birth_certificate"]
    assert "applicant_phone" not in [f.key for f in flow.form_fields(state, catalogue)]


def test_an_eligibility_answer_other_than_yes_or_no_is_a_bad_request(catalogue):
    state = {}
    flow.start_package(state, catalogue, "have_baby")
    with pytest.raises(BadRequest):
        flow.record_eligibility(state, catalogue, {"local_hukou": "maybe"})


def test_the_submission_record_carries_titles_for_resident_and_clerk(catalogue):
    state = {"lang": "ko", "modes_used": ["large_text"]}
    flow.start_package(state, catalogue, "have_baby")
    flow.record_eligibility(state, catalogue, {"local_hukou": "no"})
    flow.record_answers(state, catalogue, {"applicant_name": "김민지",
                                           "applicant_id_type": "passport",
                                           "applicant_id_number": "M12345678"}, TODAY)
    record = flow.submission_record(state, catalogue)
    assert record["items"] == [{"key": "birth_certificate", "title": "출생의학증명서",
                                "title_zh": "出生医学证明", "department": "police"}]
    assert record["eligibility"]["not_eligible"] == [{"item": "hukou_birth",
                                                      "question": "local_hukou"}]
    assert record["answers"]["applicant_id_number"] == "M12345678"
    assert record["modes"] == ["large_text"]
    assert record["documents"] == ["id_card"]


# The one form, a section per screen; what the kiosk derives and copies.

@pytest.fixture(scope="module")
def shipped():
    from kiosk.settings import DEFAULT_CONFIG, load_settings
    return load_catalogue(load_settings(DEFAULT_CONFIG).catalogue_path)


def social_security_card(shipped, id_type, id_number):
    state = {}
    flow.start_package(state, shipped, "social_security_card")
    flow.record_answers(state, shipped, {"applicant_name": "李明", "applicant_id_type": id_type,
                                         "applicant_id_number": id_number}, TODAY,
                        fields=flow.section_fields(state, shipped, "applicant"))
    return state


def test_a_mainland_id_tells_the_birth_date_and_sex_so_they_are_not_asked(shipped):
    state = social_security_card(shipped, "cn_resident", "11010519491231002X")
    assert flow.derived_answers(state, shipped) == {"applicant_birth_date": "1949-12-31",
                                                    "applicant_sex": "female"}
    assert "personal" not in [section.key for section, _ in flow.form_sections(state, shipped)]
    assert flow.all_answers(state, shipped)["applicant_sex"] == "female"


def test_a_passport_holder_is_asked_the_birth_date_and_sex(shipped):
    state = social_security_card(shipped, "passport", "E12345678")
    assert flow.derived_answers(state, shipped) == {}
    personal = flow.section_fields(state, shipped, "personal")
    assert [f.key for f in personal] == ["applicant_birth_date", "applicant_sex"]


def test_a_wrong_mainland_id_derives_nothing(shipped):
    state = social_security_card(shipped, "cn_resident", "110105194912310021")
    assert flow.derived_answers(state, shipped) == {}


def test_the_submission_carries_what_the_kiosk_derived(shipped):
    state = social_security_card(shipped, "cn_resident", "11010519491231002X")
    record = flow.submission_record(state, shipped)
    assert record["answers"]["applicant_birth_date"] == "1949-12-31"


MOTHER = {"applicant_name": "王芳", "applicant_id_type": "cn_resident",
          "applicant_id_number": "11010519491231002X"}     # the 17th digit is even: a woman


def parents_screen(shipped, answers=MOTHER):
    state = {"answers": dict(answers)}
    flow.start_package(state, shipped, "have_baby")
    return state, flow.section_fields(state, shipped, "parents")


def test_a_ticked_shortcut_copies_answers_already_given(shipped):
    state, fields = parents_screen(shipped)
    offered = flow.shortcuts_for(state, shipped, fields)
    flow.tick_shortcuts(state, shipped, offered, ["applicant_is_mother"])
    posted = flow.with_shortcuts(state, shipped, {"mother_name": "", "father_name": "王刚"})
    assert posted["mother_name"] == "王芳"
    assert posted["mother_id_number"] == "11010519491231002X"
    assert posted["father_name"] == "王刚"


def test_copies_follow_a_later_change_of_the_answers_they_copy(shipped):
    state, fields = parents_screen(shipped)
    flow.tick_shortcuts(state, shipped, flow.shortcuts_for(state, shipped, fields),
                        ["applicant_is_mother"])
    state["answers"]["applicant_name"] = "王芳芳"
    assert flow.all_answers(state, shipped)["mother_name"] == "王芳芳"


def test_without_the_tick_what_was_typed_stays(shipped):
    state, fields = parents_screen(shipped)
    flow.tick_shortcuts(state, shipped, flow.shortcuts_for(state, shipped, fields), [])
    posted = flow.with_shortcuts(state, shipped, {"mother_name": "张丽"})
    assert posted["mother_name"] == "张丽"


def test_shortcuts_copying_the_same_answers_exclude_each_other(shipped):
    man = {**MOTHER, "applicant_id_number": "510104196307151013"}
    state, fields = parents_screen(shipped, answers={**man, "applicant_id_type": "passport"})
    offered = flow.shortcuts_for(state, shipped, fields)
    flow.tick_shortcuts(state, shipped, offered, ["applicant_is_mother", "applicant_is_father"])
    assert state["shortcuts"] == ["applicant_is_mother"]


def test_a_shortcut_not_offered_on_the_screen_is_a_bad_request(shipped):
    state, fields = parents_screen(shipped)
    with pytest.raises(BadRequest):
        flow.tick_shortcuts(state, shipped, flow.shortcuts_for(state, shipped, fields),
                            ["make_me_rich"])


def test_shortcuts_are_offered_only_when_their_answers_are_known(shipped):
    state, fields = parents_screen(shipped, answers={})
    assert flow.shortcuts_for(state, shipped, fields) == []
    state["answers"] = {**MOTHER, "applicant_id_type": "passport", "applicant_id_number": "E1234567"}
    offered = [shortcut.key for shortcut in flow.shortcuts_for(state, shipped, fields)]
    assert offered == ["applicant_is_mother", "applicant_is_father"]


def test_a_mainland_id_tells_which_parent_the_resident_can_be(shipped):
    state, fields = parents_screen(shipped)
    assert [s.key for s in flow.shortcuts_for(state, shipped, fields)] == ["applicant_is_mother"]
    state, fields = parents_screen(shipped, {**MOTHER, "applicant_id_number": "510104196307151013"})
    assert [s.key for s in flow.shortcuts_for(state, shipped, fields)] == ["applicant_is_father"]


@pytest.mark.parametrize("posted, kept", [
    ({"d-year": "1965", "d-month": "3", "d-day": "1"}, "1965-03-01"),
    ({"d-year": "", "d-month": "", "d-day": ""}, ""),
    ({"d-year": "19a5", "d-month": "3", "d-day": "1"}, "19a5-3-1"),
    ({"d": "2020-01-02"}, "2020-01-02"),
    ({}, None),
])
def test_a_date_comes_from_the_pickers_three_parts(posted, kept):
    from kiosk.catalogue import FormField, Text
    date = FormField("d", "s", 1, "date", Text(zh="日", en="D", ko="일"), None, True, 10)
    assert flow.posted_value(date, posted) == kept


def test_a_kept_date_goes_back_into_the_pickers_parts():
    assert flow.date_parts("1965-03-01") == {"year": "1965", "month": "3", "day": "1"}
    assert flow.date_parts("rubbish") == {"year": "", "month": "", "day": ""}


def test_a_wrong_date_from_the_picker_is_an_error_and_is_kept(catalogue):
    state = {}
    flow.start_package(state, catalogue, "open_shop")
    flow.set_item(state, catalogue, "seal", True)
    fields = [catalogue.fields["opening_date"]]
    errors = flow.record_answers(state, catalogue, {"opening_date-year": "2027",
                                                    "opening_date-month": "2",
                                                    "opening_date-day": "30"}, TODAY, fields=fields)
    assert errors == {"opening_date": "date"}
    assert state["answers"]["opening_date"] == "2027-02-30"
