"""Wheelchair mode ("Low screen"): a session toggle that moves every control into the reach
zone kiosk.ini [screen] gives (tests/browser/test_wheelchair.py measures the screens)."""
import pytest

from support import csrf_token, make_app


def toggle(client, mode="wheelchair"):
    return client.post("/preferences", data={"csrf_token": csrf_token(client), "toggle": mode,
                                             "next": "/"})


def test_the_toggle_is_on_the_home_screen_and_in_the_top_bar(client):
    home = client.get("/").document
    assert home.find(".//main//button[@value='wheelchair']") is not None
    menu = client.get("/packages").document
    button = menu.find(".//header//button[@value='wheelchair']")
    assert button is not None and button.get("aria-pressed") == "false"


def test_wheelchair_mode_splits_each_screen_at_the_reach_line(client):
    toggle(client)
    page = client.get("/packages").document
    assert "wheelchair" in page.get("class")
    assert page.find(".//header//button[@value='wheelchair']").get("aria-pressed") == "true"
    links = [link.get("href") for link in page.iter("link")]
    assert "/static/css/wheelchair.css" in links and "/reach-zone.css" in links
    # The heading and what introduces the screen above; the back link and choices below.
    reading = page.find(".//main/div[@data-reach-reading]")
    assert [child.tag for child in reading] == ["h1", "p"]
    controls = page.find(".//main/div[@data-reach-controls]")
    assert controls.find(".//a[@class='back-link']") is not None
    assert controls.find(".//button[@name='package']") is not None
    toggle(client)
    assert "wheelchair" not in (client.get("/packages").document.get("class") or "")


def test_the_mode_is_recorded_with_the_others_used(client):
    toggle(client)
    with client.session_transaction() as session:
        assert session["modes_used"] == ["wheelchair"]
        assert session["changed"] == ["mode.wheelchair_on"]


@pytest.mark.parametrize("overrides, declaration", [
    ({}, ":root { --reach-top: 45vh; }"),
    ({"screen.reach_height": "0.6"}, ":root { --reach-top: 40vh; }"),
    ({"screen.reach_height": "", "screen.screen_bottom_cm": "70", "screen.screen_height_cm": "95",
      "screen.reach_top_cm": "120"}, ":root { --reach-top: 47.37vh; }"),
])
def test_the_reach_line_comes_from_kiosk_ini(tmp_path, overrides, declaration):
    client = make_app(tmp_path, **overrides).test_client()
    response = client.get("/reach-zone.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.get_data(as_text=True).strip() == declaration
