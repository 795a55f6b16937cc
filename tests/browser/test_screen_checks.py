"""The screen checks themselves can fail: a broken page is caught, so a clean one means something."""
import pytest

from layout import axe_violations, enhanced_contrast_violations, layout_problems

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html><head><title>x</title></head><body>
<main><h1>x</h1><input type="text"><button style="width:20px;height:20px">x</button>
<p style="font-size:12px;color:#bbb">faint small text</p>
<div style="width:5000px">wide</div></main></body></html>"""


@pytest.fixture
def broken_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(BROKEN)
    yield page
    context.close()


def test_axe_reports_an_unlabelled_input_and_poor_contrast(broken_page):
    found = " ".join(axe_violations(broken_page))
    assert "axe label" in found and "axe color-contrast" in found and "axe html-has-lang" in found


def test_the_high_contrast_check_wants_seven_to_one(browser):
    context = browser.new_context()
    page = context.new_page()
    # #767676 on white is 4.5:1: enough for AA, not for AAA.
    page.set_content('<html lang="en"><head><title>x</title></head><body><main><h1>x</h1>'
                     '<p class="grey">Grey text</p>'
                     '</main></body></html>')
    page.add_style_tag(content=".grey { color: #767676; }")
    assert not axe_violations(page)
    assert enhanced_contrast_violations(page)
    context.close()


def test_layout_reports_small_targets_small_text_and_sideways_overflow(broken_page):
    found = " ".join(layout_problems(broken_page, large_text=True))
    assert "button" in found and "is 20×20" in found
    assert "is 12.0px" in found
    assert "wider than the screen" in found
