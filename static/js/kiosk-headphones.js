// Private speech on headphones (EN 301 549 5.1.3, Section 508 402.2). When headphones
// are plugged in, read aloud turns on by itself and the next screen says so; when they
// are pulled out, speech stops at once and read aloud turns off (the resident can no
// longer hear it privately), with a notice on screen. The server keeps the state
// (kiosk/headphones.py); this script only tells it what the browser saw.
//
// How headphones are recognised, from the browser's list of audio outputs
// (navigator.mediaDevices.enumerateDevices(), entries of kind "audiooutput"):
//   1. an output named like headphones (HEADPHONE_NAME) appears or disappears;
//   2. the default output (Chromium's "default" entry) changes to or from such a name;
//   3. an output of any name appears beside the ones there were (the built-in speaker),
//      or one of several disappears.
// Limits: the browser sees audio devices, not jacks. A jack that the operating system
// shows as a port of the built-in sound card (not as a device of its own) is invisible
// here; a USB or Bluetooth speaker is taken for headphones by rule 3; without permission
// to name devices (Chromium hides names and ids until the page may use a microphone)
// rules 1 and 2 cannot work and rule 3 sees at most one output. /tmp/docs/ears.md and
// the README say what the kiosk's operating system must provide.
(function () {
  "use strict";

  var HEADPHONE_NAME = /headphone|headset|earphone|earbud|耳机|耳麦|이어폰|헤드폰|헤드셋/i;
  // Chromium's entries that stand for another device rather than being one.
  var ALIASES = ["default", "communications"];

  function audioOutputs(devices) {
    return (devices || []).filter(function (device) { return device && device.kind === "audiooutput"; });
  }

  function isHeadphones(device) { return HEADPHONE_NAME.test((device && device.label) || ""); }

  function realOutputs(devices) {
    return audioOutputs(devices).filter(function (device) { return ALIASES.indexOf(device.deviceId) === -1; });
  }

  function defaultOutput(devices) {
    return audioOutputs(devices).filter(function (device) { return device.deviceId === "default"; })[0];
  }

  // The outputs in `list` whose id is not in `other` (outputs with no id cannot be told apart).
  function missingFrom(list, other) {
    var ids = other.map(function (device) { return device.deviceId; });
    return list.filter(function (device) { return device.deviceId && ids.indexOf(device.deviceId) === -1; });
  }

  // Given the audio outputs before and now: "plugged", "unplugged" or "nothing".
  function decide(previous, current) {
    var before = realOutputs(previous);
    var after = realOutputs(current);
    var added = missingFrom(after, before);
    var removed = missingFrom(before, after);
    if (added.some(isHeadphones)) { return "plugged"; }
    if (removed.some(isHeadphones)) { return "unplugged"; }
    var defaultBefore = defaultOutput(previous);
    var defaultNow = defaultOutput(current);
    if (defaultBefore && defaultNow && isHeadphones(defaultBefore) !== isHeadphones(defaultNow)) {
      return isHeadphones(defaultNow) ? "plugged" : "unplugged";
    }
    // No names to go by: one more output than the speaker(s) there were, or one fewer.
    // From none, or to none, is the sound system starting or stopping, not a plug.
    if (before.length > 0 && after.length > before.length && added.length) { return "plugged"; }
    if (after.length > 0 && after.length < before.length && removed.length) { return "unplugged"; }
    return "nothing";
  }

  // What the kiosk keeps of an output (never anything about the resident).
  function snapshot(devices) {
    return audioOutputs(devices).map(function (device) {
      return { deviceId: device.deviceId || "", label: device.label || "", kind: "audiooutput" };
    });
  }

  window.KioskHeadphones = { decide: decide, isHeadphones: isHeadphones, snapshot: snapshot };

  // Speech stops at once, before the screen reloads: it may be coming out of the speaker.
  function silence() {
    var audio = document.getElementById("speech-audio");
    if (audio) {
      audio.muted = true;
      audio.pause();
      audio.dataset.state = "stopped";
    }
  }

  function watch() {
    var form = document.getElementById("headphones-switch");
    var devices = navigator.mediaDevices;
    if (!form || !devices || !devices.enumerateDevices) { return; }
    var headphonesIn = form.dataset.headphones === "in";
    var speechOn = document.documentElement.hasAttribute("data-speech-volume");
    var known = null;
    var switching = false;

    function press(change, outputs) {
      if (switching) { return; }
      switching = true;
      if (change === "unplugged") { silence(); }
      var button = form.querySelector('[data-headphones-change="' + change + '"]');
      var target = button.form;   // the page's draft form, when it has one
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "headphone_outputs";
      field.value = JSON.stringify(outputs);
      target.appendChild(field);
      if (change === "unplugged") {
        // The notice is all the resident gets now: the screen comes back at its top, where
        // it is, not at the field they were on (kiosk.js keepPlace adds #at-FIELD).
        target.addEventListener("submit", function () {
          var next = target.querySelector('input[name="next"]');
          if (next) { next.value = next.value.split("#")[0]; }
        });
      }
      target.requestSubmit(button);
    }

    function look() {
      devices.enumerateDevices().then(function (list) {
        var now = snapshot(list);
        if (known === null) {
          known = now;
          // Pulled out while this screen loaded? Compare with the outputs when they came in.
          var remembered = JSON.parse(form.dataset.outputs || "[]");
          if (headphonesIn && decide(remembered, now) === "unplugged") { press("unplugged", now); }
          return;
        }
        var change = decide(known, now);
        known = now;
        if (change === "plugged" && !(headphonesIn && speechOn)) { press("plugged", now); }
        if (change === "unplugged" && (headphonesIn || speechOn)) { press("unplugged", now); }
      }).catch(function () { /* no device list: read aloud stays as the resident set it */ });
    }

    devices.addEventListener("devicechange", look);
    // Chromium on Linux hears of new devices from udev; a sink that only the sound server
    // makes may fire no devicechange, so the list is also looked at now and then.
    window.setInterval(look, Number(form.dataset.pollMs) || 2000);
    look();
  }

  document.addEventListener("DOMContentLoaded", watch);
})();
