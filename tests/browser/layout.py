"""Measurements a person with a tape measure (and axe-core) would make on a kiosk screen.

Every visible control must be big enough to hit with a finger (48×48 CSS px, 60×60 in
large text); in large text every visible piece of text must be at least 28 CSS px with a
line height of at least 1.3; nothing may stick out sideways.
"""
from axe_playwright_python.sync_playwright import Axe

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
AXE = Axe()
# WCAG 2.0-2.2 A and AA rules; axe-core is bundled with the Python package (offline).
AXE_RULES = {"runOnly": {"type": "tag",
                         "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

MEASURE = """
() => {
  const visible = (el) => {
    if (el.closest('dialog:not([open])') || el.closest('.visually-hidden')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= 0;
  };
  const name = (el) => (el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' "' +
      (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
  const controls = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), textarea, select')].filter(visible)
    .map((el) => { const b = el.getBoundingClientRect();
                   return {name: name(el), width: b.width, height: b.height}; });
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !visible(el) || el.closest('svg, script')) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = style.lineHeight === 'normal' ? size * 1.2 : parseFloat(style.lineHeight);
    texts.push({name: name(el), size, ratio: line / size});
  }
  return {controls, texts, overflow: document.documentElement.scrollWidth - window.innerWidth};
}
"""


def layout_problems(page, large_text):
    """A list of what is too small or sticks out on the current screen (empty when fine)."""
    measured = page.evaluate(MEASURE)
    smallest = 60 if large_text else 48
    problems = [f"control {c['name']} is {c['width']:.0f}×{c['height']:.0f}"
                for c in measured["controls"]
                if c["width"] < smallest - 0.5 or c["height"] < smallest - 0.5]
    if large_text:
        problems += [f"text {t['name']} is {t['size']:.1f}px" for t in measured["texts"]
                     if t["size"] < 28 - 0.05]
        problems += [f"text {t['name']} has line height {t['ratio']:.2f}"
                     for t in measured["texts"] if t["ratio"] < 1.3 - 0.005]
    if measured["overflow"] > 0:
        problems.append(f"the page is {measured['overflow']}px wider than the screen")
    return sorted(set(problems))


def axe_violations(page):
    """axe-core's WCAG A/AA violations on the current screen, one line each."""
    results = AXE.run(page, options=AXE_RULES)
    return [f"axe {violation['id']}: {node['target']}"
            for violation in results.response["violations"] for node in violation["nodes"]]


def enhanced_contrast_violations(page):
    """axe-core's WCAG AAA contrast rule (7:1 for text), for high-contrast mode."""
    results = AXE.run(page, options={"runOnly": {"type": "rule",
                                                 "values": ["color-contrast-enhanced"]}})
    return [f"axe {violation['id']}: {node['target']}"
            for violation in results.response["violations"] for node in violation["nodes"]]
