"""Finding a service on "Add another service": titles, everyday names, pinyin initials,
Korean initial consonants, topics; and the screen that shows them."""
import pytest

from kiosk.catalogue import load_catalogue
from kiosk.modes.input_methods import PinyinMethod
from kiosk.service_search import ServiceFinder, choseong, normalise
from kiosk.settings import DEFAULT_CONFIG, load_settings
from support import csrf_token

SETTINGS = load_settings(DEFAULT_CONFIG)


@pytest.fixture(scope="module")
def finder():
    catalogue = load_catalogue(SETTINGS.catalogue_path)
    return ServiceFinder(catalogue, PinyinMethod(SETTINGS.keyboard.pinyin_dictionary).initials)


def found(finder, language, query, topic=None):
    return {item.key for _, items in finder.find(language, query, topic) for item in items}


@pytest.mark.parametrize("language, query", [
    ("zh", "营业执照"), ("zh", "执照"), ("zh", "yyzz"), ("zh", "ＹＹＺＺ"), ("en", "Business Licence"),
    ("en", "business license"), ("ko", "영업허가증"), ("ko", "ㅇㅇㅎㄱㅈ"),
])
def test_a_service_is_found_by_title_alias_or_initials(finder, language, query):
    assert "business_licence" in found(finder, language, query)


def test_social_security_cards_are_found_by_their_everyday_name(finder):
    cards = {"social_security_card_apply", "social_security_card_replace", "social_security_card_change"}
    assert cards <= found(finder, "zh", "社保卡")
    assert cards <= found(finder, "zh", "sbk")
    assert "pension_claim" not in found(finder, "zh", "sbk")


def test_a_topic_narrows_the_list(finder):
    everything = found(finder, "en", "")
    business = found(finder, "en", "", topic="business")
    assert business and business < everything


def test_nothing_matching_gives_an_empty_list(finder):
    assert found(finder, "en", "zzzzqqq") == set()


def test_korean_initial_consonants_and_normalising():
    assert choseong("사회보장카드") == "ㅅㅎㅂㅈㅋㄷ"
    assert normalise(" Social  Security ") == "socialsecurity"


def test_the_screen_filters_by_query_and_topic_and_keeps_them_after_adding(client):
    token = csrf_token(client)
    client.post("/packages", data={"csrf_token": token, "package": "open_shop"})
    page = client.get("/builder/add?q=公章")
    assert page.document.find(".//li[@id='item-seal']") is not None
    assert page.document.find(".//li[@id='item-food_licence']") is None
    response = client.post("/builder", data={"csrf_token": token, "item": "seal", "include": "yes",
                                             "page": "add", "q": "公章", "topic": "business"})
    assert response.location.startswith("/builder/add?")
    assert "q=%E5%85%AC%E7%AB%A0" in response.location and "topic=business" in response.location


@pytest.mark.parametrize("url", ["/builder/add?topic=<script>", "/builder/add?q=" + "x" * 5000,
                                 "/builder/add?q=%00%07", "/builder/add?topic=business&topic=x"])
def test_hostile_searches_are_calm(client, url):
    token = csrf_token(client)
    client.post("/packages", data={"csrf_token": token, "package": "open_shop"})
    response = client.get(url)
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1]
