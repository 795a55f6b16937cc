// A physical keypad, as on Korean and Japanese barrier-free kiosks: every screen by a few
// keys, for a resident who cannot see the screen (or cannot reach it).
// - Up / Left: the previous control; Down / Right: the next one. The order is the page's
//   own (tab) order, wrapping at the ends; hidden and disabled controls are skipped, and
//   while a dialog is open only its controls count. Each answer of a question is a stop
//   of its own (Enter chooses it), where Tab would visit one per question.
// - On the on-screen keyboard the arrows move as its keys are laid out: Left and Right
//   along a row, Up and Down to the nearest key in the row above or below.
// - Enter chooses (buttons and links act natively; an answer or box is ticked here).
// - Help: read aloud on, or, when it is on, the screen's guidance again ("kiosk:help").
// - Back: the screen's own Back link; on the on-screen keyboard, its Done key.
// With read aloud on, kiosk-speech.js says each control as the focus reaches it.
// KEYPAD is the one place to change when a kiosk's keypad sends other keys (README,
// "A physical keypad"). Arrows inside a text field still move its caret left and right
// (and up and down inside a text box of several lines, until its start or end).
(function () {
  "use strict";
  var KEYPAD = {
    previous: ["ArrowUp", "ArrowLeft"],
    next: ["ArrowDown", "ArrowRight"],
    choose: ["Enter"],
    help: ["F1", "Help", "*"],
    back: ["Escape", "BrowserBack", "GoBack"],
  };
  var ACTIONS = {};
  Object.keys(KEYPAD).forEach(function (action) {
    KEYPAD[action].forEach(function (key) { ACTIONS[key] = action; });
  });

  var root = document.documentElement;
  var CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";

  function visible(element) {
    if (element.closest("[hidden], [inert]")) { return false; }
    if (!element.getClientRects().length) { return false; }
    return getComputedStyle(element).visibility !== "hidden";
  }

  // The stops, in the page's order: what Tab reaches, plus every answer of a question.
  function stops() {
    var dialog = document.querySelector("dialog[open]");
    var scope = dialog || document;
    return Array.prototype.filter.call(scope.querySelectorAll(CONTROLS), function (element) {
      return !element.disabled && element.tabIndex >= 0 && visible(element);
    });
  }

  function isTyping(element) {
    return element.matches('input:not([type]), input[type="text"], input[type="tel"], ' +
      'input[type="email"], input[type="number"], input[type="search"], textarea');
  }

  function go(element) {
    if (!element) { return; }
    root.classList.add("keypad-used");
    element.focus();
    element.scrollIntoView({ block: "nearest" });
  }

  // The next (or previous) stop from the focus; from a heading or nothing, the first stop
  // after (or before) it in the page.
  function step(forward) {
    var all = stops();
    if (!all.length) { return; }
    var here = document.activeElement;
    var at = all.indexOf(here);
    if (at === -1) {
      var after = all.filter(function (element) {
        return here && here !== document.body &&
          (here.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      if (forward) { return go(after[0] || all[0]); }
      var before = all.filter(function (element) { return after.indexOf(element) === -1; });
      return go(before[before.length - 1] || all[all.length - 1]);
    }
    go(all[(at + (forward ? 1 : all.length - 1)) % all.length]);
  }

  // The on-screen keyboard: the nearest key in the row above or below, by where keys are.
  function keyAbove(key, down) {
    var keyboard = key.closest("[data-touch-keyboard]");
    var box = key.getBoundingClientRect();
    var middle = box.left + box.width / 2;
    var best = null, bestScore = Infinity;
    keyboard.querySelectorAll("button").forEach(function (other) {
      if (other === key || other.disabled || !visible(other)) { return; }
      var rect = other.getBoundingClientRect();
      var rows = down ? rect.top - box.bottom + 2 : box.top - rect.bottom + 2;
      if (rows < 0) { return; }
      var score = rows * 4 + Math.abs(rect.left + rect.width / 2 - middle);
      if (score < bestScore) { best = other; bestScore = score; }
    });
    return best;
  }

  function choose(element) {
    // Enter does not tick an answer or a box by itself (it would send the form, through
    // its first button: the top bar's language switch on a step with a draft).
    if (element.matches('input[type="radio"], input[type="checkbox"]')) {
      element.click();
      return true;
    }
    return false;
  }

  function back() {
    if (document.body.classList.contains("keyboard-open")) {
      var done = document.querySelector('[data-touch-keyboard] [data-action="done"]');
      if (done) { done.click(); return true; }
    }
    var link = document.querySelector("main a.back-link, main [data-back]");
    if (link && visible(link)) { link.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    var action = ACTIONS[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target instanceof Element ? event.target : document.body;
    var typing = isTyping(target);
    // In a text field "*" is typed, Left and Right move the caret, and Enter is the
    // on-screen keyboard's "next field"; a select's arrows choose its options.
    if (typing && (event.key === "*" || event.key === "ArrowLeft" || event.key === "ArrowRight" ||
                   action === "choose")) { return; }
    if (target.matches("select") && (action === "previous" || action === "next")) { return; }
    // In a text box of several lines, Up and Down move the caret between its lines, and
    // leave the box from its first or last line's end.
    if (target.matches("textarea") && ((event.key === "ArrowUp" && target.selectionStart > 0) ||
        (event.key === "ArrowDown" && target.selectionEnd < target.value.length))) { return; }
    // The open dialog's own Escape (Continue) wins over Back.
    if (action === "back" && document.querySelector("dialog[open]")) { return; }

    if (action === "previous" || action === "next") {
      var forward = action === "next";
      var onKey = target.closest("[data-touch-keyboard]") && target.matches("button");
      var vertical = event.key === "ArrowUp" || event.key === "ArrowDown";
      var nearest = onKey && vertical ? keyAbove(target, forward) : null;
      event.preventDefault();
      if (nearest) { go(nearest); } else { step(forward); }
    } else if (action === "choose") {
      root.classList.add("keypad-used");
      if (choose(target)) { event.preventDefault(); }
    } else if (action === "help") {
      event.preventDefault();
      document.dispatchEvent(new CustomEvent("kiosk:help"));
    } else if (action === "back") {
      if (back()) { event.preventDefault(); }
    }
  });
  // A touch puts the big keypad focus ring away again.
  document.addEventListener("pointerdown", function () { root.classList.remove("keypad-used"); }, true);
})();
