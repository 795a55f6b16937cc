"""What happens next (#12): each service's next_step in the catalogue, checked when it loads,
grouped on the receipt, with "come back" dates counted in working days."""
import datetime
import tomllib
from zoneinfo import ZoneInfo

import pytest

from kiosk.catalogue import check_catalogue, load_catalogue
from kiosk.errors import CatalogueError
from kiosk.next_steps import next_steps
from kiosk.settings import DEFAULT_CONFIG, load_settings
from kiosk.times import hall_date, working_days_after

SHIPPED = load_settings(DEFAULT_CONFIG).catalogue_path
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_EVENING = "2026-11-27T18:30:00+08:00"


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue(SHIPPED)


def broken(edit):
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    return data


# Loading.

def test_every_shipped_service_says_what_happens_next(shipped):
    assert len(shipped.items) >= 40
    for item in shipped.items.values():
        step = item.next_step
        assert step.visit in ("now", "none", "later"), item.key
        assert (step.place is None) == (step.visit == "none"), item.key
        if step.place:
            assert set(shipped.places[step.place].title) == {"zh", "en", "ko"}


def test_a_pension_claim_needs_no_visit_and_a_business_licence_is_collected(shipped):
    assert shipped.items["pension_claim"].next_step.visit == "none"
    assert shipped.items["business_licence"].next_step.visit == "later"
    assert shipped.items["seal_engraving"].next_step.visit == "later"
    assert shipped.items["id_card_renewal"].next_step.visit == "now"


@pytest.mark.parametrize("package, no_visit", [("hire_employee", True), ("retire", False),
                                               ("open_shop", False), ("have_baby", False)])
def test_the_menus_no_visit_badge_follows_next_step(shipped, package, no_visit):
    items = shipped.packages[package].default_items()
    assert shipped.all_without_visit(items) is no_visit
    assert no_visit == all(shipped.items[key].next_step.visit == "none" for key in items)


def no_next_step(data):
    data["items"]["pension_claim"].pop("next_step")


def step_of(item, **step):
    def edit(data):
        data["items"][item]["next_step"] = step
    return edit


@pytest.mark.parametrize("edit, message", [
    (no_next_step, 'item "pension_claim": field "next_step" is missing'),
    (step_of("pension_claim", visit="soon"),
     'item "pension_claim" next_step: field "visit" must be one of now, none, later, not \'soon\''),
    (step_of("pension_claim"), 'item "pension_claim" next_step: field "visit" is missing'),
    (step_of("business_licence", visit="later"),
     'item "business_licence" next_step: field "where" is missing'),
    (step_of("business_licence", visit="later", where="counter_99"),
     "item \"business_licence\" next_step: field \"where\" names 'counter_99', which is not "
     "in the catalogue"),
    (step_of("pension_claim", visit="none", where="social_counter"),
     'item "pension_claim" next_step: field "where" is not used with visit = "none"'),
    (step_of("pension_claim", visit="none", note={"zh": "只有中文"}),
     'item "pension_claim" next_step: field "note" has no en text'),
    (step_of("pension_claim", visit="none", wehre="x"),
     'item "pension_claim" next_step: field "wehre" is not a field the kiosk knows here '
     '(did you mean "where"?)'),
    # The menu's "No visit needed" and the receipt must not contradict each other.
    (step_of("food_business_licence", visit="none"),
     'item "food_business_licence": field "next_step" says visit = "none" (nothing more to '
     'do), so the item needs online = true and no_meeting = true'),
    (step_of("pension_claim", visit="now", where="social_counter"),
     'item "pension_claim": field "next_step" says visit = "now" (go to a counter now), which '
     'is an in-person meeting, so the item needs no_meeting = false'),
    (step_of("tax_info_change", visit="later", where="collection_counter"),
     'item "tax_info_change": field "next_step" says visit = "later", which is counted from '
     'time_limit_days: give at least 1 working day'),
    (lambda data: data["places"]["social_counter"].pop("title"),
     'place "social_counter": field "title" is missing'),
])
def test_a_missing_or_wrong_next_step_is_refused_with_a_clear_message(edit, message):
    with pytest.raises(CatalogueError) as raised:
        check_catalogue(broken(edit), "catalogue.toml")
    assert message in str(raised.value)


# Working days.

@pytest.mark.parametrize("start, days, expected", [
    ("2026-11-27", 2, "2026-12-01"),   # Friday + 2 working days: Tuesday
    ("2026-11-27", 1, "2026-11-30"),   # Friday + 1: Monday
    ("2026-11-24", 2, "2026-11-26"),   # Tuesday + 2: Thursday
    ("2026-11-28", 1, "2026-11-30"),   # a Saturday + 1: Monday
    ("2026-11-27", 10, "2026-12-11"),  # two whole weeks
    ("2026-11-27", 0, "2026-11-27"),
])
def test_come_back_dates_skip_saturdays_and_sundays(start, days, expected):
    assert working_days_after(datetime.date.fromisoformat(start), days) == \
        datetime.date.fromisoformat(expected)


def test_the_day_counted_from_is_the_halls_own():
    # 23:30 UTC on Thursday is already Friday morning in Shanghai.
    assert hall_date("2026-11-26T23:30:00+00:00", SHANGHAI) == datetime.date(2026, 11, 27)


# Grouping.

def groups_for(catalogue, package, answers=None):
    items = catalogue.packages[package].default_items()
    documents = [document.key for document in catalogue.documents_for(items, answers)]
    return next_steps(catalogue, items, documents, FRIDAY_EVENING, SHANGHAI)


def test_retiring_lists_no_documents_for_the_services_that_need_no_visit(shipped):
    groups = groups_for(shipped, "retire", {"retirement_type": "normal"})
    assert [group.visit for group in groups] == ["none", "later"]
    nothing, later = groups
    assert {item.key for item in nothing.items} == {
        "pension_claim", "retiree_medical_insurance", "housing_fund_retirement_withdrawal"}
    assert nothing.documents == [] and nothing.place is None
    # The senior citizen card is collected: 5 working days from a Friday is the next Friday.
    assert [item.key for item in later.items] == ["senior_citizen_card"]
    assert later.place.key == "collection_counter"
    assert later.ready == datetime.date(2026, 12, 4)
    assert [document.key for document in later.documents] == ["id_card", "photo"]


def test_opening_a_shop_groups_collections_by_date_and_keeps_each_groups_documents(shipped):
    groups = groups_for(shipped, "open_shop")
    assert [group.visit for group in groups] == ["none", "later", "later"]
    nothing, next_monday, later = groups
    assert {item.key for item in nothing.items} == {
        "tax_registration_invoice", "outdoor_signboard", "employer_social_insurance_registration"}
    assert {item.key for item in next_monday.items} == {"business_licence", "seal_engraving"}
    assert next_monday.ready == datetime.date(2026, 11, 30)
    assert {item.key for item in later.items} == {"food_business_licence",
                                                  "fire_safety_inspection"}
    assert later.ready == datetime.date(2026, 12, 11)
    # The licence is being applied for in this visit, so it is not asked for anywhere.
    for group in groups:
        assert "business_licence_copy" not in [document.key for document in group.documents]
    assert "floor_plan" in [document.key for document in later.documents]


def test_having_a_baby_goes_to_a_counter_now_and_comes_back_for_the_hukou(shipped):
    groups = groups_for(shipped, "have_baby")
    assert [group.visit for group in groups] == ["now", "none", "later", "later"]
    now, nothing, later, card = groups
    assert [item.key for item in now.items] == ["vaccination_certificate"]
    assert now.place.key == "family_counter"
    assert [document.key for document in now.documents] == ["id_card",
                                                            "newborn_vaccination_record"]
    assert nothing.documents == []
    assert [item.key for item in later.items] == ["hukou_birth_registration"]
    assert later.ready == datetime.date(2026, 12, 2)   # Friday + 3 working days
    assert "hukou_booklet" in [document.key for document in later.documents]
    assert [item.key for item in card.items] == ["newborn_social_security_card"]
    assert card.place.key == "collection_counter"
    assert card.ready == datetime.date(2026, 12, 11)   # Friday + 10 working days


def test_a_group_lists_only_the_documents_worked_out_when_it_was_sent(shipped):
    items = ["senior_citizen_card"]
    [group] = next_steps(shipped, items, ["id_card"], FRIDAY_EVENING, SHANGHAI)
    assert [document.key for document in group.documents] == ["id_card"]


# The screens.

def test_the_menu_says_no_visit_only_where_the_receipt_will(tmp_path):
    from support import make_app
    client = make_app(tmp_path, catalogue=SHIPPED).test_client()
    menu = client.get("/packages")
    facts = {key: "".join(menu.document.find(f".//*[@id='package-{key}-facts']").itertext())
             for key in ("retire", "hire_employee")}
    assert "不用跑腿" not in facts["retire"] and "只需跑一次" in facts["retire"]
    assert "不用跑腿" in facts["hire_employee"]


def test_the_receipt_shows_each_group_with_its_date(app, client):
    from test_resident_screens import complete_shop
    assert complete_shop(client).location == "/done"
    store = app.extensions["kiosk"].store
    store.db.execute("update submissions set created = ?", [FRIDAY_EVENING])
    page = client.get("/done")
    groups = page.document.findall(".//*[@data-next-step]")
    # The mini catalogue: the food licence at counter 2 now, the business licence (3 working
    # days) collected there from Wednesday.
    assert [group.get("data-next-step") for group in groups] == ["now", "later"]
    now, later = ["".join(group.find(".//h3").itertext()) for group in groups]
    assert "2号窗口" in now
    assert "2号窗口" in later and "2026年12月2日星期三" in later
    assert [item.get("data-document") for item in groups[1].findall(".//*[@data-document]")] \
        == ["id_card", "lease"]


def test_a_document_covered_by_another_brings_that_one_to_the_counter(shipped):
    items = shipped.packages["have_baby"].default_items()
    answers = {"applicant_relationship": "mother"}
    documents = [document.key for document in shipped.documents_for(items, answers)]
    assert "id_card" not in documents      # the mother's ID is among both parents' IDs
    now = next_steps(shipped, items, documents, FRIDAY_EVENING, SHANGHAI)[0]
    assert [item.key for item in now.items] == ["vaccination_certificate"]
    assert [document.key for document in now.documents] == ["parents_id_cards",
                                                            "newborn_vaccination_record"]
