"""View tests: the resident's screens through the page-checking test client."""
import re

import flask
import pytest

from support import answer_whole_form, csrf_token

VALID_ID = "11010519491231002X"
SHOP_ANSWERS = {"applicant_name": "张三", "applicant_id_type": "cn_resident",
                "applicant_id_number": VALID_ID, "applicant_phone": "13812345678",
                "shop_name": "小面馆", "shop_kind": "restaurant"}


def token(client, url="/"):
    return csrf_token(client, url)


def post(client, url, data=None, **kwargs):
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def text(response):
    return response.get_data(as_text=True)


def choose(client, package="open_shop"):
    return post(client, "/packages", {"package": package})


def test_home_is_chinese_by_default_with_language_buttons_named_in_their_own_language(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.document.get("lang") == "zh-Hans"
    names = {button.text.strip(): button.get("lang")
             for button in page.document.iter("button") if button.get("name") == "lang"}
    assert names == {"中文": "zh-Hans", "English": "en", "한국어": "ko"}


@pytest.mark.parametrize("language, lang_attribute, heading", [
    ("en", "en", "Welcome to the one-stop service"),
    ("ko", "ko", "원스톱 서비스에 오신 것을 환영합니다"),
    ("zh", "zh-Hans", "欢迎使用一站式服务"),
])
def test_switching_language_changes_the_page_language(client, language, lang_attribute, heading):
    post(client, "/preferences", {"lang": language, "next": "/"})
    page = client.get("/")
    assert page.document.get("lang") == lang_attribute
    assert page.document.find(".//h1").text.strip() == heading


def test_menu_cards_are_named_by_the_package_title(client):
    post(client, "/preferences", {"lang": "en", "next": "/"})
    page = client.get("/packages")
    card = page.document.find(".//button[@id='package-open_shop']")
    title = page.document.find(".//*[@id='%s']" % card.get("aria-labelledby"))
    assert title.text == "I want to open a shop"
    facts = text(page)
    assert "3 services" in facts and "Up to 10 working days" in facts


def test_builder_starts_with_required_and_preselected_bricks(client):
    choose(client)
    page = text(client.get("/builder"))
    assert "营业执照" in page and "食品经营许可" in page
    assert "移除：食品经营许可" in page     # optional and on: can be removed
    assert "添加：公章刻制" in page         # optional and off: can be added


def test_builder_summary_lists_each_document_once(client):
    choose(client)
    page = client.get("/builder")
    documents = [li.text for li in page.document.findall(".//ul[@class='document-list']/li")]
    assert documents == ["身份证件", "租赁合同"]


def test_dropping_an_optional_brick_and_adding_another(client):
    choose(client)
    post(client, "/builder", {"item": "food_licence", "include": "no"})
    post(client, "/builder", {"item": "hukou_birth", "include": "yes", "page": "add"})
    with client.session_transaction() as session:
        assert session["items"] == ["business_licence", "hukou_birth"]


def test_a_required_brick_cannot_be_dropped(client):
    choose(client)
    response = post(client, "/builder", {"item": "business_licence", "include": "no"})
    assert response.status_code == 400
    assert "该选项不可用" in text(response)


@pytest.mark.parametrize("url, data", [
    ("/packages", {"package": "no_such_package"}),
    ("/builder", {"item": "../../etc/passwd", "include": "yes"}),
])
def test_tampered_ids_get_a_calm_localised_page(client, url, data):
    choose(client)
    response = post(client, url, data)
    assert response.status_code == 400
    assert "<h1" in text(response) and "Traceback" not in text(response)


def test_a_post_without_its_security_token_is_refused_calmly(client):
    response = client.post("/packages", data={"package": "open_shop"})
    assert response.status_code == 400
    assert "页面已过期" in text(response)


def test_an_oversized_post_is_refused_calmly(client):
    choose(client)
    response = post(client, "/form/business", {"shop_name": "x" * 100_000})
    assert response.status_code == 413


@pytest.mark.parametrize("url, goes_to", [
    ("/builder", "/packages"), ("/eligibility", "/packages"), ("/form", "/packages"),
    ("/check", "/packages"), ("/done", "/"),
])
def test_steps_out_of_order_lead_back_to_the_right_step(client, url, goes_to):
    response = client.get(url)
    assert response.status_code == 302 and response.location == goes_to


def test_submitting_before_the_form_is_done_goes_to_the_form(client):
    choose(client)
    response = post(client, "/submit")
    assert response.status_code == 302 and response.location == "/form"
    assert client.get("/form").location == "/form/applicant"


def names_asked(page):
    names = []
    for element in page.document.iter():
        if element.tag in ("input", "textarea") and element.get("type") not in ("hidden",):
            if element.get("name") not in names:
                names.append(element.get("name"))
    return names


def test_the_form_asks_one_section_per_screen_each_field_once_in_order(client):
    choose(client)
    first = client.get("/form/applicant")
    assert names_asked(first) == ["applicant_name", "applicant_id_type", "applicant_id_number",
                                  "applicant_phone"]
    assert "第 1 步，共 2 步" in text(first)
    response = post(client, "/form/applicant", SHOP_ANSWERS)
    assert response.location == "/form/business"
    second = client.get("/form/business")
    assert names_asked(second) == ["shop_name", "shop_kind"]
    assert post(client, "/form/business", SHOP_ANSWERS).location == "/check"


def test_a_section_the_form_does_not_ask_is_refused_calmly(client):
    choose(client)
    assert client.get("/form/parents").status_code == 400
    assert client.get("/form/<script>").status_code in (400, 404)


def test_a_wrong_id_number_is_explained_and_nothing_typed_is_lost(client):
    choose(client)
    post(client, "/preferences", {"lang": "en", "next": "/form"})
    response = post(client, "/form/applicant",
                    {**SHOP_ANSWERS, "applicant_id_number": "110105194912310021"})
    page = text(response)
    assert response.status_code == 200
    summary = response.document.find(".//div[@id='error-summary']")
    assert summary.find(".//a").get("href") == "#applicant_id_number"
    assert "This ID number is not right" in page
    assert 'value="110105194912310021"' in page and 'value="张三"' in page


@pytest.mark.parametrize("field, value, message", [
    ("applicant_name", "", "Enter Full name"),
    ("applicant_phone", "12345", "Enter a phone number"),
    ("applicant_id_number", "1101051949123", "A resident ID number has 18 characters"),
    ("applicant_id_number", "110105194902300023", "The birth date inside this ID number"),
    ("shop_kind", "casino", "Choose one of the options"),
    ("shop_name", "a\u0000b", "contains characters that cannot be used"),
])
def test_bad_answers_get_a_clear_message(client, field, value, message):
    choose(client)
    post(client, "/preferences", {"lang": "en", "next": "/form"})
    response = answer_whole_form(client, {**SHOP_ANSWERS, field: value})
    assert response.status_code == 200
    assert message in text(response)


def test_switching_language_mid_form_keeps_what_was_typed(client):
    choose(client)
    post(client, "/preferences", {"draft": "form", "lang": "ko", "next": "/form/applicant",
                                  "applicant_name": "김민수", "shop_name": "서울식당"})
    page = client.get("/form/applicant")
    assert page.document.get("lang") == "ko"
    assert 'value="김민수"' in text(page)
    assert 'value="서울식당"' in text(client.get("/form/business"))


def test_eligibility_explains_what_to_do_instead_and_lets_the_resident_go_on(client):
    choose(client, "have_baby")
    post(client, "/preferences", {"lang": "en", "next": "/builder"})
    assert client.get("/form").location == "/eligibility"
    response = post(client, "/eligibility", {"local_hukou": "no"})
    assert response.location == "/eligibility/outcome"
    outcome = text(client.get("/eligibility/outcome"))
    assert "A parent needs a hukou here." in outcome
    assert "Register the passport at the exit-entry office." in outcome
    form = client.get(client.get("/form").location)
    assert form.status_code == 200
    with client.session_transaction() as session:
        assert session["eligibility"] == {"local_hukou": False}


def test_an_unanswered_eligibility_question_is_an_error(client):
    choose(client, "have_baby")
    response = post(client, "/eligibility", {})
    assert response.status_code == 200
    assert "请回答“是”或“否”" in text(response)


def complete_shop(client):
    choose(client)
    answer_whole_form(client, SHOP_ANSWERS)
    return post(client, "/submit")


def test_check_page_has_a_change_link_for_every_part(client):
    choose(client)
    answer_whole_form(client, SHOP_ANSWERS)
    page = client.get("/check")
    links = [a.get("href") for a in page.document.iter("a") if "from=check" in a.get("href", "")]
    assert links == ["/builder?from=check", "/form/applicant?from=check",
                     "/form/business?from=check"]


def test_changing_an_answer_from_the_check_page_returns_there(client):
    choose(client)
    answer_whole_form(client, SHOP_ANSWERS)
    response = post(client, "/form/business", {**SHOP_ANSWERS, "shop_name": "大面馆",
                                               "from": "check"})
    assert response.location == "/check"
    assert "大面馆" in text(client.get("/check"))


def test_submission_is_stored_with_its_outbox_entry_and_the_session_is_wiped(app, client):
    response = complete_shop(client)
    assert response.location == "/done"
    done = client.get("/done")
    reference = done.document.find(".//*[@data-reference]").text
    store = app.extensions["kiosk"].store
    submission = store.get_submission(reference)
    assert submission["answers"]["applicant_id_number"] == VALID_ID
    assert [item["key"] for item in submission["items"]] == ["business_licence", "food_licence"]
    assert submission["documents"] == ["id_card", "lease"]
    assert app.extensions["kiosk"].outbox.entries_for(reference)[0]["status"] == "pending"
    assert "张三" not in text(done)
    assert client.get("/form").location == "/packages"


def test_pages_with_personal_data_are_not_cached_and_the_cookie_is_only_an_id(client):
    choose(client)
    response = answer_whole_form(client, SHOP_ANSWERS)
    cookie = client.get_cookie("kiosk_session")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie.value)
    assert client.get("/check").headers["Cache-Control"] == "no-store"
    assert response.headers["Cache-Control"] == "no-store"


def test_start_over_wipes_everything(client):
    choose(client)
    answer_whole_form(client, SHOP_ANSWERS)
    assert client.get("/start-over").status_code == 200
    post(client, "/start-over")
    assert client.get("/check").location == "/packages"


def test_an_unknown_page_is_a_calm_localised_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "找不到页面" in text(response)


def test_large_text_is_a_session_toggle(client):
    post(client, "/preferences", {"toggle": "large_text", "next": "/"})
    assert "large-text" in client.get("/").document.get("class")
    post(client, "/preferences", {"toggle": "large_text", "next": "/"})
    assert "large-text" not in (client.get("/").document.get("class") or "")


def test_zoom_is_a_session_toggle_that_folds_the_top_bar_behind_one_button(client):
    choose(client)
    builder = client.get("/builder").document
    assert builder.find(".//details[@class='zoom-menu']") is None
    post(client, "/preferences", {"toggle": "zoom", "next": "/builder"})
    assert "zoom" in client.get("/").document.get("class")
    menu = client.get("/builder").document.find(".//header//details[@class='zoom-menu']")
    # Languages and every mode (zoom's own switch too) are inside; Start over is not.
    assert menu.find("summary").get("class") == "button button--toggle zoom-menu__button"
    assert len(menu.findall(".//button[@name='lang']")) == 3
    assert {button.get("value") for button in menu.findall(".//button[@name='toggle']")} == \
        {"speech", "voice", "sign", "large_text", "high_contrast", "wheelchair", "zoom"}
    assert not menu.findall(".//a")
    post(client, "/preferences", {"toggle": "zoom", "next": "/"})
    assert "zoom" not in (client.get("/").document.get("class") or "")


@pytest.mark.parametrize("next_url", ["/\\evil.example/phish", "/%5Cevil.example/phish",
                                      "/\tevil", "//evil.example", "https://evil.example/",
                                      "/\r\n/evil"])
def test_start_over_and_preferences_never_lead_off_the_kiosk(client, next_url):
    from urllib.parse import quote
    page = client.get("/start-over?next=" + quote(next_url, safe="/%"))
    back = page.document.find(".//main//a[@class='button button--secondary']").get("href")
    assert back == "/"
    location = post(client, "/preferences", {"lang": "en", "next": next_url}).location
    # A browser reads \ as /, and skips tabs and newlines: none may lead to another host.
    cleaned = location.replace("\\", "/").replace("\t", "").replace("\r", "").replace("\n", "")
    assert cleaned.startswith("/") and not cleaned.startswith("//") and ":" not in cleaned


def test_preferences_refuse_to_redirect_off_the_kiosk(client):
    response = post(client, "/preferences", {"lang": "en", "next": "https://example.com/"})
    assert response.location == "/"


def test_the_confirmation_returns_home_after_its_own_time(app, client):
    complete_shop(client)
    done = client.get("/done")
    seconds = app.extensions["kiosk"].settings.confirmation_seconds
    assert done.document.find(".//body").get("data-idle-seconds") == str(seconds)


def test_a_walked_away_session_is_wiped_from_the_database_when_the_next_resident_comes(app):
    first, second = app.test_client(), app.test_client()
    choose(first)
    answer_whole_form(first, SHOP_ANSWERS)
    store = app.extensions["kiosk"].store
    walked_away = first.get_cookie("kiosk_session").value
    store.db.execute("update sessions set updated = updated - 3600, expires = expires - 3600")
    second.get("/")
    assert store.db["sessions"].count_where("id = ?", [walked_away]) == 0
    assert first.get("/check").location == "/packages"


def test_a_resident_busy_on_one_screen_keeps_the_session_by_telling_the_kiosk(app):
    resident = app.test_client()
    choose(resident)
    store = app.extensions["kiosk"].store
    ready = token(resident, "/form/applicant")
    store.db.execute("update sessions set expires = expires - 140")   # 2 min of typing
    assert resident.post("/still-here", headers={"X-CSRFToken": ready}).status_code == 204
    store.db.execute("update sessions set expires = expires - 140")   # 2 more
    assert resident.get("/form/applicant").status_code == 200


def test_still_here_needs_the_page_token_and_answers_in_json(client):
    refused = client.post("/still-here", headers={"X-CSRFToken": "forged"})
    assert refused.status_code == 400 and refused.get_json()["error"] == "expired"
    assert client.get("/still-here").status_code == 405


def test_switching_language_on_the_eligibility_step_keeps_the_answers_given(client):
    choose(client, "have_baby")
    post(client, "/preferences", {"draft": "eligibility", "lang": "en", "next": "/eligibility",
                                  "local_hukou": "no"})
    page = client.get("/eligibility")
    assert page.document.find(".//input[@id='local_hukou-no']").get("checked") is not None


def test_start_over_works_even_when_the_session_and_its_token_are_already_gone(client):
    choose(client)
    response = client.post("/start-over", data={"csrf_token": "from-a-wiped-session"})
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/builder").location == "/packages"


def test_a_planted_session_id_reads_nothing_once_the_resident_starts(client):
    token = csrf_token(client)
    planted = client.get_cookie("kiosk_session").value
    choose(client)
    assert client.get_cookie("kiosk_session").value != planted
    thief = client.application.test_client()
    thief.set_cookie("kiosk_session", planted)
    assert thief.get("/builder").location == "/packages"
    assert token


def test_audio_still_loading_with_the_old_id_does_not_end_the_residents_start(client):
    """Choosing a package gives the session a new id; the menu's prompt audio, still
    loading with the old one, must not take the new cookie away (the resident's next page
    would open a fresh session, back on the menu in Chinese: seen with read aloud on)."""
    csrf_token(client)
    client.post("/preferences", data={"csrf_token": csrf_token(client), "lang": "en",
                                      "next": "/"})
    old = client.get_cookie("kiosk_session").value
    choose(client)
    late = client.application.test_client()
    late.set_cookie("kiosk_session", old)
    answer = late.get("/reach-zone.css")            # a request that reads the session
    assert answer.status_code == 200
    assert "kiosk_session" not in " ".join(answer.headers.getlist("Set-Cookie"))
    assert client.get("/builder").status_code == 200


def test_start_over_leaves_no_answer_in_the_database_files(app, client):
    import pathlib
    choose(client)
    post(client, "/form/applicant", {**SHOP_ANSWERS, "applicant_name": "Zyzzogeton Quilp"})
    post(client, "/start-over")
    database = pathlib.Path(app.extensions["kiosk"].settings.database_path)
    for path in database.parent.glob(database.name + "*"):
        assert b"Zyzzogeton" not in path.read_bytes(), path.name


def test_a_database_gone_read_only_gets_a_calm_localised_page_and_loses_nothing(app, client):
    store = app.extensions["kiosk"].store
    choose(client)
    answer_whole_form(client, SHOP_ANSWERS)
    ready = token(client, "/check")
    # The test client answers on this thread, so this is the connection the kiosk uses.
    store.db.execute("PRAGMA query_only = ON")
    sent = client.post("/submit", data={"csrf_token": ready})
    assert sent.status_code == 503
    assert "暂时无法保存" in text(sent) and "请工作人员帮助" in text(sent)
    newcomer = app.test_client()
    home = newcomer.get("/")
    assert home.status_code == 503 and "暂时无法保存" in text(home)
    assert newcomer.get("/voice/help?lang=zh").get_json()["error"] == "storage"
    assert newcomer.get("/static/css/kiosk.css").status_code == 200
    store.db.execute("PRAGMA query_only = OFF")
    assert "小面馆" in text(client.get("/check"))
    assert complete_shop_from_check(client).location == "/done"


def complete_shop_from_check(client):
    return post(client, "/submit")


@pytest.mark.parametrize("language, show", [("zh", "显示号码"), ("en", "Show number"),
                                            ("ko", "번호 보기")])
def test_check_answers_masks_the_id_number_on_the_shared_screen(client, language, show):
    client.post("/preferences", data={"csrf_token": token(client), "lang": language})
    choose(client)
    answer_whole_form(client, SHOP_ANSWERS)
    page = client.get("/check")
    masked = page.document.find(".//*[@data-private-masked]")
    full = page.document.find(".//*[@data-private-full]")
    assert masked.text == "110*************2X"
    assert full.text == VALID_ID and full.get("hidden") is not None
    button = page.document.find(".//*[@data-private-toggle]")
    assert show in "".join(button.itertext())
    assert text(page).count(VALID_ID) == 1     # only in the hidden, revealable copy


@pytest.mark.parametrize("language, name", [("zh", "服务大厅 2 号自助机"),
                                            ("en", "Service hall kiosk 2"),
                                            ("ko", "서비스홀 2번 키오스크")])
def test_the_receipt_prints_the_kiosks_name_in_the_screen_language(tmp_path, language, name):
    from support import make_app
    app = make_app(tmp_path, **{"kiosk.zh_name": "服务大厅 2 号自助机", "kiosk.en_name": "",
                                "kiosk.ko_name": "서비스홀 2번 키오스크"})
    resident = app.test_client()
    resident.post("/preferences", data={"csrf_token": token(resident), "lang": language})
    assert complete_shop(resident).location == "/done"
    footer = resident.get("/done").document.find(".//*[@class='receipt__footer']")
    assert "".join(footer.itertext()).startswith(f"{name} ·")


def test_voice_input_is_in_the_top_bar_and_says_which_language_can_be_spoken(client):
    voice = client.application.extensions["kiosk"].voice
    assert voice.available("ko") and not voice.available("zh")   # the Korean model ships
    menu = client.get("/packages")
    toggle = menu.document.find(".//header//button[@value='voice']")
    assert toggle is not None and toggle.get("disabled") is not None
    note = menu.document.find(".//*[@id='speech-unavailable-voice']")
    assert "".join(note.itertext()).strip() == "可用语言：한국어"
    client.post("/preferences", data={"csrf_token": token(client), "lang": "ko"})
    korean = client.get("/packages").document.find(".//header//button[@value='voice']")
    assert korean.get("disabled") is None


def test_a_request_that_changed_nothing_does_not_undo_what_was_saved_beside_it(app, client):
    """Prompt audio and clips load the session beside page requests; writing back what they
    loaded would undo a choice saved in between, or bring back a wiped session."""
    client.get("/")
    old_id = client.get_cookie("kiosk_session").value
    interface, store = app.session_interface, app.extensions["kiosk"].store

    def request_beside(action):
        with app.test_request_context("/speech/zh/normal/screen.home.ogg",
                                      headers={"Cookie": f"kiosk_session={old_id}"}):
            audio = interface.open_session(app, flask.request)
            action()
            interface.save_session(app, audio, app.response_class())

    request_beside(lambda: post(client, "/preferences", {"toggle": "large_text", "next": "/"}))
    with client.session_transaction() as session:
        assert session["modes"] == {"large_text": True}
    request_beside(lambda: post(client, "/start-over", {}))
    assert store.db["sessions"].count_where("id = ?", [old_id]) == 0
