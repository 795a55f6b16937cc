"""The screen checks themselves can fail: a broken page is caught, so a clean one means something."""
import pytest

from layout import (PORTRAIT, axe_violations, enhanced_contrast_violations, layout_problems,
                    reach_zone_problems)

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


# A control above the line, one half above it, one scrolled out of view inside a list that
# lies in reach (not a problem: scrolling brings it into reach), and a scrolling text above.
OUT_OF_REACH = """<!doctype html><html lang="en"><head><title>x</title></head>
<body style="margin:0;height:100vh;overflow:hidden">
<button id="high" style="position:absolute;top:100px">high</button>
<button id="across" style="position:absolute;top:830px;height:100px">across</button>
<div id="tall" style="position:absolute;top:200px;height:100px;overflow:auto"><p style="height:400px">text</p></div>
<div id="list" style="position:absolute;top:1200px;height:300px;overflow:auto">
  <p style="height:600px">choices</p><button id="below">scrolled away</button></div>
<a href="#" id="low" style="position:absolute;top:1700px">low</a></body></html>"""


def test_the_reach_zone_check_reports_what_a_seated_resident_cannot_reach(browser):
    context = browser.new_context(viewport=PORTRAIT)
    page = context.new_page()
    page.set_content(OUT_OF_REACH)
    found = " ".join(reach_zone_problems(page, 0.45))
    assert "#high" in found and "#across" in found and "scrolling #tall" in found
    assert "#list" not in found and "#below" not in found and "#low" not in found
    page.evaluate("document.body.style.overflow = 'visible'; document.body.style.height = '3000px'")
    assert "the whole page scrolls" in " ".join(reach_zone_problems(page, 0.45))
    context.close()
