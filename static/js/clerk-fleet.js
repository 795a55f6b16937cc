// The fleet page: every few seconds the table is fetched again (fleet.json) and swapped in,
// without reloading; a kiosk whose state changed is announced in a polite live region.
// Without this script the page shows the fleet as it was when it loaded.
(function () {
  "use strict";
  var EVERY_MS = 4000;

  function parseStates(text) {
    var states = {};
    (text || "").split(" ").filter(Boolean).forEach(function (pair) {
      var parts = pair.split("=");
      states[parts[0]] = parts[1];
    });
    return states;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var fleet = document.querySelector("[data-fleet-poll]");
    if (!fleet) { return; }
    var table = fleet.querySelector("[data-fleet-table]");
    var announce = fleet.querySelector("[data-fleet-announce]");
    var known = parseStates(table.dataset.fleetStates);

    function poll() {
      fetch(fleet.dataset.fleetPoll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer) { return; }
          // Keep the clerk's place: a focused table scroller would lose focus if replaced.
          if (!table.contains(document.activeElement)) {
            table.innerHTML = answer.html;
          }
          var changed = Object.keys(answer.states).filter(function (id) {
            return known[id] !== answer.states[id];
          });
          if (changed.length) {
            announce.textContent = changed.map(function (id) { return answer.announce[id]; }).join(" ");
          }
          known = answer.states;
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { setTimeout(poll, EVERY_MS); });
    }
    setTimeout(poll, EVERY_MS);
  });
})();
