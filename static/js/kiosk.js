// Progressive enhancement for the kiosk. Every screen works without this file;
// with it: focus lands on the new screen's heading (or the error summary), the idle
// dialog protects the next resident's privacy, and the receipt can be printed.
(function () {
  "use strict";

  function focusStart() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); return; }
    var place = location.hash.indexOf("#at-") === 0 && document.getElementById(location.hash.slice(4));
    if (place) {
      // Back from switching language or a mode: the field the resident was on, in view.
      (place.closest(".field") || place).scrollIntoView({ block: "center" });
      var title = document.getElementById("heading");
      if (title) { title.focus({ preventScroll: true }); }
      return;
    }
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) {
        var control = target.matches("button, a, input") ? target : target.querySelector("button, a[href], input, textarea");
        if (control) { control.focus(); return; }
        // A section heading (a clerk's #notes, #documents): focus it, so the page stays there.
        if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
        target.focus();
        return;
      }
    }
    // A staff page may start on its main control (the clerks' search box).
    var first = document.querySelector("main [autofocus]");
    if (first) { first.focus(); return; }
    var heading = document.getElementById("heading");
    if (heading && document.body.dataset.screen !== "home") { heading.focus(); }
  }

  // A soft two-note chime (made here with Web Audio: no sound file to fetch), so the idle
  // warning is heard by someone looking away as well as seen. The dialog notes whether it
  // sounded (data-chime), for the tests and for anyone checking a kiosk's speakers.
  var audio = null;
  function chime(dialog) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { dialog.dataset.chime = "unavailable"; return; }
    audio = audio || new Context();
    var start = audio.currentTime + 0.05;
    [880, 660].forEach(function (frequency, index) {
      var tone = audio.createOscillator(), volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, start + index * 0.35);
      volume.gain.exponentialRampToValueAtTime(0.3, start + index * 0.35 + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + index * 0.35 + 0.3);
      tone.connect(volume).connect(audio.destination);
      tone.start(start + index * 0.35);
      tone.stop(start + index * 0.35 + 0.32);
    });
    dialog.dataset.chime = audio.state === "running" ? "played" : audio.state;
  }

  // "Are you still there?": after data-idle-seconds without a touch or key, the dialog
  // gives data-warning-seconds (at least 20 s) to continue; then its form is sent: Start
  // over for a resident (the session is wiped), Sign out on a clerk's or interpreter's
  // page (which have their own, longer idle time). While someone keeps using one page
  // without loading another, the server hears so every half minute, so the session does
  // not run out under them. Nothing asks while the studio records ("kiosk:busy").
  function idleTimer() {
    var dialog = document.getElementById("timeout-dialog");
    var form = document.getElementById("timeout-form");
    if (!dialog || !form || typeof dialog.showModal !== "function") { return; }
    var idleMs = Number(document.body.dataset.idleSeconds) * 1000;
    var warningSeconds = Number(document.body.dataset.warningSeconds);
    var countdown = dialog.querySelector("[data-countdown]");
    var idleHandle = null, tickHandle = null, left = 0;
    var pingEveryMs = 30000, lastPing = Date.now(), busy = false, busyPing = null;

    function stillHere() {
      lastPing = Date.now();
      var token = document.querySelector('meta[name="csrf-token"]');
      fetch(document.body.dataset.stillHereUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.content : "", Accept: "application/json" }
      }).catch(function () { /* offline for a moment: the next touch tries again */ });
    }
    function restart() {
      clearTimeout(idleHandle);
      if (!busy) { idleHandle = setTimeout(warn, idleMs); }
    }
    function warn() {
      left = warningSeconds;
      countdown.textContent = String(left);
      dialog.showModal();
      chime(dialog);
      dialog.querySelector("[data-continue]").focus();
      document.dispatchEvent(new CustomEvent("kiosk:timeout-warning"));
      tickHandle = setInterval(function () {
        left -= 1;
        countdown.textContent = String(Math.max(left, 0));
        // requestSubmit, not submit: through waitOutRestarts, like a tap.
        if (left <= 0) { clearInterval(tickHandle); form.requestSubmit(); }
      }, 1000);
    }
    function keepGoing() {
      clearInterval(tickHandle);
      if (dialog.open) { dialog.close(); }
      stillHere();
      restart();
    }
    function active() {
      if (dialog.open) { return; }
      restart();
      if (Date.now() - lastPing > pingEveryMs) { stillHere(); }
    }
    dialog.querySelector("[data-continue]").addEventListener("click", keepGoing);
    var moreTime = dialog.querySelector("[data-more-time]");
    if (moreTime) {
      moreTime.addEventListener("click", function () {
        // Doubled here at once, and on the server for the pages still to come.
        idleMs *= 2;
        moreTime.hidden = true;
        var token = document.querySelector('meta[name="csrf-token"]');
        fetch(document.body.dataset.moreTimeUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.content : "", Accept: "application/json" }
        }).catch(function () { /* offline for a moment: this page still has the time */ });
        keepGoing();
      });
    }
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
      document.addEventListener(name, active, { passive: true });
    });
    // A recording in the studio: the interpreter signs without touching the screen.
    document.addEventListener("kiosk:busy", function () {
      busy = true;
      clearTimeout(idleHandle);
      clearInterval(busyPing);
      busyPing = setInterval(stillHere, pingEveryMs);
    });
    document.addEventListener("kiosk:idle", function () {
      busy = false;
      clearInterval(busyPing);
      restart();
    });
    restart();
  }

  // The sticky top bar and the bottom dock change height with text size and language:
  // CSS keeps the page's scroll padding and bottom space in step through these values.
  // The signer window counts only where it sticks under the top bar (portrait); beside
  // the content (landscape) it covers nothing a scroll brings into view.
  function dockHeights() {
    var root = document.documentElement;
    [[".top-dock", "--top-dock-height"], ["[data-bottom-dock]", "--bottom-dock-height"],
     ["[data-signer]", "--signer-height"]].forEach(function (pair) {
      var dock = document.querySelector(pair[0]);
      if (!dock) { return; }
      var measure = function () {
        var counts = pair[0] !== "[data-signer]" || getComputedStyle(dock).position === "sticky";
        // A box is measured on the screen; CSS lengths are before zoom mode's 200%.
        var height = dock.getBoundingClientRect().height / (dock.currentCSSZoom || 1);
        root.style.setProperty(pair[1], (counts ? height : 0) + "px");
      };
      measure();
      if (window.ResizeObserver) { new ResizeObserver(measure).observe(dock); }
    });
  }

  // A link in the error summary: focus the field and show it with its label and message,
  // below the top bar (and above the on-screen keyboard that focusing opens).
  function errorLinks() {
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        var box = field.closest(".field") || field;
        box.scrollIntoView({ block: "start" });
        field.focus({ preventScroll: true });
      });
    });
  }

  // "I am the mother", "Same as my home address": ticking copies answers already given;
  // typing in a copied field unticks it (what was typed is kept); boxes that copy the same
  // answers (mother or father) exclude each other.
  function shortcuts() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-copy]"));
    var copying = false;
    boxes.forEach(function (box) {
      var copies = JSON.parse(box.dataset.copy);
      var targets = Object.keys(copies);
      box.addEventListener("change", function () {
        if (!box.checked) { return; }
        boxes.forEach(function (other) {
          var shared = other.dataset.sources.split(" ").some(function (source) {
            return box.dataset.sources.split(" ").indexOf(source) !== -1;
          });
          if (other !== box && shared) { other.checked = false; }
        });
        copying = true;
        targets.forEach(function (name) {
          box.form.querySelectorAll('[name="' + name + '"]').forEach(function (control) {
            if (control.type === "radio") { control.checked = control.value === copies[name]; }
            else { control.value = copies[name]; }
            control.dispatchEvent(new Event("input", { bubbles: true }));
          });
        });
        copying = false;
      });
      box.form.addEventListener("input", function (event) {
        if (!copying && targets.indexOf(event.target.name) !== -1) { box.checked = false; }
      });
    });
  }

  // "Add another service": the list narrows as the resident types, without a reload.
  // Terms are the ones the server matches (kiosk/service_search.py), in data-search.
  function liveSearch() {
    var form = document.querySelector("[data-service-search]");
    if (!form) { return; }
    var input = form.querySelector("input[name=q]");
    var status = document.querySelector("[data-search-status]");
    var normalise = function (text) { return text.normalize("NFKC").toLowerCase().replace(/\s+/g, ""); };
    var filter = function () {
      var wanted = normalise(input.value);
      var shown = 0;
      document.querySelectorAll("[data-search-group]").forEach(function (group) {
        var inGroup = 0;
        group.querySelectorAll("[data-search]").forEach(function (card) {
          var match = !wanted || card.dataset.search.indexOf(wanted) !== -1;
          card.hidden = !match;
          if (match) { inGroup += 1; }
        });
        group.hidden = inGroup === 0;
        shown += inGroup;
      });
      status.textContent = shown ? "" : status.dataset.textNone;
      // Adding a service reloads the page: the search typed so far goes with it, and stays
      // in the address for Back.
      document.querySelectorAll("[data-search] input[name=q]").forEach(function (kept) {
        kept.value = input.value;
      });
      var address = new URL(location.href);
      if (input.value) { address.searchParams.set("q", input.value); } else { address.searchParams.delete("q"); }
      history.replaceState(null, "", address);
    };
    input.addEventListener("input", filter);
    form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
  }

  // Check answers: an ID or bank card number is masked on the shared screen; Show reveals
  // it for the resident standing there, Hide masks it again.
  function privateAnswers() {
    document.querySelectorAll("[data-private-answer]").forEach(function (answer) {
      var button = answer.querySelector("[data-private-toggle]");
      var masked = answer.querySelector("[data-private-masked]");
      var full = answer.querySelector("[data-private-full]");
      var word = button.querySelector("[data-private-word]");
      button.hidden = false;
      button.addEventListener("click", function () {
        var showing = full.hidden;
        full.hidden = !showing;
        masked.hidden = showing;
        word.textContent = showing ? button.dataset.textHide : button.dataset.textShow;
      });
    });
  }

  // The server may restart under a resident (systemd starts it again after a crash or a
  // hang, in a few seconds). A form posted while it is away would leave Chromium's "cannot
  // reach" page on the screen, which Chromium reloads by itself only for a plain visit,
  // never for a post: the kiosk would stay there. So a tap's form is sent once the server
  // answers (any answer: it is there); while it does not, the tap waits on the page as it
  // is, and goes through when the server is back. Taps meanwhile add nothing.
  function waitOutRestarts() {
    var probe = document.body.dataset.healthUrl || "/health";
    var waiting = null;
    function answers() {
      return fetch(probe, { cache: "no-store", credentials: "same-origin" })
        .then(function () { return true; }, function () { return false; });
    }
    function sendWhenBack() {
      answers().then(function (up) {
        if (!up) {
          document.body.dataset.kioskAway = "yes";
          setTimeout(sendWhenBack, 1000);
          return;
        }
        var tap = waiting;
        waiting = null;
        document.body.removeAttribute("data-kiosk-away");
        tap.form.dataset.serverAnswered = "yes";
        // Sent again the usual way, so every other handler sees it once, as it would have.
        if (tap.submitter && tap.submitter.form === tap.form) { tap.form.requestSubmit(tap.submitter); }
        else { tap.form.requestSubmit(); }
      });
    }
    window.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.serverAnswered === "yes") { delete form.dataset.serverAnswered; return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      if (waiting) { return; }
      waiting = { form: form, submitter: event.submitter };
      sendWhenBack();
    }, true);
  }

  // Switching language or a mode reloads the screen: remember the field the resident was
  // on, so the screen comes back there rather than at the top.
  function keepPlace() {
    var lastField = null;
    document.addEventListener("focusin", function (event) {
      if (event.target.id && event.target.closest("main") && event.target.matches("input, textarea, select")) {
        lastField = event.target;
      }
    });
    document.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var action = (submitter && submitter.getAttribute("formaction")) || event.target.getAttribute("action") || "";
      var next = event.target.querySelector('input[name="next"]');
      if (!lastField || !next || !/\/preferences$/.test(action)) { return; }
      next.value = next.value.split("#")[0] + "#at-" + lastField.id;
    }, true);
  }

  function printButton() {
    var button = document.querySelector("[data-print]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  // The server prints (kiosk.ini [printer] cups or escpos): the form posts as it would
  // without script; the button says "Printing…" meanwhile and takes no second tap (one
  // receipt, not two). Back on the confirmation, the notice of how it went takes the focus,
  // so a screen reader says it and the QR code beside it is in view.
  function printForm() {
    var form = document.querySelector("[data-print-form]");
    if (form) {
      form.addEventListener("submit", function (event) {
        var button = form.querySelector("[data-printing-text]");
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "yes";
        button.textContent = button.getAttribute("data-printing-text");
        button.setAttribute("aria-disabled", "true");
      });
    }
    // Only after a tap (the post comes back to #print-outcome): a notice shown on arrival
    // leaves the focus where every screen puts it.
    var outcome = document.getElementById("print-outcome");
    if (outcome && location.hash === "#print-outcome") { outcome.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    dockHeights();
    focusStart();
    idleTimer();
    printButton();
    printForm();
    privateAnswers();
    keepPlace();
    waitOutRestarts();
    errorLinks();
    shortcuts();
    liveSearch();
  });
})();
