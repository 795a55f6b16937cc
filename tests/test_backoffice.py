"""The built-in back office: clerks' pages behind sign-in, statuses with an audit log, CSV."""
import datetime

import pytest
from sqlalchemy import text

from handoff_support import RECORD
from support import csrf_token, make_app


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    services = app.extensions["kiosk"]
    services.staff.add("clerk", "correct horse battery")
    app.reference = services.store.create_submission("K2", {
        **RECORD, "answers": {"applicant_name": "王秀英", "applicant_id_number": "11010519491231002X",
                              "applicant_phone": "138 1234 5678"}})
    services.outbox.deliver_due()
    return app


def signed_in(app):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    client.post("/staff/sign-in?next=/backoffice", data={
        "csrf_token": token, "name": "clerk", "password": "correct horse battery"})
    return client


@pytest.mark.parametrize("url", ["/backoffice", "/backoffice/summary", "/backoffice/export.csv",
                                 "/backoffice/K2-261126-ABCD7"])
def test_back_office_pages_need_a_signed_in_clerk(app, url):
    response = app.test_client().get(url)
    assert response.status_code == 302 and response.location.startswith("/staff/sign-in")


def test_the_inbox_lists_submissions_with_id_numbers_masked(app):
    page = signed_in(app).get("/backoffice")
    assert page.status_code == 200
    assert app.reference in page.text and "王秀英" in page.text
    assert "110*************2X" in page.text and "11010519491231002X" not in page.text


def test_the_detail_shows_the_whole_application(app):
    page = signed_in(app).get(f"/backoffice/{app.reference}")
    assert "11010519491231002X" in page.text and "营业执照" in page.text
    assert "已受理" in page.text


def test_status_changes_are_recorded_with_who_and_when(app):
    client = signed_in(app)
    token = csrf_token(client, f"/backoffice/{app.reference}")
    client.post(f"/backoffice/{app.reference}/status", data={"csrf_token": token,
                                                             "status": "in_progress"})
    refused = client.post(f"/backoffice/{app.reference}/status",
                          data={"csrf_token": token, "status": "returned", "reason": " "},
                          follow_redirects=True)
    assert "请写明退回申请人的原因" in refused.text
    client.post(f"/backoffice/{app.reference}/status",
                data={"csrf_token": token, "status": "returned", "reason": "需补充租赁合同"})
    history = app.extensions["kiosk"].backoffice.history(app.reference)
    assert [(event["who"], event["action"]) for event in history] == [
        ("kiosk", "received"), ("clerk", "in_progress"), ("clerk", "returned")]
    assert history[-1]["detail"] == "需补充租赁合同"
    blocked = client.post(f"/backoffice/{app.reference}/status",
                          data={"csrf_token": token, "status": "completed"}, follow_redirects=True)
    assert "现在不能改为“已办结”" in blocked.text


def test_csv_export_follows_the_filters_and_masks_id_numbers(app):
    client = signed_in(app)
    export = client.get("/backoffice/export.csv?status=received")
    assert export.mimetype == "text/csv"
    text = export.data.decode("utf-8-sig")
    assert app.reference in text and "110*************2X" in text
    assert app.reference not in client.get("/backoffice/export.csv?status=completed").data.decode()


def test_the_summary_shows_the_seed_targets(app):
    catalogue = app.extensions["kiosk"].catalogue
    online = round(100 * sum(item.online for item in catalogue.items.values())
                   / len(catalogue.items))
    page = signed_in(app).get("/backoffice/summary")
    assert page.status_code == 200
    rows = page.document.findall(".//tbody/tr")
    catalogue_row = [cell.text for cell in rows[0].findall("td")]
    assert catalogue_row[:2] == [str(len(catalogue.items)), f"{online}%"]
    applied_row = [cell.text for cell in rows[1].findall("td")]
    assert applied_row[0] == "1"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "@SUM(1)", "+cmd", "-1+1",
                                  "\t=1+1", "\r=1+1"])
def test_the_csv_never_hands_a_spreadsheet_a_formula(tmp_path, name):
    import csv
    import io
    app = make_app(tmp_path)
    services = app.extensions["kiosk"]
    services.staff.add("clerk", "correct horse battery")
    reference = services.store.create_submission("K2", {
        **RECORD, "answers": {"applicant_name": name, "applicant_phone": "+86 138 0013 8000"}})
    services.outbox.deliver_due()
    rows = list(csv.DictReader(io.StringIO(
        signed_in(app).get("/backoffice/export.csv?format=codes").data.decode("utf-8-sig"))))
    row = next(row for row in rows if row["reference"] == reference)
    assert row["applicant"] == "'" + name
    assert row["phone"] == "'+86 138 0013 8000"     # shown as +86 138 0013 8000, as text


def test_a_resident_session_id_does_not_survive_a_clerks_sign_in(app):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    resident_id = client.get_cookie("kiosk_session").value
    client.post("/staff/sign-in?next=/backoffice", data={
        "csrf_token": token, "name": "clerk", "password": "correct horse battery"})
    assert client.get_cookie("kiosk_session").value != resident_id
    holder = app.test_client()
    holder.set_cookie("kiosk_session", resident_id)
    assert "/staff/sign-in" in holder.get("/backoffice").location


ZONES = [datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=8)),
         datetime.timezone(datetime.timedelta(hours=-9, minutes=-30))]


def schema_valid_documents():
    """Hypothesis: documents of every shape the published schema allows (any text where
    text is allowed, nulls where nulls are, empty lists and many items)."""
    from hypothesis import strategies as st

    from kiosk.handoff import SCHEMA
    key = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
    # Any text a resident could type (controls and noncharacters are refused; tested apart).
    showable = st.characters(blacklist_categories=("Cc", "Cs", "Cn"))
    text = st.text(showable, max_size=60)
    code = st.from_regex(r"[2-9A-HJ-NP-Z]{2,6}", fullmatch=True)
    return st.fixed_dictionaries({
        "schema": st.just(SCHEMA),
        "reference": st.from_regex(r"[2-9A-HJ-NP-Z]{2,6}-[0-9]{6}-[2-9A-HJ-NP-Z]{5}", fullmatch=True),
        "kiosk_id": code,
        "created": st.datetimes(timezones=st.sampled_from(ZONES)).map(lambda when: when.isoformat()),
        "language": st.sampled_from(["zh", "en", "ko"]),
        "accessibility_modes": st.lists(st.sampled_from(
            ["large_text", "high_contrast", "speech", "voice", "sign", "zoom", "wheelchair"]),
            unique=True),
        "package": st.fixed_dictionaries({"key": st.none() | key, "title": st.none() | text,
                                          "title_zh": st.none() | text}),
        "items": st.lists(st.fixed_dictionaries({"key": key, "title": text, "title_zh": text,
                                                 "department": key}), min_size=1, max_size=8),
        "answers": st.dictionaries(key, st.text(showable, max_size=200), max_size=12),
        "documents": st.lists(st.fixed_dictionaries({"key": key, "title": text,
                                                     "title_zh": text}), max_size=6),
        "eligibility": st.fixed_dictionaries({
            "answers": st.dictionaries(key, st.booleans(), max_size=4),
            "not_eligible": st.lists(st.fixed_dictionaries({"item": key, "question": key}),
                                     max_size=3)}),
    }).map(made_by_its_kiosk)


def made_by_its_kiosk(document):
    """A reference begins with the id of the kiosk that made it (the back office checks)."""
    return {**document, "reference": document["kiosk_id"] + document["reference"][
        document["reference"].index("-"):]}


def test_no_schema_valid_document_breaks_a_clerks_page(tmp_path):
    """Fuzzed: documents the published schema allows are stored, and every clerk's page
    that shows them still answers (never a 500)."""
    from hypothesis import HealthCheck, given, settings

    from kiosk.backoffice.inbox import check_submission
    from kiosk.handoff import body_of, signed_headers

    app = make_app(tmp_path, **{"handoff.secret": "fuzz-secret"})
    app.extensions["kiosk"].staff.add("clerk", "correct horse battery")
    clerk = signed_in(app)

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(schema_valid_documents())
    def stored_and_shown(document):
        check_submission(document)          # the generator makes only what the schema allows
        body = body_of(document)
        response = app.test_client().post("/backoffice/api/submissions", data=body,
                                          headers=signed_headers("fuzz-secret", body, "x"))
        if response.status_code == 400:       # characters HTML cannot carry, refused
            assert "no page can show" in response.get_json()["message"]
            return
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        assert clerk.get(f"/backoffice/{document['reference']}").status_code == 200

    stored_and_shown()
    assert len(app.extensions["kiosk"].backoffice.submissions()) >= 10   # many were stored
    for url in ("/backoffice", "/backoffice/summary", "/backoffice/export.csv"):
        assert clerk.get(url).status_code == 200, url       # every stored row at once


def test_times_are_shown_and_filtered_in_the_halls_time_zone(tmp_path):
    import csv
    import io
    app = make_app(tmp_path, **{"kiosk.time_zone": "Asia/Shanghai"})
    services = app.extensions["kiosk"]
    services.staff.add("clerk", "correct horse battery")
    reference = services.store.create_submission("K2", RECORD)
    services.outbox.deliver_due()
    # Received at 23:30 UTC on 26 November: 07:30 on 27 November in the hall.
    services.backoffice_database.run(
        text("update inbox set received = '2026-11-26T23:30:00+00:00'"))
    clerk = signed_in(app)
    detail = clerk.get(f"/backoffice/{reference}").get_data(as_text=True)
    assert "2026-11-27 07:30 (UTC+08:00)" in detail
    assert reference in clerk.get("/backoffice?since=2026-11-27&until=2026-11-27").text
    assert reference not in clerk.get("/backoffice?until=2026-11-26").text
    rows = list(csv.reader(io.StringIO(
        clerk.get("/backoffice/export.csv").data.decode("utf-8-sig"))))
    assert rows[1][1] == "2026-11-27 07:30 (UTC+08:00)"        # the clerk's CSV: hall time
    codes = list(csv.DictReader(io.StringIO(
        clerk.get("/backoffice/export.csv?format=codes").data.decode("utf-8-sig"))))
    assert codes[0]["received"] == "2026-11-26T23:30:00+00:00"   # for systems: UTC, ISO 8601


@pytest.mark.parametrize("query", ["since=tomorrow", "until=2026-13-45", "since=%00"])
def test_a_date_filter_that_is_no_date_is_ignored_not_an_error(app, query):
    assert signed_in(app).get(f"/backoffice?{query}").status_code == 200


def test_a_clerk_stays_signed_in_past_the_residents_idle_time_but_not_past_the_staff_one(app):
    clerk = signed_in(app)
    store = app.extensions["kiosk"].store
    settings = app.extensions["kiosk"].settings
    resident_gone = settings.idle_timeout_seconds + settings.warning_seconds + 31
    store.db.execute("update sessions set expires = expires - ?", [resident_gone])
    assert clerk.get("/backoffice").status_code == 200
    staff_gone = settings.staff.idle_minutes * 60 + settings.warning_seconds + 31
    store.db.execute("update sessions set expires = expires - ?", [staff_gone])
    assert clerk.get("/backoffice").location.startswith("/staff/sign-in")


def test_a_clerks_page_counts_the_staff_idle_time_and_offers_sign_out(app):
    clerk = signed_in(app)
    settings = app.extensions["kiosk"].settings
    page = clerk.get("/backoffice")
    body = page.document.find(".//body")
    assert body.get("data-idle-seconds") == str(settings.staff.idle_minutes * 60)
    assert page.document.find(".//form[@id='timeout-form']").get("action") == "/staff/sign-out"
    resident_page = app.test_client().get("/")
    assert (resident_page.document.find(".//body").get("data-idle-seconds")
            == str(settings.idle_timeout_seconds))
