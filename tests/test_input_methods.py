"""The on-screen keyboard's server side: candidates for pinyin and handwriting, key echo.

Hostile and malformed input gets a clear JSON error, never a 500, and nothing typed is
logged.
"""
import json
import logging

import pytest

from support import csrf_token

pytestmark = pytest.mark.usefixtures("app")


def post_json(client, method, payload, token=None, raw=None):
    token = token if token is not None else csrf_token(client)
    body = raw if raw is not None else json.dumps(payload)
    return client.post(f"/input/{method}", data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})


def test_pinyin_letters_bring_characters_with_the_letters_they_use(client):
    response = post_json(client, "pinyin", {"letters": "zhongguo", "page": 0})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["candidates"][0] == {"text": "中国", "consumed": 8}
    assert answer["has_more"] in (True, False)


def test_a_name_field_puts_surnames_first(client):
    answer = post_json(client, "pinyin", {"letters": "li", "page": 0, "names": True}).get_json()
    assert answer["candidates"][0]["text"] == "李"


def test_candidates_come_a_page_at_a_time(client):
    first = post_json(client, "pinyin", {"letters": "shi", "page": 0}).get_json()
    second = post_json(client, "pinyin", {"letters": "shi", "page": 1}).get_json()
    assert first["has_more"]
    assert not {c["text"] for c in first["candidates"]} & {c["text"] for c in second["candidates"]}


@pytest.mark.parametrize("payload", [
    {"letters": "<script>alert(1)</script>"}, {"letters": "li; DROP TABLE"}, {"letters": "李"},
    {"letters": "a" * 41}, {"letters": 7}, {"letters": None}, {"letters": ["l", "i"]},
    {"letters": "li", "page": -1}, {"letters": "li", "page": 51}, {"letters": "li", "page": True},
    {"letters": "li", "page": "2"}, {"letters": "li", "page": 1e308}, {},
])
def test_hostile_pinyin_input_gets_a_clear_json_error(client, payload):
    response = post_json(client, "pinyin", payload)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "\"li\"", "null", "{\"letters\": \"li\""])
def test_a_body_that_is_not_a_json_object_is_refused(client, raw):
    response = post_json(client, "pinyin", None, raw=raw)
    assert response.status_code == 400 and response.get_json()["error"] == "not_json"


def test_an_unknown_input_method_is_a_json_404(client):
    response = post_json(client, "telepathy", {"letters": "li"})
    assert response.status_code == 404 and response.get_json()["error"] == "unknown_method"


def test_input_needs_the_security_token(client):
    response = post_json(client, "pinyin", {"letters": "li"}, token="forged")
    assert response.status_code == 400 and response.is_json


def test_an_oversized_body_is_refused_before_it_is_read(client):
    strokes = [[[i, i] for i in range(1000)]] * 40
    response = post_json(client, "handwriting", {"width": 400, "height": 400, "strokes": strokes})
    assert response.status_code == 413 and response.is_json


@pytest.mark.parametrize("payload", [
    {"width": 400, "height": 400, "strokes": []},
    {"width": 400, "height": 400, "strokes": "王"},
    {"width": 400, "height": 400, "strokes": [[["1", "2"]]]},
    {"width": 400, "height": 400, "strokes": [[[True, False]]]},
    {"width": 400, "height": 400, "strokes": [[[1e300, 1]]]},
    {"width": 400, "height": 400, "strokes": [[[1, 2, 3]]]},
    {"width": 0, "height": 400, "strokes": [[[1, 2]]]},
    {"width": 400, "strokes": [[[1, 2]]]},
    {"width": 400, "height": 400, "strokes": [[[1, 2]]] * 41},
])
def test_hostile_strokes_get_a_clear_json_error(client, payload):
    response = post_json(client, "handwriting", payload)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]


def test_nan_in_strokes_is_refused(client):
    raw = '{"width": 400, "height": 400, "strokes": [[[NaN, 1], [2, Infinity]]]}'
    response = post_json(client, "handwriting", None, raw=raw)
    assert response.status_code == 400 and response.is_json


def test_handwriting_without_its_model_says_it_is_unavailable(tmp_path):
    from support import make_app
    app = make_app(tmp_path, **{"keyboard.handwriting_model": str(tmp_path / "no.model"),
                                "keyboard.handwriting_second_model": str(tmp_path / "no2.model")})
    client = app.test_client()
    response = post_json(client, "handwriting", {"width": 400, "height": 400,
                                                 "strokes": [[[10, 10], [300, 10]]]})
    assert response.status_code == 503 and response.get_json()["error"] == "unavailable"


def test_pinyin_without_its_dictionary_says_it_is_unavailable(tmp_path):
    from support import make_app
    app = make_app(tmp_path, **{"keyboard.pinyin_dictionary": str(tmp_path / "none.tsv.gz")})
    response = post_json(app.test_client(), "pinyin", {"letters": "li"})
    assert response.status_code == 503


def test_nothing_typed_is_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    post_json(client, "pinyin", {"letters": "liming", "names": True})
    assert "liming" not in caplog.text


def test_a_handwritten_character_comes_back_among_the_candidates(client):
    from pathlib import Path
    samples = json.loads((Path(__file__).parent / "data" / "handwriting-samples.json")
                         .read_text(encoding="utf-8"))
    response = post_json(client, "handwriting", {"width": 1024, "height": 1024,
                                                 "strokes": samples["characters"]["王"]})
    if response.status_code == 503:
        pytest.skip("Zinnia or its model is not installed (make test installs them)")
    candidates = response.get_json()["candidates"]
    assert len(candidates) >= 5 and "王" in candidates[:5]


def test_two_recognisers_vote_by_reciprocal_rank_and_only_known_characters_stay():
    from kiosk.modes.input_methods import fuse
    chinese, japanese = ["土", "王", "干"], ["王", "國", "玉"]
    assert fuse([chinese, japanese])[0] == "王"
    assert "國" not in fuse([chinese, japanese], known={"土", "王", "干", "玉"})
    assert fuse([chinese]) == chinese


def test_with_one_model_missing_the_other_still_recognises(tmp_path):
    from support import make_app
    app = make_app(tmp_path, **{"keyboard.handwriting_second_model": str(tmp_path / "no.model")})
    if not app.extensions["kiosk"].input_methods["handwriting"].available:
        pytest.skip("Zinnia or its Chinese model is not installed (make test installs them)")
    response = post_json(app.test_client(), "handwriting",
                         {"width": 400, "height": 400, "strokes": [[[20, 200], [380, 200]]]})
    assert response.status_code == 200 and response.get_json()["candidates"]
