"""Per-mode prompt texts: what is signed and captioned never tells a deaf resident to listen."""
import re

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.prompts import MODE_TEXTS, Prompts
from kiosk.settings import DEFAULT_CONFIG, LANGUAGES

SHIPPED_CATALOGUE = DEFAULT_CONFIG.parent / "kiosk" / "data" / "catalogue.toml"

# Words that ask a resident to listen, or promise to read something to them.
# (Korean 들어 alone also means "is in", as in 들어 있어요, so only its hearing forms.)
HEARING = {
    "en": re.compile(r"\b(hear|hears|heard|hearing|listen\w*)\b|\bread (it |them |this )?"
                     r"(to|for) you\b|\bsays? (it|them) aloud\b", re.IGNORECASE),
    "zh": re.compile(r"听|读给您|念给您|为您朗读|给您读"),
    "ko": re.compile(r"듣|들을|들으|들려|읽어 드|읽어드"),
}


@pytest.fixture(scope="module")
def prompts():
    return Prompts(load_catalogue(SHIPPED_CATALOGUE))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_signed_or_captioned_text_mentions_hearing(prompts, language):
    told_to_listen = {key: text for key in prompts.keys()
                      if HEARING[language].search(text := prompts.text(key, language, "sign"))}
    assert not told_to_listen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_spoken_texts_that_mention_hearing_are_the_ones_signed_differently(prompts,
                                                                            language):
    """The word lists are not empty words: they find what the spoken prompts say."""
    spoken = {key for key in prompts.keys()
              if HEARING[language].search(prompts.text(key, language))}
    assert spoken and spoken <= set(MODE_TEXTS["sign"])


def test_a_key_without_its_own_sign_wording_signs_what_is_spoken(prompts):
    assert (prompts.text("package.open_shop", "ko", "sign")
            == prompts.text("package.open_shop", "ko"))
    assert prompts.text("screen.menu", "ko", "sign") != prompts.text("screen.menu", "ko")


def test_the_signer_window_and_its_captions_use_the_signed_wording(client):
    card = client.get("/signs/ko/screen.form.json").get_json()["text"]
    captions = client.get("/signs/ko/screen.form.vtt").get_data(as_text=True)
    for shown in (card, captions):
        assert "수어 설명이 나와요" in shown and "읽어 드려요" not in shown


def test_the_studio_teleprompter_shows_what_the_interpreter_signs(app):
    from support import csrf_token
    app.extensions["kiosk"].staff.add("signer", "correct horse battery", roles=["interpreter"])
    interpreter = app.test_client()
    interpreter.post("/staff/sign-in", data={"csrf_token": csrf_token(interpreter, "/staff/sign-in"),
                                             "name": "signer", "password": "correct horse battery"})
    page = interpreter.get("/studio/KSL/screen.builder").get_data(as_text=True)
    assert "수어 설명이 나와요" in page and "들을 수 있어요" not in page
