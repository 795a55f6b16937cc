// Sign language, when the resident has turned it on: the signer window's controls, and the
// clip of whatever is tapped (a package, a service, an error). With read aloud off, the
// first tap on a control shows its clip and the second chooses it; with read aloud on,
// kiosk-speech.js decides the taps and this window follows.
(function () {
  "use strict";
  var signer, video, card, caption, status, controls, track, nameLine;
  var armed = null;
  // A templated prompt plays its shared clip, then the name's own clip (`then`), if any.
  var current = null, then = null;

  // Without a clip the card shows the text itself, large, so the message still arrives.
  function show(info) {
    current = info;
    then = info.then || null;
    nameLine.textContent = info.name || "";
    nameLine.hidden = !info.name;
    video.textTracks[0].mode = "hidden";
    track.src = info.captions;
    if (info.video) {
      caption.textContent = info.text;
      status.textContent = info.status === "sample" ? signer.dataset.textSample : "";
      card.hidden = true;
      video.hidden = false;
      video.src = info.video;
      video.play().catch(function () {});
    } else {
      caption.textContent = "";
      status.textContent = signer.dataset.textMissing;
      card.textContent = info.text;
      video.pause();
      video.removeAttribute("src");
      video.hidden = true;
      card.hidden = false;
    }
    signer.dataset.key = info.key;
    signer.dataset.status = info.status;
  }

  function playThen() {
    if (!then) { return; }
    var next = then;
    then = null;
    video.textTracks[0].mode = "hidden";
    track.src = next.captions;
    video.src = next.video;
    video.play().catch(function () {});
  }

  function load(key) {
    var language = document.documentElement.lang === "zh-Hans" ? "zh" : document.documentElement.lang;
    fetch("/signs/" + language + "/" + encodeURIComponent(key) + ".json", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (info) { if (info) { show(info); } });
  }

  // The control being explained is marked on the screen, not only in the signer window.
  function arm(target) {
    disarm();
    armed = target;
    var mark = target.closest(".choice") || target;
    mark.classList.add("sign-explaining");
    mark.dataset.explaining = signer.dataset.textExplaining;
  }

  function disarm() {
    if (!armed) { return; }
    var mark = armed.closest(".choice") || armed;
    mark.classList.remove("sign-explaining");
    delete mark.dataset.explaining;
    armed = null;
  }

  function onClick(event) {
    var target = event.target.closest("[data-sign-key]");
    if (!target || event.target.closest("[data-signer]")) { return; }
    var control = target.matches("a[href], button, input");
    load(target.dataset.signKey);
    if (!control || document.documentElement.hasAttribute("data-speech-volume")) { return; }
    var choice = target.matches('input[type="radio"], input[type="checkbox"]');
    // A choice with no clip has nothing to explain: the first tap chooses it.
    if (choice && !target.hasAttribute("data-sign-clip")) { disarm(); return; }
    if (event.detail === 0 || armed === target) { disarm(); return; }
    event.preventDefault();   // first tap: watch the clip; second tap: choose
    arm(target);
  }

  document.addEventListener("DOMContentLoaded", function () {
    signer = document.querySelector("[data-signer]");
    if (!signer) { return; }
    video = signer.querySelector("[data-signer-video]");
    card = signer.querySelector("[data-signer-card]");
    caption = signer.querySelector("[data-signer-caption]");
    status = signer.querySelector("[data-signer-status]");
    controls = signer.querySelector("[data-signer-controls]");
    track = video.querySelector("track");
    nameLine = signer.querySelector("[data-signer-name]");
    // The screen's own clip is already playing; only its sequence is remembered.
    current = signer.dataset.clip ? JSON.parse(signer.dataset.clip) : null;
    then = current && current.then;
    video.addEventListener("ended", playThen);
    controls.hidden = false;
    // Captions go under the video, cue by cue, rather than over the signing hands.
    video.textTracks[0].mode = "hidden";
    video.textTracks[0].addEventListener("cuechange", function () {
      var cue = this.activeCues && this.activeCues[0];
      if (cue && !video.hidden) { caption.textContent = cue.text; }   // no clip: the card has it
    });
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.dataset.signerSpeed) {
        video.playbackRate = Number(button.dataset.signerSpeed);
        controls.querySelectorAll("[data-signer-speed]").forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
      } else if (button.dataset.signerAction === "replay" && current && current.then) {
        show(current);       // the shared clip and the name's clip again, from the start
      } else if (button.dataset.signerAction === "replay") {
        video.currentTime = 0;
        video.play().catch(function () {});
      } else if (button.dataset.signerAction === "pause") {
        if (video.paused) { video.play().catch(function () {}); } else { video.pause(); }
      } else if (button.dataset.signerAction === "captions") {
        caption.hidden = !caption.hidden;
        button.setAttribute("aria-pressed", String(!caption.hidden));
      } else if (button.dataset.signerAction === "size") {
        var larger = signer.classList.toggle("signer--large");
        button.setAttribute("aria-pressed", String(larger));
      }
    });
    document.addEventListener("click", onClick, true);
    // A page that changes by itself (a clerk is on the way) signs the change.
    document.addEventListener("kiosk:say", function (event) {
      if (event.detail && event.detail.signKey) { load(event.detail.signKey); }
    });
    // "Are you still there?" is signed in the dialog, which covers the signer window.
    document.addEventListener("kiosk:timeout-warning", function () {
      var clip = document.querySelector("[data-timeout-clip]");
      if (!clip) { return; }
      clip.currentTime = 0;
      clip.play().catch(function () {});
    });
  });
})();
