"""A clerk's everyday work in the built-in back office: find, page, complete, undo, assign,
note, tick documents, print a case sheet, export; and the hostile input each takes."""
import csv
import datetime
import io

import pytest

from handoff_support import RECORD
from kiosk.handoff import payload
from support import csrf_token, make_app

PASSWORD = "correct horse battery"
UTC = datetime.timezone.utc


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    services = app.extensions["kiosk"]
    services.staff.add("clerk", PASSWORD, roles=["clerk"])
    services.staff.add("王丽", PASSWORD, roles=["clerk"])
    app.reference = services.store.create_submission("K2", {
        **RECORD, "answers": {"applicant_name": "王秀英", "applicant_id_number": "11010519491231002X",
                              "applicant_phone": "138 1234 5678"}})
    services.outbox.deliver_due()
    return app


def signed_in(app, name="clerk"):
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    client.post("/staff/sign-in", data={"csrf_token": token, "name": name, "password": PASSWORD})
    return client


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/backoffice"), **data})


def many_submissions(app, count, start=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)):
    """`count` applications received an hour apart, oldest first; their references."""
    services = app.extensions["kiosk"]
    references = []
    for number in range(count):
        reference = services.store.create_submission("K7", RECORD)
        document = payload(services.store.get_submission(reference), services.catalogue)
        services.backoffice.receive(document, now=start + datetime.timedelta(hours=number))
        references.append(reference)
    return references


# Finding an application.

def mistyped(reference, position, char):
    return reference[:position] + char + reference[position + 1:]


@pytest.mark.parametrize("typed", [
    lambda ref: ref,                                    # as printed
    lambda ref: ref.lower(),                            # any case
    lambda ref: " ".join(ref.split("-")),               # spaces for dashes
    lambda ref: ref.replace("-", ""),                   # no dashes
    lambda ref: ref.translate({ord(c): ord(c) + 0xFEE0 for c in ref if c != "-"}),  # full width
    lambda ref: f"  {ref}\t",
])
def test_a_reference_is_found_however_it_is_typed(app, typed):
    response = signed_in(app).get("/backoffice/find", query_string={"q": typed(app.reference)})
    assert response.status_code == 302
    assert response.location == f"/backoffice/{app.reference}"


@pytest.mark.parametrize("slip", ["check", "body", "swap"])
def test_a_reference_with_one_slip_is_found_by_its_check_character(app, slip):
    reference = app.reference
    if slip == "check":
        typed = mistyped(reference, len(reference) - 1,
                         "2" if reference[-1] != "2" else "3")
    elif slip == "body":
        typed = mistyped(reference, len(reference) - 3, "Z" if reference[-3] != "Z" else "Y")
    else:
        first = next(i for i in range(len(reference) - 5, len(reference) - 1)
                     if reference[i] != reference[i + 1])
        typed = reference[:first] + reference[first + 1] + reference[first] + reference[first + 2:]
    clerk = signed_in(app)
    response = clerk.get("/backoffice/find", query_string={"q": typed})
    assert response.location == f"/backoffice/{reference}"
    page = clerk.get(response.location)
    assert "校验" in page.text and typed in page.text      # it says it corrected the slip


def test_the_end_of_an_id_number_or_phone_finds_the_application(app):
    clerk = signed_in(app)
    for query in ("002X", "002x", "5678", "1234 5678", "110*************2X"):
        response = clerk.get("/backoffice/find", query_string={"q": query})
        assert response.location == f"/backoffice/{app.reference}", query


def test_an_address_with_a_lower_case_reference_opens_the_application(app):
    response = signed_in(app).get(f"/backoffice/{app.reference.lower()}")
    assert response.location == f"/backoffice/{app.reference}"


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "' or 1=1 --", "%", "____",
                                   "x" * 5000, "\u202e\u0000K2", "K2-999999-ZZZZZ"])
def test_hostile_or_unknown_searches_get_a_clear_answer(app, query):
    response = signed_in(app).get("/backoffice/find", query_string={"q": query})
    assert response.status_code == 404
    assert "没有与" in response.text and "<script>alert" not in response.text


def test_several_matches_are_listed_for_one_tap_each(app):
    references = many_submissions(app, 3)
    response = signed_in(app).get("/backoffice/find", query_string={"q": "K7-"})
    assert response.status_code == 404          # too short to mean one application
    response = signed_in(app).get("/backoffice/find", query_string={"q": "k7" + references[0][3:5]})
    assert response.status_code == 200
    links = [link.get("href") for link in response.document.iterfind(".//tbody//a")]
    assert links == [f"/backoffice/{reference}" for reference in references]


# The paged inbox.

def test_the_inbox_pages_fifty_at_a_time_oldest_first_with_filters_kept(app):
    references = many_submissions(app, 120)
    clerk = signed_in(app)
    seen = []
    url = "/backoffice?package=open_shop"
    while url:
        page = clerk.get(url)
        assert page.status_code == 200
        rows = [link.text for link in page.document.iterfind(".//tbody//a")]
        assert len(rows) <= 50
        seen += rows
        following = page.document.find(".//a[@rel='next']")
        url = following.get("href") if following is not None else None
        if url:
            assert "package=open_shop" in url         # the filters travel with the pages
    assert seen == references + [app.reference]       # oldest first: today's comes last
    assert len(seen) == len(set(seen)) == 121


def test_new_applications_arriving_do_not_shift_the_next_page(app):
    references = many_submissions(app, 60)
    clerk = signed_in(app)
    first = clerk.get("/backoffice")
    following = first.document.find(".//a[@rel='next']").get("href")
    many_submissions(app, 5, start=datetime.datetime(2026, 11, 1, tzinfo=UTC))  # older still
    second = [link.text for link in clerk.get(following).document.iterfind(".//tbody//a")]
    assert second == references[50:] + [app.reference]


def test_beyond_the_count_limit_the_inbox_says_more_than_and_still_pages(app, monkeypatch):
    """The inbox counts up to COUNT_LIMIT (10,000): a million applications would cost more
    to count than to show."""
    monkeypatch.setattr("kiosk.backoffice.inbox.COUNT_LIMIT", 3)
    monkeypatch.setattr("kiosk.backoffice.clerks.COUNT_LIMIT", 3)
    references = many_submissions(app, 4)
    clerk = signed_in(app)
    post(clerk, "/preferences", lang="en", next="/backoffice")
    assert "More than 3 applications" in clerk.get("/backoffice").text      # 5 stored
    for reference in references[:3]:
        app.extensions["kiosk"].backoffice.assign(reference, "clerk", "clerk")
    mine = clerk.get("/backoffice?mine=1").text
    assert "3 applications" in mine and "More than" not in mine
    rows, total, _ = app.extensions["kiosk"].backoffice.page({}, size=2)
    assert total == 4 and [row["reference"] for row in rows] == references[:2]   # 3 + 1


def test_quick_views_mine_today_and_waiting(app):
    backoffice = app.extensions["kiosk"].backoffice
    old = many_submissions(app, 1, start=datetime.datetime.now(UTC) - datetime.timedelta(days=3))
    backoffice.assign(old[0], "clerk", "clerk")
    clerk = signed_in(app)
    mine = clerk.get("/backoffice?mine=1").text
    assert old[0] in mine and app.reference not in mine
    waiting = clerk.get("/backoffice?waiting=2").text
    assert old[0] in waiting and app.reference not in waiting
    today = clerk.get("/backoffice?today=1&status=all").text
    assert app.reference in today and old[0] not in today
    assert "3 天" in clerk.get("/backoffice").text            # the age is shown


@pytest.mark.parametrize("query", ["status=nonsense", "waiting=-1", "waiting=99999999999",
                                   "after=garbage", "after=2026-01-01|'; drop table inbox",
                                   "order=sideways", "package=../../etc", "format=codes",
                                   "mine=<b>"])
def test_odd_inbox_addresses_are_ignored_not_an_error(app, query):
    assert signed_in(app).get(f"/backoffice?{query}").status_code == 200


# Completing, undoing, assigning, notes, documents, the case sheet.

def test_complete_in_one_action_from_received_after_one_question(app):
    clerk = signed_in(app)
    question = clerk.get(f"/backoffice/{app.reference}/complete")
    assert question.status_code == 200 and "确定办结" in question.text
    done = post(clerk, f"/backoffice/{app.reference}/status", status="completed")
    assert done.location == f"/backoffice/{app.reference}"
    assert app.extensions["kiosk"].backoffice.submission(app.reference)["status"] == "completed"


def test_a_clerk_can_undo_their_own_change_for_five_minutes_and_the_audit_keeps_both(app):
    backoffice = app.extensions["kiosk"].backoffice
    clerk = signed_in(app)
    post(clerk, f"/backoffice/{app.reference}/status", status="completed")
    page = clerk.get(f"/backoffice/{app.reference}")
    assert "撤销" in page.text
    assert "撤销" not in signed_in(app, "王丽").get(f"/backoffice/{app.reference}").text
    refused = post(signed_in(app, "王丽"), f"/backoffice/{app.reference}/undo")
    assert backoffice.submission(app.reference)["status"] == "completed"
    post(clerk, f"/backoffice/{app.reference}/undo")
    assert backoffice.submission(app.reference)["status"] == "received"
    actions = [event["action"] for event in backoffice.history(app.reference)]
    assert actions == ["received", "completed", "undo"]
    assert refused.status_code == 302


def test_undo_is_refused_after_five_minutes(app):
    backoffice = app.extensions["kiosk"].backoffice
    then = datetime.datetime.now(UTC) - datetime.timedelta(minutes=6)
    backoffice.change_status(app.reference, "in_progress", "clerk", now=then)
    clerk = signed_in(app)
    answer = clerk.post(f"/backoffice/{app.reference}/undo",
                        data={"csrf_token": csrf_token(clerk, "/backoffice")},
                        follow_redirects=True)
    assert "不能再撤销" in answer.text
    assert backoffice.submission(app.reference)["status"] == "in_progress"


def test_assign_to_me_to_a_clerk_and_never_to_a_stranger(app):
    backoffice = app.extensions["kiosk"].backoffice
    clerk = signed_in(app)
    post(clerk, f"/backoffice/{app.reference}/assign", assignee="clerk")
    assert backoffice.submission(app.reference)["assignee"] == "clerk"
    post(clerk, f"/backoffice/{app.reference}/assign", assignee="王丽")
    assert backoffice.submission(app.reference)["assignee"] == "王丽"
    refused = clerk.post(f"/backoffice/{app.reference}/assign", follow_redirects=True,
                         data={"csrf_token": csrf_token(clerk, "/backoffice"),
                               "assignee": "<script>x</script>"})
    assert "只能分派给办事员" in refused.text
    assert backoffice.submission(app.reference)["assignee"] == "王丽"
    assert [e["detail"] for e in backoffice.history(app.reference) if e["action"] == "assigned"] \
        == ["clerk", "王丽"]


def test_internal_notes_are_kept_escaped_and_never_leave_the_back_office(app):
    services = app.extensions["kiosk"]
    clerk = signed_in(app)
    post(clerk, f"/backoffice/{app.reference}/notes", note="<b>电话里说</b> 周五来补材料\n第二行")
    page = clerk.get(f"/backoffice/{app.reference}")
    assert "&lt;b&gt;电话里说&lt;/b&gt;" in page.text
    for answer in (clerk.get("/backoffice/export.csv"), clerk.get("/backoffice/export.csv?format=codes")):
        assert "电话里说" not in answer.data.decode("utf-8-sig")
    assert "电话里说" not in str(payload(services.store.get_submission(app.reference),
                                      services.catalogue))
    assert "电话里说" not in str(services.backoffice.submission(app.reference)["payload"])
    for bad, message in (("   ", "请先写备注"), ("x" * 2001, "最多"), ("a\x00b", "无法保存")):
        answer = clerk.post(f"/backoffice/{app.reference}/notes", follow_redirects=True,
                            data={"csrf_token": csrf_token(clerk, "/backoffice"), "note": bad})
        assert message in answer.text, bad
    assert len(services.backoffice.notes(app.reference)) == 1


def test_documents_are_ticked_and_unticked_with_who_and_when(app):
    backoffice = app.extensions["kiosk"].backoffice
    clerk = signed_in(app)
    document = backoffice.submission(app.reference)["payload"]["documents"][0]["key"]
    post(clerk, f"/backoffice/{app.reference}/documents", document=document, checked="1")
    assert backoffice.document_checks(app.reference)[document]["who"] == "clerk"
    page = clerk.get(f"/backoffice/{app.reference}")
    assert page.document.find(".//button[@aria-pressed='true']") is not None
    post(clerk, f"/backoffice/{app.reference}/documents", document=document, checked="0")
    assert backoffice.document_checks(app.reference) == {}
    refused = clerk.post(f"/backoffice/{app.reference}/documents", follow_redirects=True,
                         data={"csrf_token": csrf_token(clerk, "/backoffice"),
                               "document": "../../etc/passwd", "checked": "1"})
    assert "没有列出这份材料" in refused.text


def test_the_case_sheet_has_everything_on_one_printable_page(app):
    clerk = signed_in(app)
    post(clerk, f"/backoffice/{app.reference}/notes", note="请核对原件")
    sheet = clerk.get(f"/backoffice/{app.reference}/sheet")
    assert sheet.status_code == 200
    receipt = sheet.document.find(".//div[@class='receipt case-sheet']")
    text = "".join(receipt.itertext())
    for expected in (app.reference, "营业执照", "王秀英", "请核对原件", "clerk"):
        assert expected in text
    assert receipt.find(".//svg") is not None or "<svg" in sheet.text
    assert clerk.get("/backoffice/K2-000000-22222/sheet").status_code == 404


# CSV, both ways.

def test_the_csv_is_in_the_clerks_language_and_codes_for_systems(app):
    clerk = signed_in(app)
    chinese = list(csv.reader(io.StringIO(
        clerk.get("/backoffice/export.csv").data.decode("utf-8-sig"))))
    assert chinese[0][:5] == ["受理编号", "收到时间", "自助机", "办事清单", "办理状态"]
    assert chinese[1][4] == "已受理" and chinese[1][6] == "营业执照"
    codes = list(csv.DictReader(io.StringIO(
        clerk.get("/backoffice/export.csv?format=codes").data.decode("utf-8-sig"))))
    assert codes[0]["status"] == "received" and codes[0]["services"] == "business_licence"
    assert codes[0]["package"] == "open_shop"
    assert datetime.datetime.fromisoformat(codes[0]["received"]).tzinfo is not None
    token = csrf_token(clerk, "/backoffice")
    clerk.post("/preferences", data={"csrf_token": token, "lang": "ko", "next": "/backoffice"})
    korean = list(csv.reader(io.StringIO(
        clerk.get("/backoffice/export.csv").data.decode("utf-8-sig"))))
    assert korean[0][0] == "접수 번호" and korean[1][4] == "접수"


# Who sees what.

def test_each_role_sees_only_its_own_pages(app):
    staff = app.extensions["kiosk"].staff
    staff.add("signer", PASSWORD, roles=["interpreter"])
    staff.add("ops", PASSWORD, roles=["operator"])
    interpreter, operator, clerk = signed_in(app, "signer"), signed_in(app, "ops"), signed_in(app)
    assert interpreter.get("/backoffice").status_code == 403
    assert interpreter.get("/studio").status_code == 200
    assert clerk.get("/studio").status_code == 403
    assert operator.get("/backoffice/summary").status_code == 200
    assert operator.get(f"/backoffice/{app.reference}").status_code == 403
    assert "这一页属于其他工作人员" in clerk.get("/studio").text


def test_sign_in_lands_on_the_roles_first_page_and_sign_out_on_sign_in(app):
    staff = app.extensions["kiosk"].staff
    staff.add("signer", PASSWORD, roles=["interpreter"])
    client = app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    landed = client.post("/staff/sign-in?next=/backoffice/export.csv",
                         data={"csrf_token": token, "name": "signer", "password": PASSWORD})
    assert landed.location == "/studio"         # not a page of a clerk's
    out = client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/studio")})
    assert out.location == "/staff/sign-in"


def test_a_removed_accounts_session_ends_at_its_next_click(app):
    clerk = signed_in(app, "王丽")
    assert clerk.get("/backoffice").status_code == 200
    app.extensions["kiosk"].staff.remove("王丽")
    assert clerk.get("/backoffice").location.startswith("/staff/sign-in")
