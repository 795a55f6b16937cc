// The recording studio: camera preview, record / stop / review / save / discard with
// MediaRecorder. Without a camera (or JavaScript) the upload form below still works.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-recorder]");
    if (!section || !window.MediaRecorder || !navigator.mediaDevices) { return; }
    section.hidden = false;
    var preview = section.querySelector("[data-recorder-preview]");
    var status = section.querySelector("[data-recorder-status]");
    var buttons = {};
    section.querySelectorAll("[data-recorder-action]").forEach(function (button) {
      buttons[button.dataset.recorderAction] = button;
    });
    var stream = null, recorder = null, chunks = [], clip = null, limit = null;

    function enable(names) {
      Object.keys(buttons).forEach(function (name) { buttons[name].disabled = names.indexOf(name) < 0; });
    }

    buttons.record.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: true, audio: false }).then(function (camera) {
        stream = camera;
        preview.srcObject = stream;
        preview.controls = false;
        preview.play();
        chunks = [];
        // VP8 plays everywhere and the studio accepts it; a Chromium with hardware H.264
        // might otherwise pick H.264 in WebM, which the studio refuses.
        var type = MediaRecorder.isTypeSupported("video/webm;codecs=vp8") ? "video/webm;codecs=vp8" : "video/webm";
        recorder = new MediaRecorder(stream, { mimeType: type });
        recorder.ondataavailable = function (event) { if (event.data.size) { chunks.push(event.data); } };
        recorder.onstop = function () {
          document.dispatchEvent(new CustomEvent("kiosk:idle"));
          stream.getTracks().forEach(function (track) { track.stop(); });
          clip = new Blob(chunks, { type: "video/webm" });
          preview.srcObject = null;
          preview.src = URL.createObjectURL(clip);
          preview.controls = true;     // review before saving
          enable(["record", "save", "discard"]);
        };
        recorder.start(250);
        // No "Are you still there?" over the camera while the interpreter signs.
        document.dispatchEvent(new CustomEvent("kiosk:busy"));
        enable(["stop"]);
        limit = setTimeout(function () { if (recorder.state === "recording") { recorder.stop(); } },
                           Number(section.dataset.maxSeconds) * 1000);
      }).catch(function () { status.textContent = section.dataset.textNoCamera; });
    });

    buttons.stop.addEventListener("click", function () {
      clearTimeout(limit);
      if (recorder && recorder.state === "recording") { recorder.stop(); }
    });

    buttons.discard.addEventListener("click", function () {
      clip = null;
      preview.removeAttribute("src");
      preview.load();
      enable(["record"]);
    });

    buttons.save.addEventListener("click", function () {
      var body = new FormData();
      body.append("csrf_token", document.querySelector('input[name="csrf_token"]').value);
      body.append("clip", clip, "recording.webm");
      enable([]);
      fetch(section.dataset.saveUrl, { method: "POST", body: body, credentials: "same-origin",
                                       headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          status.textContent = answer.error ? answer.message : section.dataset.textSaved;
          enable(answer.error ? ["record", "save", "discard"] : ["record"]);
        });
    });
  });
})();
