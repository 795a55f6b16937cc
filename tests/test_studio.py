"""The recording studio as a queue: filters, search, grouping, paging, the next prompt after
a save, clips that know the text they sign (outdated), and templated prompts that share a clip."""
import hashlib
import json
import re

import pytest
from flask_babel import force_locale, gettext

from kiosk.backoffice.studio import PAGE_SIZE, SCREENS, screen_of
from kiosk.catalogue import load_catalogue
from kiosk.prompts import MODE_TEXTS, Prompts, name_key, shared_key
from kiosk.settings import DEFAULT_CONFIG
from support import csrf_token, make_app, recorded_clip

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A real two-second VP8 WebM clip, as the studio records."""
    return recorded_clip(tmp_path_factory.mktemp("clips") / "clip.webm")


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, **{"signs.library_dir": str(tmp_path / "signs")})
    app.extensions["kiosk"].staff.add("interpreter", PASSWORD, roles=["interpreter"])
    return app


@pytest.fixture
def interpreter(app):
    """A test client signed in as the hall's interpreter."""
    client = app.test_client()
    client.post("/staff/sign-in", data={"csrf_token": csrf_token(client, "/staff/sign-in"),
                                        "name": "interpreter", "password": PASSWORD})
    return client


def words(app, message, **values):
    with app.test_request_context(), force_locale("zh"):
        return gettext(message, **values)


def listed(page):
    """The prompt keys of a studio list page, in order."""
    return re.findall(r'data-key="([^"]+)"', page.get_data(as_text=True))


def states(page):
    """{prompt key: its clip's state} as a studio list page shows them."""
    rows = re.findall(r'studio-row--(\w+)" data-key="([^"]+)"', page.get_data(as_text=True))
    return {key: state for state, key in rows}


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Templated prompts share one clip.

def test_a_templated_prompt_names_its_shared_clip_and_the_name_it_carries():
    assert shared_key("error.applicant_name.too_long") == "shared.error.too_long"
    assert shared_key("error.applicant_phone.phone") == "shared.error.phone"
    assert shared_key("added.food_licence") == "shared.added"
    assert shared_key("chosen.open_shop") == "shared.chosen"
    assert name_key("error.applicant_name.too_long") == "field.applicant_name"
    assert name_key("remove.food_licence") == "item.food_licence"
    for key in ("error.eligibility.missing", "screen.home", "item.food_licence", "field.x",
                "shared.add", "add"):
        assert shared_key(key) is None and name_key(key) is None


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_every_shared_clip_has_a_wording_without_a_name_in_every_language(language):
    prompts = Prompts(load_catalogue(DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml"))
    shared = [key for key in prompts.recording_keys() if key.startswith("shared.")]
    assert "shared.error.too_long" in shared and "shared.add" in shared
    for key in shared:
        text = prompts.text(key, language, "sign")
        assert text and "%(" not in text, key


def test_the_shipped_catalogue_needs_far_fewer_clips_than_prompts():
    prompts = Prompts(load_catalogue(DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml"))
    seen = prompts.keys()           # what residents see; the shared clips are not listed
    assert not [key for key in seen if key.startswith("shared.")]
    to_record = prompts.recording_keys()
    assert not any(key.startswith(("error.", "add.", "added.", "remove.", "removed.", "chosen."))
                   and key != "error.eligibility.missing" for key in to_record)
    assert len(to_record) < len(seen) * 0.6
    # Nothing a resident sees is left without a clip to record for it.
    assert all(key in to_record or shared_key(key) in to_record for key in seen)


def test_a_templated_error_plays_the_shared_clip_with_the_fields_name_and_then_its_clip(app, video):
    library = app.extensions["kiosk"].signs
    client = app.test_client()
    assert client.get("/signs/zh/error.applicant_name.too_long.json").get_json()["video"] is None
    library.save("shared.error.too_long", "CSL", video, signer="Li")
    info = client.get("/signs/zh/error.applicant_name.too_long.json").get_json()
    assert info["video"] and "shared.error.too_long" in info["video"]
    assert info["name"] == "姓名" and info["then"] is None
    assert info["captions"].endswith("/shared.error.too_long.vtt")
    assert client.get(info["captions"]).status_code == 200
    library.save("field.applicant_name", "CSL", video, signer="Li")
    info = client.get("/signs/zh/error.applicant_name.too_long.json").get_json()
    assert info["then"]["key"] == "field.applicant_name" and info["then"]["video"]
    # A clip of the prompt's own still comes first.
    library.save("error.applicant_name.too_long", "CSL", video, signer="Li")
    info = client.get("/signs/zh/error.applicant_name.too_long.json").get_json()
    assert "error.applicant_name.too_long" in info["video"] and info["name"] is None


def test_a_templated_error_is_covered_when_its_template_clip_exists(app, video):
    kiosk = app.extensions["kiosk"]
    keys = kiosk.prompts.keys()
    before = kiosk.signs.coverage(keys, "CSL")
    assert "error.applicant_name.too_long" in before["missing"]
    assert not any(key.startswith("shared.") for group in before.values() for key in group)
    kiosk.signs.save("shared.error.too_long", "CSL", video, signer="Li")
    after = kiosk.signs.coverage(keys, "CSL")
    too_long = [key for key in keys if key.endswith(".too_long") and key.startswith("error.")]
    assert len(too_long) > 3 and set(too_long) <= set(after["recorded"])


def test_the_studio_lists_the_shared_clip_and_not_each_templated_prompt(interpreter):
    keys = listed(interpreter.get("/studio?screen=form&status=all"))
    assert "shared.error.too_long" in keys and "field.applicant_name" in keys
    assert not [key for key in keys if key.startswith("error.")]
    page = interpreter.get("/studio/CSL/shared.error.too_long").get_data(as_text=True)
    assert "姓名" in page and "店名" in page       # the names shown beside it


# Clips know the text they sign.

def test_a_saved_clip_keeps_the_hash_of_its_signed_text(app, interpreter, video):
    answer = upload(interpreter, "screen.menu", video).get_json()
    text = app.extensions["kiosk"].prompts.text("screen.menu", "zh", "sign")
    assert answer["status"] == "recorded" and answer["text_sha256"] == sha256(text)
    manifest = json.loads((app.extensions["kiosk"].signs.folder / "manifest.json").read_text())
    entry = next(entry for entry in manifest["clips"] if entry["key"] == "screen.menu")
    assert entry["status"] == "recorded" and entry["text_sha256"] == sha256(text)


def test_a_clip_whose_text_changed_is_outdated_in_the_studio_and_in_coverage(app, interpreter,
                                                                            video, monkeypatch):
    kiosk = app.extensions["kiosk"]
    text = kiosk.prompts.text("screen.home", "zh", "sign")
    kiosk.signs.save("screen.home", "CSL", video, signer="Li", text=text)
    kiosk.signs.save("screen.menu", "CSL", video, signer="Li")     # no hash: not known
    page = interpreter.get("/studio?status=all&screen=home")
    assert states(page)["screen.home"] == "recorded"

    monkeypatch.setitem(MODE_TEXTS["sign"], "screen.home", "Welcome. The words have changed.")
    page = interpreter.get("/studio?status=all&screen=home")
    assert states(page)["screen.home"] == "outdated"
    assert words(app, "Outdated") in page.get_data(as_text=True)
    assert "screen.home" in listed(interpreter.get("/studio?status=outdated"))
    assert "screen.home" in listed(interpreter.get("/studio"))     # it needs work
    clip_page = interpreter.get("/studio/CSL/screen.home").get_data(as_text=True)
    assert words(app, "The text has changed since this clip was recorded. Residents still see "
                      "it until it is recorded again.") in clip_page
    # Residents still see it: better than nothing.
    assert interpreter.get("/signs/zh/screen.home.json").get_json()["video"]

    report = app.test_cli_runner().invoke(args=["signs", "coverage"])
    assert "CSL (zh): 1 recorded" in report.output and "1 outdated" in report.output
    assert f"clips to record: {len(kiosk.prompts.recording_keys())} (1 recorded" in report.output
    menu_clip = kiosk.signs.clip("screen.menu", "CSL")
    assert not menu_clip.text_sha256 and menu_clip.state("any wording") == "recorded"


def test_a_manifest_entry_without_a_text_hash_is_read_and_written_without_one(app, video):
    library = app.extensions["kiosk"].signs
    library.save("screen.menu", "CSL", video, signer="card", status="sample")
    manifest = json.loads((library.folder / "manifest.json").read_text())
    assert "text_sha256" not in manifest["clips"][0]
    report = library.coverage(["screen.menu"], "CSL", lambda key: "new words")
    assert report["sample"] == ["screen.menu"]


# The list: filters, search, grouping, paging.

def test_the_studio_opens_on_the_prompts_needing_work_one_page_at_a_time(app, interpreter, video):
    app.extensions["kiosk"].signs.save("screen.home", "CSL", video, signer="Li")
    page = interpreter.get("/studio")
    keys = listed(page)
    assert 0 < len(keys) <= PAGE_SIZE and "screen.home" not in keys
    assert "screen.home" in listed(interpreter.get("/studio?status=recorded"))
    second = listed(interpreter.get("/studio?page=2"))
    assert second and not set(second) & set(keys)


def test_prompts_are_grouped_by_screen_in_the_residents_order(interpreter):
    page = interpreter.get("/studio?status=all").get_data(as_text=True)
    groups = re.findall(r'<h2 id="screen-(\w+)"', page)
    order = list(SCREENS)
    assert groups[:3] == ["home", "menu", "builder"]
    assert groups == sorted(groups, key=order.index)
    assert screen_of("question.local_hukou") == "eligibility"
    assert screen_of("control.send") == "check" and screen_of("document.id_card") == "builder"


@pytest.mark.parametrize("query, expected", [
    ("screen.menu", "screen.menu"),          # by key
    ("SCREEN.MENU", "screen.menu"),          # whatever the case
    ("营业执照", "item.business_licence"),     # by text in the sign language's screen language
])
def test_search_finds_a_prompt_by_key_or_text(interpreter, query, expected):
    page = interpreter.get("/studio", query_string={"q": query, "status": "all"})
    assert expected in listed(page)


def test_filtering_by_screen_and_by_sign_language(interpreter):
    keys = listed(interpreter.get("/studio?screen=menu&status=all"))
    assert keys and all(screen_of(key) == "menu" for key in keys)
    page = interpreter.get("/studio?sign_language=KSL&screen=menu&status=all")
    assert 'aria-current="page">KSL<' in page.get_data(as_text=True)
    assert '<option value="menu" selected>' in page.get_data(as_text=True)   # kept in the form


@pytest.mark.parametrize("query_string, notice", [
    ({"q": "<script>alert(1)</script>"}, None),
    ({"q": "x" * 5000}, "The search is cut to its first %(num)d characters."),
    ({"status": "everything<b>"}, "There is no status “%(value)s”: showing the prompts that "
                                  "need work."),
    ({"screen": "../../etc"}, "There is no screen “%(value)s”: showing every screen."),
    ({"sign_language": "XSL"}, "There is no sign language “%(value)s”: showing "
                               "%(sign_language)s."),
    ({"page": "-3"}, None), ({"page": "many"}, None), ({"page": "99999"}, None),
])
def test_hostile_or_unknown_filters_get_a_clear_page_not_an_error(app, interpreter,
                                                                  query_string, notice):
    page = interpreter.get("/studio", query_string=query_string)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert" not in html and "<b>" not in html
    if notice:
        first = words(app, notice, num=100, value="", sign_language="CSL").split("“")[0]
        assert first in html
    if query_string.get("q", "").startswith("<script>"):
        assert words(app, "No prompt matches this view.") in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html    # kept, escaped, in the box


def test_the_clip_page_survives_hostile_filters_too(interpreter):
    page = interpreter.get("/studio/CSL/screen.menu",
                           query_string={"q": "<script>", "status": "nope", "saved": "<x>"})
    assert page.status_code == 200 and "<x>" not in page.get_data(as_text=True)
    assert interpreter.get("/studio/CSL/no.such_key").status_code == 404
    assert interpreter.get("/studio/XSL/screen.menu").status_code == 404


# Saving goes on to the next prompt.

def upload(client, key, video, url_query=""):
    token = csrf_token(client, f"/studio/CSL/{key}")
    with open(video, "rb") as file:
        return client.post(f"/studio/CSL/{key}{url_query}",
                           data={"csrf_token": token, "clip": (file, "recording.webm")},
                           headers={"Accept": "application/json"},
                           content_type="multipart/form-data")


def test_saving_goes_on_to_the_next_prompt_of_the_same_view_that_needs_a_clip(interpreter, video):
    queue = listed(interpreter.get("/studio?screen=menu"))
    answer = upload(interpreter, queue[0], video, "?screen=menu").get_json()
    assert answer["next"] == f"/studio/CSL/{queue[1]}?saved={queue[0]}&screen=menu"
    page = interpreter.get(answer["next"]).get_data(as_text=True)
    assert "data-recorder-status>" in page and queue[0] in page
    # The list it left is kept in the way back.
    assert 'href="/studio?sign_language=CSL&amp;screen=menu"' in page
    assert queue[0] not in listed(interpreter.get("/studio?screen=menu"))


def test_the_last_prompt_of_a_view_says_the_view_is_done(interpreter, video):
    queue = listed(interpreter.get("/studio", query_string={"q": "screen.check"}))
    assert queue == ["screen.check"]
    answer = upload(interpreter, "screen.check", video, "?q=screen.check").get_json()
    assert answer["next"] is None and answer["list"] == "/studio?sign_language=CSL&q=screen.check"


def test_an_upload_without_javascript_is_taken_to_the_next_prompt(interpreter, video):
    token = csrf_token(interpreter, "/studio/CSL/screen.home")
    with open(video, "rb") as file:
        response = interpreter.post("/studio/CSL/screen.home?screen=home",
                                    data={"csrf_token": token, "clip": (file, "clip.webm")},
                                    content_type="multipart/form-data")
    assert response.status_code == 302 and "saved=screen.home" in response.location
    assert "/studio/CSL/screen.home?" not in response.location


def test_a_service_added_in_sign_mode_plays_the_shared_clip_with_its_title_then_its_own(app, video):
    library = app.extensions["kiosk"].signs
    library.save("shared.added", "CSL", video, signer="Li")
    library.save("item.seal", "CSL", video, signer="Li")
    resident = app.test_client()
    for url, data in (("/preferences", {"toggle": "sign", "next": "/"}),
                      ("/packages", {"package": "open_shop"}),
                      ("/builder", {"item": "seal", "include": "yes"})):
        resident.post(url, data={"csrf_token": csrf_token(resident), **data})
    page = resident.get("/builder")
    signer = page.document.find('.//aside[@data-signer]')
    assert "shared.added" in signer.find(".//video").get("src")
    assert signer.find('.//p[@data-signer-name]').text == "公章刻制"
    sequence = json.loads(signer.get("data-clip"))
    assert sequence["then"]["key"] == "item.seal" and "item.seal" in sequence["then"]["video"]
