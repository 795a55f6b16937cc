"""What issue #17 moved out of the templates to make screens quicker says what the
templates said: the clerks' case rows, `_()` and `ngettext()` in one call, addresses
worked out once, the undoable change read off the history, the clerks' names in one query,
the mode toggles' states, labels, prompts and notes.
"""
import datetime

from flask import render_template_string, session

from handoff_support import RECORD
from kiosk.backoffice.case_rows import case_rows, waiting_text
from kiosk.handoff import payload
from kiosk.pages import page_url_for, static_url
from support import csrf_token, make_app

PASSWORD = "correct horse battery"
UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def inbox_row(reference="K2-261128-ABCDE", status="received", received=NOW, package="open_shop",
              package_title="", answers=None, assignee=None):
    return {"reference": reference, "status": status, "received": received.isoformat(),
            "package": package, "package_title": package_title, "assignee": assignee,
            "payload": {"answers": answers if answers is not None else {
                "applicant_name": "王秀英", "applicant_id_number": "11010519491231002X"}}}


def rows_in(app, language, rows):
    with app.test_request_context("/backoffice"):
        session["lang"] = language
        return case_rows(rows, app.extensions["kiosk"].catalogue, UTC, NOW)


def test_a_case_row_says_each_cell_in_the_clerks_language(tmp_path):
    app = make_app(tmp_path)
    hour = datetime.timedelta(hours=1)
    english, waited_hours, waited_days, done = rows_in(app, "en", [
        inbox_row(received=NOW - datetime.timedelta(minutes=30)),
        inbox_row(received=NOW - 3 * hour),
        inbox_row(received=NOW - 5 * 24 * hour, assignee="王丽"),
        inbox_row(status="completed", received=NOW - 3 * hour)])
    assert english.waiting == "30 minutes"
    assert english.received == "2026-11-28 11:30 (UTC+00:00)"
    assert english.package == app.extensions["kiosk"].catalogue.packages["open_shop"].title["en"]
    assert english.applicant == "王秀英" and english.id_number == "110*************2X"
    assert english.status == "Received" and english.assignee == "—"
    assert english.url == "/backoffice/K2-261128-ABCDE"
    assert waited_hours.waiting == "3 hours"
    assert waited_days.waiting == "5 days" and waited_days.assignee == "王丽"
    assert done.waiting == "—" and done.status == "Completed"
    korean = rows_in(app, "ko", [inbox_row(received=NOW - datetime.timedelta(minutes=1))])[0]
    assert (korean.waiting, korean.status) == ("1분", "접수")


def test_a_package_the_catalogue_no_longer_has_keeps_its_stored_title(tmp_path):
    app = make_app(tmp_path)
    stored, untitled = rows_in(app, "ko", [
        inbox_row(package="gone", package_title="我要开店"),
        inbox_row(package="gone", package_title="", answers={})])
    assert stored.package == "我要开店"
    assert untitled.package == "신청할 서비스"
    assert (untitled.applicant, untitled.id_number) == ("", "")


def test_a_hostile_reference_is_quoted_in_its_address(tmp_path):
    app = make_app(tmp_path)
    row = rows_in(app, "en", [inbox_row(reference='K2/../x"<y>?z#')])[0]
    assert row.url == "/backoffice/K2%2F..%2Fx%22%3Cy%3E%3Fz%23"


def test_the_waiting_time_is_the_largest_whole_unit(tmp_path):
    app = make_app(tmp_path)
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert [waiting_text(seconds) for seconds in (0, 59, 60, 3599, 3600, 2 * 86400 - 1,
                                                      2 * 86400)] == [
            "0 minutes", "0 minutes", "1 minute", "59 minutes", "1 hour", "47 hours", "2 days"]


def test_the_inbox_writes_out_what_an_application_says_without_running_it(tmp_path):
    app = make_app(tmp_path)
    services = app.extensions["kiosk"]
    services.staff.add("clerk", PASSWORD, roles=["clerk"])
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    reference = services.store.create_submission("K2", {
        **RECORD, "answers": {"applicant_name": hostile, "applicant_id_number": "<b>123456789"}})
    services.backoffice.receive(payload(services.store.get_submission(reference),
                                        services.catalogue))
    client = app.test_client()
    client.post("/staff/sign-in", data={"csrf_token": csrf_token(client, "/staff/sign-in"),
                                        "name": "clerk", "password": PASSWORD})
    page = client.get("/backoffice").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;b&gt;*******89" in page
    assert f'href="/backoffice/{reference}"' in page


def test_templates_say_texts_as_jinjas_newstyle_gettext_did(tmp_path):
    app = make_app(tmp_path)
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert render_template_string('{{ _("Volume %(percent)s%%", percent=50) }}') == \
            "Volume 50%"
        # What is filled in is escaped; the translation itself is not.
        said = render_template_string('{{ _("Works in %(languages)s", languages=x) }}',
                                      x="<b>中文</b>")
        assert said == "Works in &lt;b&gt;中文&lt;/b&gt;"
        assert render_template_string(
            '{{ ngettext("%(num)d minute", "%(num)d minutes", 3) }}') == "3 minutes"
    with app.test_request_context("/"):
        session["lang"] = "ko"
        assert render_template_string(
            '{{ ngettext("%(num)d minute", "%(num)d minutes", 1) }}') == "1분"


def test_addresses_worked_out_once_are_url_fors_wherever_the_kiosk_is_mounted(tmp_path):
    app = make_app(tmp_path)
    for mount in ("", "/hall", "/other"):
        with app.test_request_context("/", base_url=f"http://localhost{mount}"):
            assert page_url_for("preferences.change") == f"{mount}/preferences"
            assert static_url("css/kiosk.css") == f"{mount}/static/css/kiosk.css"
            assert page_url_for("preferences.confirm_start_over", next="/form?a=<b>") == \
                f"{mount}/start-over?next=/form?a%3D%3Cb%3E"
            # Values stay in the order given, as url_for writes them.
            assert page_url_for("backoffice.inbox", today="1", status="all") == \
                f"{mount}/backoffice?today=1&status=all"
            assert page_url_for("backoffice.inbox", status="all", today="1") == \
                f"{mount}/backoffice?status=all&today=1"
            # A list cannot be a key: worked out as url_for does, every time.
            assert page_url_for("backoffice.inbox", package=["a", "b"]) == \
                f"{mount}/backoffice?package=a&package=b"


def test_the_undoable_change_read_off_the_history_is_the_one_the_database_gives(tmp_path):
    app = make_app(tmp_path)
    services = app.extensions["kiosk"]
    reference = services.store.create_submission("K2", RECORD)
    backoffice = services.backoffice
    backoffice.receive(payload(services.store.get_submission(reference), services.catalogue))

    def both(who):
        return (backoffice.undoable(reference, who),
                backoffice.undoable(reference, who, history=backoffice.history(reference)))

    assert both("clerk") == (None, None)
    backoffice.change_status(reference, "in_progress", "clerk")
    backoffice.add_note(reference, "clerk", "called the resident")
    from_database, from_history = both("clerk")
    assert from_database is not None and from_database == from_history
    assert both("王丽") == (None, None)
    backoffice.undo(reference, "clerk")
    assert both("clerk") == (None, None)


def test_the_clerks_names_are_those_with_the_role_in_name_order(tmp_path):
    app = make_app(tmp_path)
    staff = app.extensions["kiosk"].staff
    staff.add("Zhang", PASSWORD, roles=["clerk"])
    staff.add("admin", PASSWORD, roles=["operator"])
    staff.add("anna", PASSWORD, roles=["operator", "clerk"])
    staff.add("clerkish", PASSWORD, roles=["interpreter"])
    assert staff.names("clerk") == ["anna", "Zhang"]


def toggles_in(app, language, modes, resident_modes):
    """The mode toggles' rows as a page in `language` works them out, for a resident with
    `resident_modes` on."""
    rows = []
    with app.test_request_context("/packages"):
        session["lang"] = language
        session["modes"] = resident_modes
        render_template_string("{% for row in mode_toggle_rows(wanted) %}{{ keep(row) }}{% endfor %}",
                               wanted=modes, keep=rows.append)
    return [tuple(row) for row in rows]


def test_mode_toggles_say_their_state_and_label_in_the_screens_language(tmp_path):
    app = make_app(tmp_path)
    assert toggles_in(app, "en", ["large_text", "zoom"], {"large_text": True}) == [
        ("large_text", "true", "", "On", "Large text", ""),
        ("zoom", "false", "", "Off", "Zoom everything", "")]
    assert toggles_in(app, "ko", ["large_text"], {}) == [
        ("large_text", "false", "", "꺼짐", "큰 글씨", "")]


def test_a_mode_the_kiosk_cannot_turn_on_here_says_why(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    kiosk = app.extensions["kiosk"]
    monkeypatch.setattr(kiosk.speech, "available", lambda language: False)
    speech, voice = toggles_in(app, "zh", ["speech", "voice"], {})
    assert speech[-1] == "暂不可用" and voice[-1] == "可用语言：한국어"   # the Korean model ships
    monkeypatch.setattr(kiosk.voice, "available", lambda language: False)
    assert toggles_in(app, "en", ["voice"], {})[0][-1] == "Not available"


def test_a_toggle_with_voice_input_on_carries_its_prompt_key(tmp_path):
    app = make_app(tmp_path)
    (large_text,) = toggles_in(app, "ko", ["large_text"], {"voice": True})
    assert large_text[2] == ' data-say-key="mode.large_text_off"'


def test_the_modes_a_call_or_application_reports_are_named_in_the_clerks_language(tmp_path):
    app = make_app(tmp_path)
    with app.test_request_context("/backoffice"):
        session["lang"] = "ko"
        named = render_template_string('{{ modes|map("mode_label")|join(", ") }}',
                                       modes=["large_text", "zoom", "unknown_mode"])
    assert named == "큰 글씨, 화면 전체 확대, unknown_mode"
