// Residents calling a clerk, on every clerk's page: every few seconds the list is fetched
// again (calls.json) and swapped in, without reloading; a new call is announced in a polite
// live region. The list's buttons are plain forms, which also work without this script.
(function () {
  "use strict";
  var EVERY_MS = 4000;

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector("[data-calls-poll]");
    if (!panel) { return; }
    var list = panel.querySelector("[data-calls-list]");
    var announce = panel.querySelector("[data-calls-announce]");
    var known = (list.dataset.callIds || "").split(" ").filter(Boolean);

    function poll() {
      fetch(panel.dataset.callsPoll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer) { return; }
          // Leave the list alone while a clerk is about to tap one of its buttons.
          if (!list.contains(document.activeElement) || document.activeElement === document.body) {
            list.innerHTML = answer.html;
            list.dataset.callIds = answer.ids.join(" ");
          }
          var added = answer.ids.filter(function (id) { return known.indexOf(id) < 0; });
          if (added.length) {
            announce.textContent = added.map(function (id) { return answer.announce[id]; }).join(" ");
          }
          known = answer.ids;
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { setTimeout(poll, EVERY_MS); });
    }
    setTimeout(poll, EVERY_MS);
  });
})();
