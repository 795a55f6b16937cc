"""The cards' texts, worked out once per language, follow the screen's language and a
new catalogue (kiosk/card_texts.py)."""
from kiosk.catalogue import read_catalogue_text
from kiosk.catalogue_switch import use
from support import MINI_CATALOGUE, csrf_token, make_app


def builder_page(client, language):
    client.post("/preferences", data={"csrf_token": csrf_token(client), "lang": language})
    client.post("/packages", data={"csrf_token": csrf_token(client), "package": "open_shop"})
    return client.get("/builder").get_data(as_text=True)


def test_each_language_gets_its_own_card_texts(tmp_path):
    app = make_app(tmp_path)
    catalogue = app.extensions["kiosk"].catalogue
    item = catalogue.items["business_licence"]
    chinese = builder_page(app.test_client(), "zh")
    english = builder_page(app.test_client(), "en")
    assert item.title["zh"] in chinese and item.title["en"] not in chinese
    assert item.title["en"] in english and "办理部门" not in english
    assert "Handled by" in english and "办理部门" in chinese


def test_a_new_catalogue_brings_new_card_texts(tmp_path):
    app = make_app(tmp_path)
    assert "营业执照" in builder_page(app.test_client(), "zh")
    text = MINI_CATALOGUE.read_text().replace('zh = "营业执照"', 'zh = "营业执照（新版）"', 1)
    use(app.extensions["kiosk"], read_catalogue_text(text, "the new version"))
    assert "营业执照（新版）" in builder_page(app.test_client(), "zh")
