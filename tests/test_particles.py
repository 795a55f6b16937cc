"""Korean particles follow the word before them, in every message built from a label."""
import re

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.particles import attach
from kiosk.prompts import Prompts
from kiosk.settings import DEFAULT_CONFIG

BOTH_FORMS = re.compile(r"을\(를\)|를\(을\)|이\(가\)|가\(이\)|은\(는\)|는\(은\)|\(으\)로|과\(와\)")


@pytest.mark.parametrize("built, finished", [
    ("이름을(를) 입력해 주세요", "이름을 입력해 주세요"),
    ("주소을(를) 입력해 주세요", "주소를 입력해 주세요"),
    ("신분증 종류을(를) 선택해 주세요", "신분증 종류를 선택해 주세요"),
    ("전화번호이(가) 너무 길어요", "전화번호가 너무 길어요"),
    ("상호명이(가) 너무 길어요", "상호명이 너무 길어요"),
    ("생년월일은(는) 오늘 이전이어야 해요", "생년월일은 오늘 이전이어야 해요"),
    ("자녀 수은(는) 숫자로", "자녀 수는 숫자로"),
    ("서울(으)로", "서울로"),          # ㄹ takes 로
    ("집(으)로", "집으로"),
    ("학교(으)로", "학교로"),
    ("주소(선택)을(를)", "주소(선택)을"),   # the word before the brackets' end: 택
    ("ID은(는)", "ID는"),              # 아이디
    ("Email이(가)", "Email이"),        # 이메일
    ("1번을(를)", "1번을"), ("2을(를)", "2를"), ("7은(는)", "7은"),
    ("을(를) 입력", "을(를) 입력"),    # no word before it: both forms stay
])
def test_the_particle_fits_the_sound_the_word_ends_with(built, finished):
    assert attach(built) == finished


def test_every_korean_field_error_has_its_particles_chosen():
    prompts = Prompts(load_catalogue(DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml"))
    errors = [key for key in prompts.keys() if key.startswith("error.")]
    assert len(errors) > 100
    for key in errors:
        text = prompts.text(key, "ko")
        assert not BOTH_FORMS.search(text), (key, text)


def test_a_korean_resident_sees_the_errors_with_their_particles_chosen(client):
    from support import csrf_token
    client.post("/preferences", data={"csrf_token": csrf_token(client), "lang": "ko"})
    client.post("/packages", data={"csrf_token": csrf_token(client), "package": "open_shop"})
    page = client.post("/form/applicant", data={"csrf_token": csrf_token(client, "/form/applicant")})
    shown = page.get_data(as_text=True)
    assert page.status_code == 200 and "입력해 주세요" in shown
    assert not BOTH_FORMS.search(shown)
