"""好差评: the resident's rating after each submission, on the kiosk and in the back office."""
import datetime
import json
import re

import pytest

from kiosk.backoffice.inbox import Rejected
from kiosk.backoffice.ratings import UnknownApplication, aggregate, check_rating, period_of
from kiosk.handoff import TargetContext, body_of, make_target, signed_headers
from kiosk.ratings import LEVELS, REASONS, kept_reasons, payload
from kiosk.settings import load_settings
from kiosk.times import working_days_after
from kiosk.voice_grammar import screen_grammar
from handoff_support import RECORD
from support import csrf_token, make_app
from test_resident_screens import complete_shop, post, text

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(scope="module")
def app(tmp_path_factory, backoffice_kind):
    """One kiosk for this module (each test sends its own application): building an app
    costs seconds, a submission milliseconds."""
    app = make_app(tmp_path_factory.mktemp("ratings"), **{"handoff.secret": "s3cret",
                                                          "ratings.holidays": "2026-12-25"})
    kiosk = app.extensions["kiosk"]
    kiosk.staff.add("clerk", "correct horse battery")
    kiosk.staff.add("operator", "correct horse battery", roles=("operator",))
    return app


# Working days and the due date of a follow-up.

def test_working_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 27)
    assert working_days_after(friday, 1) == datetime.date(2026, 11, 30)     # Monday
    assert working_days_after(friday, 15) == datetime.date(2026, 12, 18)


def test_working_days_skip_a_configured_holiday_too():
    friday = datetime.date(2026, 11, 27)
    holidays = {datetime.date(2026, 11, 30), datetime.date(2026, 12, 25)}
    assert working_days_after(friday, 1, holidays) == datetime.date(2026, 12, 1)
    assert working_days_after(friday, 15, holidays) == datetime.date(2026, 12, 21)


def test_holidays_are_read_from_kiosk_ini_and_a_bad_date_is_named():
    settings = load_settings(overrides={"ratings.holidays": "2026-10-01, 2026-10-02 2026-10-05"})
    assert settings.ratings.holidays == {datetime.date(2026, 10, day) for day in (1, 2, 5)}
    assert settings.ratings.follow_up_working_days == 15
    with pytest.raises(Exception, match=r"\[ratings\] holidays .*'2026-13-01'"):
        load_settings(overrides={"ratings.holidays": "2026-10-01, 2026-13-01"})


def test_the_http_ratings_endpoint_sits_beside_the_submissions_one():
    settings = load_settings(overrides={"handoff.target": "http",
                                        "handoff.url": "https://cases.example.gov/kiosk/submissions"})
    target = make_target("http", settings.handoff.options_for("http"), TargetContext())
    assert target.ratings_url == "https://cases.example.gov/kiosk/ratings"


# Counting per period and package.

def rated(level, when, package="open_shop"):
    return {"level": level, "rated": when, "package": package, "package_title": "我要开店"}


def test_ratings_are_counted_per_level_per_month_and_package_in_the_halls_calendar():
    rows = [rated("very_satisfied", "2026-10-31T17:00:00+00:00"),    # 1 November in Shanghai
            rated("satisfied", "2026-11-02T09:00:00+08:00"),
            rated("very_dissatisfied", "2026-11-03T09:00:00+08:00"),
            rated("fairly_satisfied", "2026-11-04T09:00:00+08:00", "retire"),
            rated("dissatisfied", "2026-10-30T09:00:00+08:00")]
    months = aggregate(rows, SHANGHAI)
    assert [month["period"] for month in months] == ["2026-11", "2026-10"]
    november = months[0]
    assert november["total"] == 4 and november["share"] == 75
    shop = next(cell for cell in november["packages"] if cell["package"] == "open_shop")
    assert shop["counts"] == {"very_satisfied": 1, "satisfied": 1, "fairly_satisfied": 0,
                              "dissatisfied": 0, "very_dissatisfied": 1}
    assert shop["share"] == 67
    assert months[1]["share"] == 0


def test_weeks_are_iso_weeks():
    assert period_of("2026-11-30T01:00:00+08:00", SHANGHAI, "week") == "2026-W49"
    assert period_of("2026-11-29T23:00:00+08:00", SHANGHAI, "week") == "2026-W48"
    assert aggregate([], SHANGHAI, "week") == []


def test_only_known_reasons_are_kept_once_and_only_for_levels_that_say_why():
    assert kept_reasons("dissatisfied", ["other", "junk", "long_wait", "other"]) == [
        "long_wait", "other"]
    assert kept_reasons("satisfied", ["long_wait"]) == []
    assert kept_reasons("fairly_satisfied", ["x"] * 1000) == []


# The resident's screen.

@pytest.fixture
def sent(app, client):
    """A client whose session has just sent an application (stored as /submit stores it)."""
    client.reference = app.extensions["kiosk"].store.create_submission("K2", RECORD)
    client.get("/")
    with client.session_transaction() as session:
        session["completed"] = client.reference
    return client


def rate(client, **form):
    return post(client, "/done/rating", {"reference": client.reference, **form})


def test_the_confirmation_asks_for_a_rating_on_the_five_levels_without_script(client):
    assert complete_shop(client).location == "/done"
    page = client.get("/done")
    levels = page.document.findall(".//form[@class='rating__levels']/button")
    assert [button.get("value") for button in levels] == list(LEVELS)
    assert [button.text for button in levels] == ["非常满意", "满意", "基本满意", "不满意",
                                                  "非常不满意"]
    assert all(button.get("aria-pressed") == "false" for button in levels)
    assert "Finish" not in text(page) and "完成" in text(page)     # leaving needs no rating


def test_one_tap_rates_and_a_fairly_satisfied_resident_may_say_why(app, sent):
    response = rate(sent, level="fairly_satisfied")
    assert response.status_code == 302 and response.location == "/done#rating"
    page = sent.get("/done")
    assert page.document.find(".//button[@data-level='fairly_satisfied']").get(
        "aria-pressed") == "true"
    reasons = page.document.findall(".//form[@class='rating__reasons']/button")
    assert [button.get("value") for button in reasons] == list(REASONS)
    rate(sent, reason="too_many_documents")
    rate(sent, reason="long_wait")
    rate(sent, reason="too_many_documents")       # a second tap takes it back
    rating = app.extensions["kiosk"].ratings.get(sent.reference)
    assert rating["level"] == "fairly_satisfied" and rating["reasons"] == ["long_wait"]
    assert rating["version"] == 4


def test_a_resident_may_change_the_rating_until_they_leave(app, sent):
    rate(sent, level="very_dissatisfied")
    rate(sent, reason="kiosk_problem")
    rate(sent, level="satisfied")          # a level that does not ask why drops the reasons
    rating = app.extensions["kiosk"].ratings.get(sent.reference)
    assert (rating["level"], rating["reasons"]) == ("satisfied", [])
    post(sent, "/start-over")
    response = post(sent, "/done/rating", {"reference": sent.reference, "level": "dissatisfied"})
    assert response.status_code == 400 and "不可用" in text(response)
    assert app.extensions["kiosk"].ratings.get(sent.reference)["level"] == "satisfied"


BAD_TAPS = [
    ({"level": "excellent"}, 400, "请从五个评价中选择一个。"),
    ({"level": "6"}, 400, "请从五个评价中选择一个。"),
    ({"level": "x" * 5000}, 400, "请从五个评价中选择一个。"),
    ({"reason": "long_wait"}, 400, "请先选择您的满意程度。"),
    ({"reference": "K2-261126-7HQM4", "level": "satisfied"}, 403, "这里只能评价您刚刚提交的申请"),
    ({"reference": "", "level": "satisfied"}, 403, "这里只能评价您刚刚提交的申请"),
]


def test_a_bad_rating_gets_a_clear_localised_error_and_changes_nothing(app, sent):
    for form, status, message in BAD_TAPS:
        response = post(sent, "/done/rating", {"reference": sent.reference, **form})
        assert response.status_code == status, form
        assert message in text(response), form
    assert app.extensions["kiosk"].ratings.get(sent.reference) is None


def test_the_error_is_in_the_residents_language(sent):
    post(sent, "/preferences", {"lang": "ko", "next": "/done"})
    response = rate(sent, level="excellent")
    assert response.status_code == 400 and "다섯 가지 평가 중 하나를 고르세요." in text(response)


def test_a_thousand_reasons_and_junk_codes_are_ignored(app, sent):
    rate(sent, level="dissatisfied")
    response = rate(sent, reason=["long_wait"] * 1000)
    assert response.status_code == 302
    response = rate(sent, reason=["<script>", "' or 1=1", "other\u0000", "LONG_WAIT"])
    assert response.status_code == 302
    assert app.extensions["kiosk"].ratings.get(sent.reference)["reasons"] == ["long_wait"]


def test_rating_without_an_application_in_this_session_is_refused(client):
    response = post(client, "/done/rating", {"reference": "K2-261126-7HQM4", "level": "satisfied"})
    assert response.status_code == 400 and "不可用" in text(response)


def test_a_rating_without_its_token_is_refused_calmly(sent):
    response = sent.post("/done/rating", data={"reference": sent.reference, "level": "satisfied"})
    assert response.status_code == 400


# Speech, signs and voice.

def test_every_rating_prompt_has_a_text_in_every_language_and_way(app):
    prompts = app.extensions["kiosk"].prompts
    keys = [key for key in prompts.keys() if key.startswith(("rating.", "rating_reason."))]
    assert len(keys) == 3 + len(LEVELS) + len(REASONS)
    for key in keys:
        for language in ("zh", "en", "ko"):
            for way in ("speech", "explore", "sign"):
                assert prompts.text(key, language, way), (key, language, way)
    assert prompts.text("rating.dissatisfied", "zh") == "不满意"


def test_read_aloud_says_the_question_and_each_level_on_arrival(app, sent):
    post(sent, "/preferences", {"toggle": "speech", "next": "/done"})
    page = sent.get("/done")
    arrival = page.document.find(".//main").get("data-speech-arrival")
    keys = [key for key in re.findall(r"/([a-z_.]+)\.ogg", arrival)
            if not key.startswith("mode.")]     # "read aloud is on", said first
    assert keys == ["screen.done", "rating.ask", *(f"rating.{level}" for level in LEVELS)]
    rate(sent, level="dissatisfied")
    arrival = sent.get("/done").document.find(".//main").get("data-speech-arrival")
    assert re.findall(r"/([a-z_.]+)\.ogg", arrival) == ["rating.thanks", "rating.why"]


def test_sign_mode_marks_each_level_for_its_clip(sent):
    post(sent, "/preferences", {"toggle": "sign", "next": "/done"})
    page = sent.get("/done")
    keys = [button.get("data-sign-key") for button in
            page.document.findall(".//form[@class='rating__levels']/button")]
    assert keys == [f"rating.{level}" for level in LEVELS]


@pytest.mark.parametrize("language, said, key", [
    ("zh", "不满意", "rating.dissatisfied"), ("zh", "满意", "rating.satisfied"),
    ("en", "very satisfied", "rating.very_satisfied"),
    ("ko", "매우 불만족", "rating.very_dissatisfied"), ("ko", "보통", "rating.fairly_satisfied")])
def test_saying_a_level_rates(app, language, said, key):
    keys = [f"rating.{level}" for level in LEVELS]
    match = screen_grammar(keys, language, app.extensions["kiosk"].catalogue).match(said)
    assert match.exact and match.intent.key == key


# Hand-off and the back office.

def test_the_rating_follows_its_submission_to_the_back_office(app, sent):
    kiosk = app.extensions["kiosk"]
    rate(sent, level="very_dissatisfied")
    rate(sent, reason="hard_to_understand")
    kiosk.outbox.deliver_due()
    assert kiosk.ratings.get(sent.reference)["status"] == "delivered"
    received = kiosk.received_ratings.rating(sent.reference)
    assert received["level"] == "very_dissatisfied"
    assert received["reasons"] == ["hard_to_understand"]
    assert received["follow_up"] == "open" and received["due"]
    rate(sent, level="dissatisfied")
    kiosk.outbox.deliver_due()
    received = kiosk.received_ratings.rating(sent.reference)
    assert received["version"] == 3 and received["level"] == "dissatisfied"
    assert received["reasons"] == ["hard_to_understand"]


def test_a_rating_waits_for_its_submission(app):
    kiosk = app.extensions["kiosk"]
    reference = kiosk.store.create_submission("K2", RECORD)
    kiosk.ratings.rate(reference, "K2", "satisfied")
    assert kiosk.outbox.ratings_due(datetime.datetime.now(datetime.timezone.utc)) == []
    kiosk.outbox.deliver_due()
    assert kiosk.ratings.get(reference)["status"] == "delivered"


@pytest.fixture
def back_office(app):
    """The module's kiosk with a new application delivered to its back office."""
    kiosk = app.extensions["kiosk"]
    app.reference = kiosk.store.create_submission("K2", RECORD)
    kiosk.outbox.deliver_due()
    return app


def rating_document(reference, **changes):
    return {"schema": "kiosk.rating/1", "reference": reference, "kiosk_id": "K2",
            "rated": "2026-12-04T10:00:00+08:00", "version": 1, "level": "dissatisfied",
            "reasons": ["long_wait"], **changes}


def send_rating(app, data, secret="s3cret", content_type=None):
    body = data if isinstance(data, bytes) else body_of(data)
    headers = signed_headers(secret, body, "key")
    if content_type:
        headers["Content-Type"] = content_type
    return app.test_client().post("/backoffice/api/ratings", data=body, headers=headers)


def test_the_receiving_api_keeps_the_newest_version_and_dates_the_follow_up(back_office):
    reference = back_office.reference
    assert send_rating(back_office, rating_document(reference)).status_code == 201
    assert send_rating(back_office, rating_document(reference)).get_json() == {
        "status": "duplicate"}
    newer = rating_document(reference, version=2, level="very_dissatisfied", reasons=[])
    assert send_rating(back_office, newer).get_json() == {"status": "updated"}
    older = rating_document(reference, version=1, level="satisfied", reasons=[])
    assert send_rating(back_office, older).get_json() == {"status": "duplicate"}
    received = back_office.extensions["kiosk"].received_ratings.rating(reference)
    assert received["level"] == "very_dissatisfied"
    # Friday 4 December + 15 working days, Christmas set as a holiday: Monday 28 December.
    assert received["due"] == "2026-12-28"


BAD_RATINGS = [
    ({"level": "excellent"}, 400, "invalid"),
    ({"level": 3}, 400, "invalid"),
    ({"reasons": ["long_wait"] * 1000}, 400, "invalid"),
    ({"reasons": ["junk"]}, 400, "invalid"),
    ({"version": 0}, 400, "invalid"),
    ({"rated": "2026-02-30T10:00:00+08:00"}, 400, "invalid"),
    ({"level": "satisfied"}, 400, "invalid"),           # a reason for a level that asks none
    ({"reference": "K2-261126-7HQM4"}, 422, "unknown_application"),
    ({"extra": 1}, 400, "invalid"),
]


def test_the_receiving_api_refuses_bad_ratings_clearly(back_office):
    for change, status, error in BAD_RATINGS:      # one app for all: each is one request
        response = send_rating(back_office, {**rating_document(back_office.reference), **change})
        assert (response.status_code, response.get_json()["error"]) == (status, error), change
    assert back_office.extensions["kiosk"].received_ratings.rating(back_office.reference) is None


def test_the_receiving_api_refuses_unsigned_and_unreadable_bodies(back_office):
    document = rating_document(back_office.reference)
    assert send_rating(back_office, document, secret="wrong").status_code == 401
    assert send_rating(back_office, b"{not json").status_code == 400
    assert send_rating(back_office, document, content_type="text/plain").status_code == 415


def test_the_kiosks_rating_follows_the_published_schema(back_office):
    kiosk = back_office.extensions["kiosk"]
    kiosk.ratings.rate(back_office.reference, "K2", "dissatisfied")
    kiosk.ratings.toggle_reasons(back_office.reference, ["other"])
    check_rating(payload(kiosk.ratings.get(back_office.reference)))
    with pytest.raises(UnknownApplication):
        kiosk.received_ratings.receive(rating_document("K2-261126-7HQM4"))
    with pytest.raises(Rejected):
        kiosk.received_ratings.receive({"schema": "kiosk.rating/1"})


def signed_in(app, name="clerk"):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    client.post("/staff/sign-in?next=/backoffice/ratings", data={
        "csrf_token": token, "name": name, "password": "correct horse battery"})
    return client


def test_the_ratings_page_counts_levels_and_lists_follow_ups_for_clerk_and_operator(back_office):
    # A month of its own: January 2027, Friday the 8th + 15 working days.
    send_rating(back_office, rating_document(back_office.reference,
                                             rated="2027-01-08T10:00:00+08:00"))
    assert back_office.test_client().get("/backoffice/ratings").status_code == 302
    clerk = signed_in(back_office)
    page = clerk.get("/backoffice/ratings")
    assert page.status_code == 200
    table = page.document.find(".//table[@data-period='2027-01']")
    row = table.find(".//tr[@data-package='open_shop']")
    assert row.find("td[@data-level='dissatisfied']").text == "1"
    assert row.find("td[@data-share]").text == "0%"
    follow_up = page.document.find(f".//tr[@data-follow-up='{back_office.reference}']")
    assert "2027-01-29" in "".join(follow_up.itertext()) and "等待时间太长" in text(page)
    operator = signed_in(back_office, "operator")
    page = operator.get("/backoffice/ratings?period=week&since=junk&package=nope&follow_up=x")
    assert page.status_code == 200 and "2027-W01" in text(page)
    assert page.document.find(".//tr[@data-follow-up]//select") is None   # clerks change it


def test_a_clerk_moves_a_follow_up_on_and_it_is_in_the_applications_history(back_office):
    send_rating(back_office, rating_document(back_office.reference))
    clerk = signed_in(back_office)
    token = csrf_token(clerk, "/backoffice/ratings")
    url = f"/backoffice/ratings/{back_office.reference}/follow-up"
    response = clerk.post(url, data={"csrf_token": token, "follow_up": "contacted"})
    assert response.status_code == 302 and response.location.endswith("#follow-ups")
    received = back_office.extensions["kiosk"].received_ratings
    assert received.rating(back_office.reference)["follow_up"] == "contacted"
    history = back_office.extensions["kiosk"].backoffice.history(back_office.reference)
    assert (history[-1]["action"], history[-1]["detail"], history[-1]["before"],
            history[-1]["who"]) == ("follow_up", "contacted", "open", "clerk")
    detail = clerk.get(f"/backoffice/{back_office.reference}")
    assert "回访：已联系" in text(detail) and "不满意" in text(detail)
    for form in ({"follow_up": "closed"}, {"follow_up": "x" * 5000}, {}):
        response = clerk.post(url, data={"csrf_token": token, **form})
        assert response.status_code == 302
    assert received.rating(back_office.reference)["follow_up"] == "contacted"
    response = clerk.post("/backoffice/ratings/K2-261126-7HQM4/follow-up",
                          data={"csrf_token": token, "follow_up": "resolved"})
    assert response.status_code == 302
    assert "没有需要回访的不满意评价" in text(clerk.get("/backoffice/ratings"))
    operator = signed_in(back_office, "operator")
    response = operator.post(url, data={"csrf_token": csrf_token(operator, "/backoffice/ratings"),
                                        "follow_up": "resolved"})
    assert response.status_code == 403


def test_follow_ups_export_in_the_clerks_language_and_as_codes(back_office):
    send_rating(back_office, rating_document(back_office.reference, reasons=["long_wait", "other"]))
    clerk = signed_in(back_office)
    worded = clerk.get("/backoffice/ratings.csv").get_data(as_text=True)
    lines = worded.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("受理编号,")
    line = next(line for line in lines if line.startswith(back_office.reference))
    assert "不满意" in line and "等待时间太长; 其他" in line and "2026-12-28" in line
    codes = clerk.get("/backoffice/ratings.csv?format=codes").get_data(as_text=True)
    lines = codes.lstrip("\ufeff").splitlines()
    assert lines[0] == "reference,rated,kiosk,package,level,reasons,due,follow_up"
    assert (f"{back_office.reference},2026-12-04T10:00:00+08:00,K2,open_shop,"
            "dissatisfied,long_wait;other,2026-12-28,open") in lines
