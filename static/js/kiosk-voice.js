// Voice input, when the resident has turned it on and the language has a model.
// Tap the microphone and speak; listening stops by itself after the speech ends (or at
// a second tap). The sound is turned into 16 kHz mono 16-bit PCM here and sent to the
// kiosk, which decodes it against what can be said on this screen and answers: act,
// ask "You said: ... Yes or no?", or say what can be said. Nothing is stored.
(function () {
  "use strict";
  var RATE = 16000;
  var MAX_SECONDS = 15;
  var SPEECH_LEVEL = 0.02;     // louder than this (RMS, 0..1) is speech
  var QUIET_LEVEL = 0.012;     // quieter than this for END_QUIET_MS ends the utterance
  var END_QUIET_MS = 900;
  var NOTHING_HEARD_MS = 6000;

  var panel, mic, label, level, status, confirmBox;
  var listening = null;        // the capture in progress
  var pending = null;          // the intent waiting for "yes"

  function text(name) { return panel.dataset["text" + name]; }

  function say(message, url) {
    status.textContent = message;
    if (url && document.getElementById("speech-audio")) {
      var audio = document.getElementById("speech-audio");
      audio.src = url;
      audio.play().catch(function () {});
    }
  }

  // While a modal dialog is open ("Are you still there?") only its buttons can be said:
  // the page behind it is inert.
  function scope() { return document.querySelector("dialog[open]") || document; }

  // The prompt keys of the screen's controls: those in view first, so what is suggested
  // is what the resident can see.
  function screenKeys() {
    var inView = [], below = [];
    scope().querySelectorAll("[data-say-key]").forEach(function (el) {
      if (!el.matches("a[href], button, input") || el.disabled) { return; }
      var box = el.getBoundingClientRect();
      (box.bottom > 0 && box.top < innerHeight ? inView : below).push(el.dataset.sayKey);
    });
    return inView.concat(below);
  }

  function digitField() {
    var field = document.activeElement;
    return field && field.matches("input.input--phone, input.input--id_number") ? field : null;
  }

  // Capture: Web Audio in, 16 kHz 16-bit PCM out.
  function startListening(mode, field) {
    if (listening) { stopListening(); return; }
    navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true,
                                                   noiseSuppression: true } })
      .then(function (stream) {
        var context = new AudioContext();
        var source = context.createMediaStreamSource(stream);
        var processor = context.createScriptProcessor(4096, 1, 1);
        var capture = { stream: stream, context: context, processor: processor, chunks: [],
                        mode: mode, field: mode === "digits" ? (field || digitField()) : null,
                        started: Date.now(), spoke: false, quietSince: null };
        processor.onaudioprocess = function (event) {
          var samples = new Float32Array(event.inputBuffer.getChannelData(0));
          capture.chunks.push(samples);
          var sum = 0;
          for (var i = 0; i < samples.length; i++) { sum += samples[i] * samples[i]; }
          var rms = Math.sqrt(sum / samples.length);
          level.value = Math.min(1, rms * 8);
          var now = Date.now();
          if (rms > SPEECH_LEVEL) { capture.spoke = true; capture.quietSince = null; }
          else if (capture.spoke && rms < QUIET_LEVEL) { capture.quietSince = capture.quietSince || now; }
          var ended = capture.spoke && capture.quietSince && now - capture.quietSince > END_QUIET_MS;
          var tooLong = now - capture.started > MAX_SECONDS * 1000 - 500;
          var nothing = !capture.spoke && now - capture.started > NOTHING_HEARD_MS;
          if (ended || tooLong || nothing) { stopListening(); }
        };
        source.connect(processor);
        processor.connect(context.destination);
        listening = capture;
        mic.setAttribute("aria-pressed", "true");
        mic.classList.add("voice-panel__mic--listening");
        label.textContent = text("Listening");
      })
      .catch(function () { say(text("NoMic")); });
  }

  function stopListening() {
    var capture = listening;
    if (!capture) { return; }
    listening = null;
    capture.processor.disconnect();
    capture.stream.getTracks().forEach(function (track) { track.stop(); });
    var rate = capture.context.sampleRate;
    capture.context.close();
    mic.setAttribute("aria-pressed", "false");
    mic.classList.remove("voice-panel__mic--listening");
    label.textContent = text("Idle");
    level.value = 0;
    if (!capture.spoke) { say(text("NotHeard")); return; }
    send(toWav(resample(join(capture.chunks), rate)), capture);
  }

  function join(chunks) {
    var length = chunks.reduce(function (sum, chunk) { return sum + chunk.length; }, 0);
    var all = new Float32Array(length);
    var offset = 0;
    chunks.forEach(function (chunk) { all.set(chunk, offset); offset += chunk.length; });
    return all;
  }

  // Average over each output sample's span of input: a simple low-pass, then pick.
  function resample(input, fromRate) {
    var ratio = fromRate / RATE;
    var output = new Int16Array(Math.floor(input.length / ratio));
    for (var i = 0; i < output.length; i++) {
      var start = Math.floor(i * ratio), end = Math.min(input.length, Math.floor((i + 1) * ratio));
      var sum = 0;
      for (var j = start; j < end; j++) { sum += input[j]; }
      var value = sum / Math.max(1, end - start);
      output[i] = Math.max(-32768, Math.min(32767, Math.round(value * 32767)));
    }
    return output;
  }

  function toWav(samples) {
    var buffer = new ArrayBuffer(44 + samples.length * 2);
    var view = new DataView(buffer);
    function ascii(offset, value) {
      for (var i = 0; i < value.length; i++) { view.setUint8(offset + i, value.charCodeAt(i)); }
    }
    ascii(0, "RIFF"); view.setUint32(4, 36 + samples.length * 2, true); ascii(8, "WAVE");
    ascii(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true);
    view.setUint16(22, 1, true); view.setUint32(24, RATE, true); view.setUint32(28, RATE * 2, true);
    view.setUint16(32, 2, true); view.setUint16(34, 16, true);
    ascii(36, "data"); view.setUint32(40, samples.length * 2, true);
    for (var i = 0; i < samples.length; i++) { view.setInt16(44 + i * 2, samples[i], true); }
    return new Blob([buffer], { type: "audio/wav" });
  }

  function send(wav, capture) {
    say(text("Thinking"));
    var url = panel.dataset.recogniseUrl + "?mode=" + capture.mode + "&keys=" +
      encodeURIComponent(screenKeys().join(","));
    fetch(url, { method: "POST", body: wav, credentials: "same-origin",
                 headers: { "Content-Type": "audio/wav",
                            "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.error === "not_working") { notWorking(); return; }
        if (answer.error === "busy") { say(text("Busy")); return; }
        handle(answer, capture);
      })
      .catch(function () { say(text("Busy")); });
  }

  // The language's voice model failed on this kiosk: say so in the screen's language and
  // put the microphone away, so nobody keeps talking to it.
  function notWorking() {
    say(text("NotWorking"));
    mic.disabled = true;
    mic.hidden = true;
  }

  function handle(answer, capture) {
    if (answer.error) { say(answer.message); return; }
    if (capture.mode === "confirm") {
      confirmBox.hidden = true;
      var yes = answer.decision === "accept" && answer.intent && answer.intent.command === "yes";
      var waiting = pending;
      pending = null;
      if (yes && waiting) { perform(waiting); } else { say(""); }
      return;
    }
    if (capture.mode === "digits") {
      // Heard digits are read back and written only after a yes: a misheard number is
      // worse than none.
      if (answer.decision === "confirm" && capture.field) {
        pending = { digits: answer.digits, field: capture.field };
        confirmBox.hidden = false;
        say(text("Heard") + " " + answer.digits.split("").join(" ") + " " + text("IsThatRight"));
        readDigitsBack(answer.digits);
      } else { say(answer.message); }
      return;
    }
    if (answer.decision === "reject") { say(answer.message, answer.say); return; }
    if (answer.decision === "confirm") {
      pending = answer.intent;
      confirmBox.hidden = false;
      say(answer.message, answer.say);
      return;
    }
    say(text("Heard") + " " + answer.phrase);
    perform(answer.intent);
  }

  var COMMAND_TARGETS = {
    back: ["control.back"],
    start_over: ["control.start_over"],
    call_clerk: ["control.call_clerk"],
    "continue": ["control.continue", "control.continue_rest", "control.done_adding",
                 "control.start", "control.send", "control.finish"],
    yes: ["control.yes_start_over", "control.yes"],
    no: ["control.no_go_back", "control.no"]
  };

  // Yes or no answers one question of a screen of yes/no questions: the one the resident
  // last touched, else the first not answered yet (never one already answered by touch),
  // and the kiosk says which question it answered.
  var lastQuestion = null;
  document.addEventListener("focusin", function (event) {
    var set = event.target.closest && event.target.closest("main fieldset");
    if (set) { lastQuestion = set; }
  });

  function answerQuestion(command) {
    var value = command === "yes" ? "yes" : "no";
    var sets = Array.prototype.filter.call(document.querySelectorAll("main fieldset"), function (set) {
      return set.querySelector('input[type="radio"][value="' + value + '"]');
    });
    if (!sets.length) { return false; }
    var set = sets.indexOf(lastQuestion) >= 0 ? lastQuestion : sets.filter(function (each) {
      return !each.querySelector('input[type="radio"]:checked');
    })[0];
    lastQuestion = null;     // the next yes or no goes to the next question not answered
    if (!set) { say(text("AllAnswered")); return true; }
    var radio = set.querySelector('input[type="radio"][value="' + value + '"]');
    radio.click();
    var legend = set.querySelector("legend");
    var label = set.querySelector('label[for="' + radio.id + '"]');
    say((legend ? legend.textContent.trim() : "") + " — " + (label ? label.textContent.trim() : value));
    set.scrollIntoView({ block: "center" });
    return true;
  }

  function perform(intent) {
    if (intent.digits !== undefined && intent.field) {
      intent.field.value = intent.digits;
      intent.field.dispatchEvent(new Event("input", { bubbles: true }));
      say(text("Written"));
      return;
    }
    if (intent.command === "help") { showHelp(); return; }
    if ((intent.command === "yes" || intent.command === "no") && !intent.key &&
        answerQuestion(intent.command)) { return; }
    if (intent.command === "repeat") {
      var repeat = document.querySelector('[data-speech-action="repeat"]');
      if (repeat) { repeat.click(); }
      return;
    }
    var keys = intent.key ? [intent.key] : (COMMAND_TARGETS[intent.command] || []);
    for (var i = 0; i < keys.length; i++) {
      var target = scope().querySelector('[data-say-key="' + keys[i] + '"]');
      if (target && target.matches("a[href], button, input") && !target.hidden) { target.click(); return; }
    }
    if (intent.command === "back") { history.back(); }
  }

  // With read aloud on, dictated digits are spoken back one by one (never cached).
  function readDigitsBack(digits) {
    var audio = document.getElementById("speech-audio");
    if (!audio || !panel.dataset.readBackUrl) { return; }
    var body = new FormData();
    body.append("csrf_token", document.querySelector('meta[name="csrf-token"]').content);
    body.append("subject", "digits");
    body.append("digits", digits);
    fetch(panel.dataset.readBackUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.blob() : null; })
      .then(function (blob) { if (blob) { audio.src = URL.createObjectURL(blob); audio.play(); } });
  }

  // "Help": a few things to say (the controls in view first); "help" again, the next few.
  var helpPage = 0;
  function showHelp() {
    fetch(panel.dataset.helpUrl + "?page=" + helpPage + "&keys=" + encodeURIComponent(screenKeys().join(",")),
          { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.error === "not_working") { notWorking(); return; }
        helpPage = answer.more ? helpPage + 1 : 0;
        say(answer.message, answer.say);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    panel = document.querySelector("[data-voice-panel]");
    if (!panel || !navigator.mediaDevices || !window.AudioContext) { return; }
    mic = panel.querySelector("[data-voice-mic]");
    label = panel.querySelector("[data-voice-label]");
    level = panel.querySelector("[data-voice-level]");
    status = panel.querySelector("[data-voice-status]");
    confirmBox = panel.querySelector("[data-voice-confirm]");
    panel.hidden = false;
    mic.setAttribute("data-speech-direct", "");
    mic.addEventListener("click", function () {
      startListening(pending ? "confirm" : (digitField() ? "digits" : "screen"));
    });
    document.querySelectorAll("[data-say-digits]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        startListening("digits", document.getElementById(button.dataset.sayDigits));
      });
    });
    // The idle warning is modal: the microphone goes into the dialog while it is open, so
    // "Continue" or "I need more time" can be said, and back to its place afterwards.
    var home = panel.parentNode, next = panel.nextSibling;
    document.addEventListener("kiosk:timeout-warning", function () {
      var dialog = document.querySelector("dialog[open]");
      if (!dialog) { return; }
      dialog.appendChild(panel);
      dialog.addEventListener("close", function () { home.insertBefore(panel, next); }, { once: true });
    });
    // Keep the focused number field focused when the microphone is tapped.
    mic.addEventListener("pointerdown", function (event) { if (digitField()) { event.preventDefault(); } });
    confirmBox.querySelectorAll("[data-voice-answer]").forEach(function (button) {
      button.setAttribute("data-speech-direct", "");
      button.addEventListener("click", function () {
        var waiting = pending;
        pending = null;
        confirmBox.hidden = true;
        if (button.dataset.voiceAnswer === "yes" && waiting) { perform(waiting); } else { say(""); }
      });
    });
  });
})();
