// Progressive enhancement for the kiosk. Every screen works without this file;
// with it: focus lands on the new screen's heading (or the error summary), the idle
// dialog protects the next resident's privacy, and the receipt can be printed.
(function () {
  "use strict";

  function focusStart() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); return; }
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) {
        var control = target.matches("button, a, input") ? target : target.querySelector("button, a[href], input, textarea");
        if (control) { control.focus(); return; }
      }
    }
    var heading = document.getElementById("heading");
    if (heading && document.body.dataset.screen !== "home") { heading.focus(); }
  }

  // "Are you still there?": after data-idle-seconds without a touch or key, the dialog
  // gives data-warning-seconds (at least 20 s) to continue; then the session is wiped.
  function idleTimer() {
    var dialog = document.getElementById("timeout-dialog");
    var form = document.getElementById("timeout-form");
    if (!dialog || !form || typeof dialog.showModal !== "function") { return; }
    var idleMs = Number(document.body.dataset.idleSeconds) * 1000;
    var warningSeconds = Number(document.body.dataset.warningSeconds);
    var countdown = dialog.querySelector("[data-countdown]");
    var idleHandle = null, tickHandle = null, left = 0;

    function restart() {
      clearTimeout(idleHandle);
      idleHandle = setTimeout(warn, idleMs);
    }
    function warn() {
      left = warningSeconds;
      countdown.textContent = String(left);
      dialog.showModal();
      dialog.querySelector("[data-continue]").focus();
      document.dispatchEvent(new CustomEvent("kiosk:timeout-warning"));
      tickHandle = setInterval(function () {
        left -= 1;
        countdown.textContent = String(Math.max(left, 0));
        if (left <= 0) { clearInterval(tickHandle); form.submit(); }
      }, 1000);
    }
    function keepGoing() {
      clearInterval(tickHandle);
      if (dialog.open) { dialog.close(); }
      restart();
    }
    dialog.querySelector("[data-continue]").addEventListener("click", keepGoing);
    // Keep Tab inside the dialog: from its last control back to its first, and back again.
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") { return; }
      var controls = dialog.querySelectorAll("button, [href], input");
      var first = controls[0], last = controls[controls.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    });
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); keepGoing(); });
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () { if (!dialog.open) { restart(); } }, { passive: true });
    });
    restart();
  }

  function printButton() {
    var button = document.querySelector("[data-print]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusStart();
    idleTimer();
    printButton();
  });
})();
