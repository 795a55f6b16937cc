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


def layout_problems(page, large_text, zoom=1):
    """A list of what is too small or sticks out on the current screen (empty when fine).
    In zoom mode (zoom=2) every control must be twice the size on the screen."""
    measured = page.evaluate(MEASURE)
    smallest = (60 if large_text else 48) * zoom
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


# Zoom mode: no sideways scrolling at all, and no element reaching past either edge of the
# screen (a box cut off at the edge scrolls nowhere, but is cut off all the same).
SIDEWAYS = """
() => {
  const scroller = document.scrollingElement, problems = [];
  if (scroller.scrollWidth > scroller.clientWidth)
    problems.push(`the page scrolls sideways (${scroller.scrollWidth} > ${scroller.clientWidth})`);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('dialog:not([open]), .visually-hidden, .skip-link, svg, [hidden], details:not([open]) > :not(summary)')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left < -0.5 || box.right > innerWidth + 0.5)
      problems.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.innerText || '').trim().slice(0, 30)}" sticks out (${Math.round(box.left)} to ${Math.round(box.right)} of ${innerWidth})`);
  }
  return problems;
}
"""


def sideways_problems(page):
    """What scrolls or sticks out sideways on the current screen (empty when fine)."""
    return page.evaluate(SIDEWAYS)


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


REACH = """
(needsPrimary) => {
  const reachable = (el) => { const b = el.getBoundingClientRect();
    if (!(b.height > 0 && b.top >= -0.5 && b.bottom <= innerHeight + 0.5)) return false;
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return !!hit && (hit === el || el.contains(hit)); };
  const primary = document.querySelector('[data-primary-action]:not([hidden])');
  const bar = document.querySelector('.kiosk-bar');
  const problems = [];
  if (needsPrimary && !primary) problems.push('there is no primary action');
  const look = (where) => {
    if (primary && !reachable(primary)) problems.push(`the primary action is out of reach ${where}`);
    if (bar && !reachable(bar)) problems.push(`the top bar is out of view ${where}`);
  };
  const start = scrollY;
  scrollTo(0, 0); look('at the top');
  scrollTo(0, document.documentElement.scrollHeight); look('at the bottom');
  scrollTo(0, start);
  return problems;
}
"""

KEYBOARD_COVER = """
(field) => {
  const keyboard = document.getElementById('touch-keyboard');
  if (!keyboard || keyboard.hidden) return 'the keyboard did not open';
  const box = field.getBoundingClientRect(), top = innerHeight - keyboard.offsetHeight;
  const dock = document.querySelector('.top-dock').getBoundingClientRect().bottom;
  if (box.bottom > top + 0.5) return `the keyboard covers the field (${box.bottom} > ${top})`;
  if (box.top < dock - 0.5) return `the field is under the top bar (${box.top} < ${dock})`;
  return '';
}
"""


WHERE_FOCUS = """(field) => { const active = document.activeElement;
  const box = field.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const name = (el) => el ? (el.id ? '#' + el.id : el.tagName.toLowerCase()) + '.' + el.className : 'none';
  return `${name(active)}, at the field's centre ${name(hit)}, field at ${Math.round(box.top)}`; }"""


def reach_problems(page, needs_primary=True):
    """The primary action (when the screen has one) and the top bar must be in view and
    not covered, scrolled to the top or to the bottom."""
    return page.evaluate(REACH, needs_primary)


def keyboard_problems(page, tap=True, close_between=False):
    """Open the on-screen keyboard on each typed field of the screen; it must never cover
    the field (nor leave it under the top bar). Returns problems, keyboard left closed.
    close_between: close it before the next field (in zoom mode the open keyboard may
    cover the next field, which a resident reaches with the keyboard's Next)."""
    problems = []
    for field_id in page.locator("main [data-keyboard]").evaluate_all("(els) => els.map((el) => el.id)"):
        field = page.locator(f"#{field_id}")
        if close_between:
            close_keyboard(page)
        if tap:
            field.tap()
        else:
            field.focus()
        try:
            page.locator("#touch-keyboard").wait_for(state="visible", timeout=5000)
        except Exception:
            problems.append(f"#{field_id}: the keyboard did not open; focus on "
                            + page.evaluate(WHERE_FOCUS, field.element_handle()))
            continue
        settled(page)
        problem = page.evaluate(KEYBOARD_COVER, field.element_handle())
        if problem:
            problems.append(f"#{field_id}: {problem}")
    close_keyboard(page)
    return problems


def settled(page):
    """Wait until the keyboard has slid up and the page has scrolled the field into view."""
    # evaluate() awaits the promise (wait_for_function would take the promise itself as done).
    for _ in range(100):
        if page.evaluate("""() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
                () => done(document.getElementById('touch-keyboard').getAnimations().length === 0))))"""):
            return
    raise AssertionError("the keyboard kept moving")


def close_keyboard(page):
    done = page.locator("#touch-keyboard [data-action=done]")
    if page.locator("#touch-keyboard").is_visible():
        done.tap()


REACH_ZONE = """
(topFraction) => {
  const zoneTop = innerHeight * topFraction;
  const modal = document.querySelector('dialog[open]:modal');
  const name = (el) => (el.id ? '#' + el.id : el.tagName.toLowerCase() +
      (el.classList.length ? '.' + el.classList[0] : '')) + ' "' +
      (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  const shown = (el) => {
    if (el.closest('dialog:not([open]), .visually-hidden, [inert]')) return false;
    if (modal && !modal.contains(el)) return false;   // inert behind the dialog
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.right > 0;
  };
  const clips = (el) => { const style = getComputedStyle(el);
    return style.overflowX !== 'visible' || style.overflowY !== 'visible'; };
  // The part of an element a resident can see: inside every clipping ancestor and the screen.
  const seen = (el) => {
    const box = el.getBoundingClientRect();
    let top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (clips(up)) { const clip = up.getBoundingClientRect();
        top = Math.max(top, clip.top); bottom = Math.min(bottom, clip.bottom); }
      if (getComputedStyle(up).position === 'fixed') break;
    }
    return bottom - top > 0.5 ? {top, bottom} : null;
  };
  const problems = [];
  const line = Math.round(zoneTop);
  const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), ' +
      'select, textarea, [tabindex]:not([tabindex="-1"])');
  for (const el of controls) {
    if (!shown(el)) continue;
    const part = seen(el);
    if (part && part.top < zoneTop - 0.5)
      problems.push(`control ${name(el)} is at ${Math.round(part.top)}px, above the reach line (${line}px)`);
  }
  // Anything that scrolls is moved by a finger on it: it must be in reach too.
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!/(auto|scroll)/.test(style.overflowY) || el.scrollHeight <= el.clientHeight + 1 || !shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.top < zoneTop - 0.5)
      problems.push(`scrolling ${name(el)} starts at ${Math.round(box.top)}px, above the reach line (${line}px)`);
  }
  if (document.documentElement.scrollHeight > innerHeight + 1)
    problems.push('the whole page scrolls, up above the reach line');
  return problems;
}
"""


def reach_zone_problems(page, top_fraction):
    """Wheelchair mode: every visible control (the part of it seen through its scroll area)
    and everything that scrolls must lie below `top_fraction` of the screen's height."""
    return page.evaluate(REACH_ZONE, top_fraction)
