// Read aloud, when the resident has turned it on (<html data-speech-volume>).
// - Each screen speaks its prompts on arrival (<main data-speech-arrival="url url">).
// - One tap acts and says what it chose; the next screen says what changed.
// - With "Hear before choosing" on (<html data-speech-explore>), for residents who cannot
//   see the screen: the first tap on a button, card or link only speaks it; a second tap
//   on the same one chooses it. Keys and switches act at once and speak on focus.
// - Repeat replays what was last spoken; Stop silences it. Read back speaks an answer.
// Audio URLs come from the server and name prompt keys, never what a resident typed.
(function () {
  "use strict";
  var root = document.documentElement;
  if (!root.hasAttribute("data-speech-volume")) { return; }
  var exploreFirst = root.hasAttribute("data-speech-explore");

  var audio = document.createElement("audio");
  audio.id = "speech-audio";
  audio.volume = Math.min(1, Math.max(0, Number(root.dataset.speechVolume) || 0.8));
  var queue = [];
  var last = [];
  var armed = null;
  var lastPointer = 0;

  function setState(state) { audio.dataset.state = state; }

  function playNext() {
    var url = queue.shift();
    if (!url) { setState("ended"); return; }
    audio.src = url;
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) { setState("blocked"); audio.dataset.error = error.name + ": " + error.message; });
    }
  }

  function speak(urls) {
    queue = urls.filter(Boolean);
    last = queue.slice();
    playNext();
  }

  // After what is playing: audio made just now for this resident (a blob: URL).
  function enqueue(url) {
    queue.push(url);
    last.push(url);
    if (audio.paused || audio.ended) { playNext(); }
  }

  function stop() {
    queue = [];
    audio.pause();
    setState("stopped");
  }

  audio.addEventListener("playing", function () { setState("playing"); });
  audio.addEventListener("ended", playNext);
  audio.addEventListener("error", playNext);

  function disarm() {
    if (armed) { armed.classList.remove("speech-armed"); armed = null; }
  }

  // A text field, tapped or reached by keys: its question (label and hint), then what it
  // holds so far, made now and never cached (ID and phone numbers digit by digit).
  function isTextField(element) {
    return element.matches('input[type="text"], input[type="tel"], input:not([type]), textarea');
  }

  function speakField(field) {
    var label = field.id && document.querySelector('label[for="' + field.id + '"][data-speech]');
    speak(label ? [label.dataset.speech] : []);
    var value = field.value.trim();
    if (!value || !root.dataset.speechEchoUrl) { return; }
    var body = new FormData();
    body.append("csrf_token", document.querySelector('meta[name="csrf-token"]').content);
    body.append("text", value);
    if (/^(id|phone|number|digits)$/.test(field.dataset.keyboard || "")) { body.append("spell", "yes"); }
    fetch(root.dataset.speechEchoUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.blob() : null; })
      .then(function (blob) { if (blob && document.activeElement === field) { enqueue(URL.createObjectURL(blob)); } })
      .catch(function () { setState("failed"); });
  }

  // One tap speaks a control and lets it act; exploring, the first tap only speaks it.
  function onClick(event) {
    var control = event.target.closest("a[href], button, input, select, textarea");
    if (control && !control.hasAttribute("data-speech")) {
      disarm();
      if (isTextField(control)) { speakField(control); }
      return;
    }
    var speakable = event.target.closest("[data-speech]");
    if (!speakable) { return; }
    var keyboard = event.detail === 0;  // Enter or Space: act at once, focus already spoke
    if (!control) { speak([speakable.dataset.speech]); return; }
    if (!exploreFirst) { speak([control.dataset.speech]); return; }
    if (keyboard || armed === control) { disarm(); return; }
    event.preventDefault();
    event.stopPropagation();
    disarm();
    armed = control;
    control.classList.add("speech-armed");
    speak([control.dataset.speech]);
  }

  // Moving through the screen with keys or a switch speaks what gets focus.
  function onFocus(event) {
    if (Date.now() - lastPointer < 600) { return; }  // a tap: the click handler speaks
    var target = event.target;
    if (target.matches && isTextField(target)) { speakField(target); return; }
    var source = target.hasAttribute && target.hasAttribute("data-speech") ? target
      : target.id && document.querySelector('label[for="' + target.id + '"][data-speech]');
    if (source) { speak([source.dataset.speech]); }
  }

  function readBack(event) {
    event.preventDefault();
    var form = event.target;
    var body = new FormData(form, event.submitter);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("read back refused: " + response.status); }
        return response.blob();
      })
      .then(function (blob) { speak([URL.createObjectURL(blob)]); })
      .catch(function () { setState("failed"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.body.appendChild(audio);
    document.querySelectorAll("[data-speech-action], [data-read-back]").forEach(function (el) {
      el.hidden = false;
    });
    document.querySelectorAll('[data-speech-action="repeat"]').forEach(function (button) {
      button.addEventListener("click", function () { speak(last); });
    });
    document.querySelectorAll('[data-speech-action="stop"]').forEach(function (button) {
      button.addEventListener("click", stop);
    });
    document.querySelectorAll("[data-read-back]").forEach(function (form) {
      form.addEventListener("submit", readBack);
    });
    document.addEventListener("pointerdown", function () { lastPointer = Date.now(); }, true);
    document.addEventListener("click", onClick, true);
    document.addEventListener("focusin", onFocus);
    document.addEventListener("kiosk:timeout-warning", function () {
      var dialog = document.getElementById("timeout-dialog");
      if (dialog && dialog.dataset.speech) { speak([dialog.dataset.speech]); }
    });
    // Something to say that no page load brought: a page that changes by itself (a clerk is
    // on the way, kiosk-call.js), or a long press or help key asking for the guidance again
    // (kiosk-start-speech.js). detail.urls: prompt audio; detail.signKey: its clip (signs).
    document.addEventListener("kiosk:say", function (event) {
      var urls = ((event.detail && event.detail.urls) || []).filter(Boolean);
      if (urls.length) { speak(urls); }
    });
    var main = document.getElementById("main");
    speak((main.dataset.speechArrival || "").trim().split(/\s+/));
  });
})();
