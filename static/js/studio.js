// The recording studio: the camera is ready on arrival; Record counts down 3-2-1, then
// records with MediaRecorder under a red "Recording mm:ss" indicator; Stop lets the take be
// watched back; Save sends it and goes straight on to the next prompt that needs a clip.
// Without a camera (or JavaScript) the upload form below still works.
(function () {
  "use strict";
  var COUNTDOWN = 3;

  function mmss(ms) {
    var seconds = Math.floor(ms / 1000);
    var minutes = Math.floor(seconds / 60);
    seconds = seconds % 60;
    return (minutes < 10 ? "0" : "") + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-recorder]");
    if (!section || !window.MediaRecorder || !navigator.mediaDevices) { return; }
    section.hidden = false;
    var stage = document.querySelector("[data-recorder-stage]");
    var preview = section.querySelector("[data-recorder-preview]");
    var status = document.querySelector("[data-recorder-status]");
    var announce = section.querySelector("[data-recorder-announce]");
    var countdown = section.querySelector("[data-recorder-countdown]");
    var indicator = section.querySelector("[data-recorder-indicator]");
    var elapsed = section.querySelector("[data-recorder-elapsed]");
    var text = section.dataset;
    var buttons = {};
    section.querySelectorAll("[data-recorder-action]").forEach(function (button) {
      buttons[button.dataset.recorderAction] = button;
    });
    var stream = null, recorder = null, chunks = [], clip = null;
    var limit = null, tick = null, counting = null;

    function enable(names) {
      Object.keys(buttons).forEach(function (name) { buttons[name].disabled = names.indexOf(name) < 0; });
    }

    function say(words) { announce.textContent = words; }

    function live() {
      preview.removeAttribute("src");
      preview.controls = false;
      preview.srcObject = stream;
      preview.play().catch(function () {});
    }

    // "Live" keeps the text in view and large while the interpreter signs (studio.css).
    function setLive(on) {
      stage.classList.toggle("studio-stage--live", on);
      // No "Are you still there?" over the camera while the interpreter signs.
      document.dispatchEvent(new CustomEvent(on ? "kiosk:busy" : "kiosk:idle"));
    }

    function count(left) {
      if (left === 0) { start(); return; }
      countdown.textContent = String(left);
      say(String(left));
      counting = setTimeout(function () { count(left - 1); }, 1000);
    }

    function start() {
      countdown.hidden = true;
      counting = null;
      chunks = [];
      // VP8 plays everywhere and the studio accepts it; a Chromium with hardware H.264
      // might otherwise pick H.264 in WebM, which the studio refuses.
      var type = MediaRecorder.isTypeSupported("video/webm;codecs=vp8") ? "video/webm;codecs=vp8" : "video/webm";
      recorder = new MediaRecorder(stream, { mimeType: type });
      recorder.ondataavailable = function (event) { if (event.data.size) { chunks.push(event.data); } };
      recorder.onstop = stopped;
      recorder.start(250);
      var began = Date.now();
      elapsed.textContent = mmss(0);
      indicator.hidden = false;
      tick = setInterval(function () { elapsed.textContent = mmss(Date.now() - began); }, 250);
      say(text.textRecording);
      limit = setTimeout(function () { if (recorder.state === "recording") { recorder.stop(); } },
                         Number(text.maxSeconds) * 1000);
    }

    function stopped() {
      clearInterval(tick);
      indicator.hidden = true;
      setLive(false);
      clip = new Blob(chunks, { type: "video/webm" });
      preview.srcObject = null;
      preview.src = URL.createObjectURL(clip);
      preview.controls = true;     // watch it back before saving
      say(text.textStopped);
      enable(["record", "save", "discard"]);
    }

    navigator.mediaDevices.getUserMedia({ video: true, audio: false }).then(function (camera) {
      stream = camera;
      live();
      enable(["record"]);
    }).catch(function () { status.textContent = text.textNoCamera; });

    buttons.record.addEventListener("click", function () {
      clip = null;
      status.textContent = "";
      live();
      setLive(true);
      stage.scrollIntoView({ block: "start" });
      countdown.hidden = false;
      enable(["stop"]);            // Stop during the countdown calls the take off
      count(COUNTDOWN);
    });

    buttons.stop.addEventListener("click", function () {
      clearTimeout(limit);
      if (counting) {
        clearTimeout(counting);
        counting = null;
        countdown.hidden = true;
        say("");
        setLive(false);
        enable(["record"]);
      } else if (recorder && recorder.state === "recording") {
        recorder.stop();
      }
    });

    buttons.discard.addEventListener("click", function () {
      clip = null;
      live();
      enable(["record"]);
    });

    buttons.save.addEventListener("click", function () {
      var body = new FormData();
      body.append("csrf_token", document.querySelector('input[name="csrf_token"]').value);
      body.append("clip", clip, "recording.webm");
      enable([]);
      status.textContent = text.textSaving;
      fetch(section.dataset.saveUrl, { method: "POST", body: body, credentials: "same-origin",
                                       headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (answer.error) {
            status.textContent = answer.message;
            enable(["record", "save", "discard"]);
          } else if (answer.next) {
            status.textContent = text.textSaved;
            window.location.assign(answer.next);     // the next prompt, camera ready
          } else {
            status.textContent = text.textDone;
            clip = null;
            live();
            enable(["record"]);
          }
        })
        .catch(function () {
          status.textContent = text.textFailed;   // the take is kept: try again
          enable(["record", "save", "discard"]);
        });
    });
  });
})();
