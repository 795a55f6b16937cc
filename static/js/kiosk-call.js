// "A clerk is coming": ask the kiosk every few seconds how the call stands. When it moves on
// (a clerk is on the way, the call is done or cancelled) the live region says so in words,
// read aloud speaks it and the signer window signs it (kiosk:say). While the call waits,
// the idle warning does not start over the resident's session under them (kiosk:busy).
(function () {
  "use strict";
  var EVERY_MS = 3000;
  var WAITING = { open: true, on_my_way: true };

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.querySelector("[data-call-poll]");
    if (!status) { return; }
    var messages = document.querySelector("[data-call-messages]");
    var cancel = document.querySelector("[data-call-cancel]");
    var shown = status.dataset.state;
    var unreachable = false;
    document.dispatchEvent(new CustomEvent("kiosk:busy"));

    function say(name) {
      var message = messages.querySelector('[data-state="' + name + '"]');
      if (!message) { return; }
      status.textContent = message.textContent;
      document.dispatchEvent(new CustomEvent("kiosk:say", { detail: {
        urls: [message.dataset.speechUrl || ""], signKey: message.dataset.signKey || "" } }));
    }

    function poll() {
      fetch(status.dataset.callPoll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer) { return; }
          if (!answer.reachable) {
            if (!unreachable) { unreachable = true; say("unreachable"); }
          } else if (answer.state !== shown || unreachable) {
            unreachable = false;
            shown = answer.state;
            status.dataset.state = shown;
            say(shown);
          }
          if (WAITING[shown]) { setTimeout(poll, EVERY_MS); return; }
          if (cancel) { cancel.hidden = true; }
          document.dispatchEvent(new CustomEvent("kiosk:idle"));
        })
        .catch(function () { setTimeout(poll, EVERY_MS * 2); });
    }
    setTimeout(poll, EVERY_MS);
  });
})();
