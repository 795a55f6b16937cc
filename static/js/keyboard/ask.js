// Ask the kiosk for candidates (POST /input/NAME with a JSON body) and pass the answer on
// only if no newer question was asked meanwhile: a resident taps faster than answers come.
export class Asker {
  constructor(url, csrf, onBusy) {
    this.url = url;
    this.csrf = csrf;
    this.onBusy = onBusy || (() => {});
    this.asked = 0;
  }

  // Forget any question in flight (its answer will be dropped).
  drop() { this.asked += 1; this.onBusy(false); }

  ask(body, onAnswer, onFailure) {
    const asked = ++this.asked;
    this.onBusy(true);
    return fetch(this.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
      body: JSON.stringify(body),
    }).then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((answer) => { if (asked === this.asked) { this.onBusy(false); onAnswer(answer); } })
      .catch(() => { if (asked === this.asked) { this.onBusy(false); onFailure(); } });
  }
}
