// Starting read aloud without seeing the screen (EN 301 549 5.1.3, 5.1.6; Section 508 402).
// - On the idle home screen, with read aloud off, a tap or a key anywhere says how to start
//   it, in each language one after the other (<span data-start-speech-hint="url url url">),
//   and says it again every REPEAT_MS while someone is still tapping or pressing keys.
// - A long press (HOLD_MS) anywhere turns read aloud on, keeping what was typed on the page:
//   it posts turn_on=speech the way the Read aloud button posts toggle=speech. The control
//   under the finger is not chosen. A ring fills while the finger stays down; moving the
//   finger (a scroll) or lifting it early is a normal tap or scroll.
// - "kiosk:help" (the keypad's help key, kiosk-keypad.js) does what a long press does.
// With read aloud on, a long press or the help key says the screen's guidance again.
// The hint's audio comes from the speech endpoint by URL (prompt keys only); a browser
// plays sound only after a gesture, and the tap or key that asks for it is that gesture.
(function () {
  "use strict";
  var HOLD_MS = 2000;
  var REPEAT_MS = 25000;
  var MOVE_TOLERANCE_PX = 12;     // a finger that moves further is scrolling, not holding

  var root = document.documentElement;
  var speaking = function () { return root.hasAttribute("data-speech-volume"); };

  // Read aloud on (posted with the page's draft form, if it has one), or, when it is on
  // already, the screen's guidance again.
  function help() {
    if (speaking()) {
      var main = document.getElementById("main");
      var urls = ((main && main.dataset.speechArrival) || "").trim().split(/\s+/).filter(Boolean);
      document.dispatchEvent(new CustomEvent("kiosk:say", { detail: { urls: urls } }));
      return;
    }
    // The Read aloud button knows which form keeps the page's draft, and where to come back.
    var toggle = document.querySelector('button[name="toggle"][value="speech"]');
    if (!toggle || toggle.disabled || !toggle.form) { return; }
    stopHint();
    var turnOn = document.createElement("button");
    turnOn.type = "submit";
    turnOn.name = "turn_on";
    turnOn.value = "speech";
    turnOn.hidden = true;
    turnOn.formNoValidate = true;
    // Not toggle.formAction: without the attribute it is the page's own address.
    turnOn.setAttribute("formaction", toggle.getAttribute("formaction") || toggle.form.getAttribute("action"));
    toggle.form.appendChild(turnOn);
    toggle.form.requestSubmit(turnOn);
  }
  document.addEventListener("kiosk:help", help);

  // The spoken hint on the home screen.
  var hintSource = document.querySelector("[data-start-speech-hint]");
  var hint = null, hintUrls = [], hintQueue = [], hintStarted = 0, lastActivity = 0, again = null;

  function playNextHint() {
    var url = hintQueue.shift();
    if (!url) {
      hint.dataset.state = "ended";
      // Someone still there (a tap or key since it began): say it again in a while.
      again = setTimeout(function () {
        again = null;
        if (lastActivity > hintStarted) { startHint(); }
      }, REPEAT_MS);
      return;
    }
    hint.src = url;
    var started = hint.play();
    if (started && started.catch) {
      started.catch(function (error) { hint.dataset.state = "blocked"; hint.dataset.error = error.name; });
    }
  }

  function startHint() {
    if (speaking()) { return; }
    hintStarted = Date.now();
    hintQueue = hintUrls.slice();
    hint.dataset.plays = String(Number(hint.dataset.plays || 0) + 1);
    playNextHint();
  }

  function stopHint() {
    if (!hint) { return; }
    clearTimeout(again);
    again = null;
    hintQueue = [];
    hint.pause();
    hint.dataset.state = "stopped";
  }

  function someoneIsThere() {
    lastActivity = Date.now();
    var idle = hint.paused && !again && hint.dataset.state !== "stopped";
    if (idle) { startHint(); }
  }

  if (hintSource && !speaking()) {
    hintUrls = hintSource.dataset.startSpeechHint.trim().split(/\s+/).filter(Boolean);
    hint = document.createElement("audio");
    hint.id = "start-speech-hint";
    hint.dataset.state = "waiting";
    hint.volume = Math.min(1, Math.max(0, Number(hintSource.dataset.volume) || 0.8));
    hint.addEventListener("playing", function () { hint.dataset.state = "playing"; });
    hint.addEventListener("ended", playNextHint);
    hint.addEventListener("error", playNextHint);
    document.body.appendChild(hint);
    // pointerup and keydown, not pointerdown: a touch counts as a gesture that may start
    // sound only when the finger lifts.
    document.addEventListener("pointerup", someoneIsThere, true);
    document.addEventListener("keydown", someoneIsThere, true);
    window.addEventListener("pagehide", stopHint);
  }

  // The long press.
  var ring = document.querySelector("[data-hold-ring]");
  var hold = null;   // {id, x, y, timer, frame, start}
  var swallowClick = false;

  function drawRing() {
    if (!hold) { return; }
    var done = Math.min(1, (Date.now() - hold.start) / HOLD_MS);
    ring.style.setProperty("--hold-progress", String(Math.round(done * 360)) + "deg");
    hold.frame = requestAnimationFrame(drawRing);
  }

  function cancelHold() {
    if (!hold) { return; }
    clearTimeout(hold.timer);
    cancelAnimationFrame(hold.frame);
    hold = null;
    ring.hidden = true;
    root.classList.remove("holding");
  }

  function held() {
    cancelAnimationFrame(hold.frame);
    ring.style.setProperty("--hold-progress", "360deg");
    ring.dataset.state = "done";
    hold = null;
    // The finger is still down: the click its lifting makes must not choose anything.
    swallowClick = true;
    setTimeout(function () { swallowClick = false; ring.hidden = true; root.classList.remove("holding"); }, 1500);
    if (navigator.vibrate) { navigator.vibrate(80); }
    help();
  }

  document.addEventListener("pointerdown", function (event) {
    cancelHold();
    if (!ring || !event.isPrimary || event.button > 0) { return; }
    // The dialog, the on-screen keyboard and the handwriting pad have their own holds.
    if (event.target.closest("dialog[open], [data-touch-keyboard]")) { return; }
    hold = { id: event.pointerId, x: event.clientX, y: event.clientY, start: Date.now() };
    hold.timer = setTimeout(held, HOLD_MS);
    ring.style.left = event.clientX + "px";
    ring.style.top = event.clientY + "px";
    ring.style.setProperty("--hold-progress", "0deg");
    ring.dataset.state = "holding";
    // Shown only after a moment: an ordinary tap never flashes a ring.
    setTimeout(function () {
      if (hold && hold.id === event.pointerId) { ring.hidden = false; root.classList.add("holding"); }
    }, 250);
    hold.frame = requestAnimationFrame(drawRing);
  }, true);

  document.addEventListener("pointermove", function (event) {
    if (hold && event.pointerId === hold.id &&
        Math.hypot(event.clientX - hold.x, event.clientY - hold.y) > MOVE_TOLERANCE_PX) {
      cancelHold();
    }
  }, true);
  ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (hold && event.pointerId === hold.id) { cancelHold(); }
    }, true);
  });
  window.addEventListener("scroll", cancelHold, { passive: true });

  // Before any other handler (kiosk-speech.js explores and signs in the capture phase too,
  // but on document: this runs first on window).
  window.addEventListener("click", function (event) {
    if (!swallowClick) { return; }
    swallowClick = false;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  // A long touch would open the browser's menu instead (a kiosk has no use for it).
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });
})();
