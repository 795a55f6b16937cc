"""What the installed kiosk's browser relies on the pages for: Chromium has no flag that
turns off its context menu (deploy/systemd/kiosk-screen.service), so every resident screen
refuses it itself, and a long press never opens a menu a resident cannot close."""
import pytest

pytestmark = pytest.mark.browser

REFUSED = """() => {
  const press = new MouseEvent("contextmenu", {bubbles: true, cancelable: true});
  return !document.querySelector("main").dispatchEvent(press);
}"""


@pytest.mark.parametrize("path", ["/", "/packages"])
def test_a_resident_screen_refuses_the_browsers_context_menu(kiosk_page, path):
    kiosk_page.goto(path)
    assert kiosk_page.evaluate(REFUSED) is True
