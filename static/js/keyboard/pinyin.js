// Pinyin composition: letters tapped go into a buffer shown in the candidate bar; the
// kiosk answers the characters and words they may spell (POST /input/pinyin), best
// first, a page at a time. Choosing one uses up the letters it spells and keeps the rest
// (liming → 李, then ming → 明).
export class PinyinComposer {
  constructor(url, csrf, onChange, onBusy) {
    this.onBusy = onBusy || (() => {});
    this.url = url;
    this.csrf = csrf;
    this.onChange = onChange;
    this.letters = "";
    this.page = 0;
    this.names = false;
    this.candidates = [];
    this.hasMore = false;
    this.asked = 0;          // answers to older questions are dropped
    this.failed = false;
  }

  type(letter) { this.letters += letter; this.page = 0; return this.refresh(); }

  back() { this.letters = this.letters.slice(0, -1); this.page = 0; return this.refresh(); }

  clear() { this.letters = ""; this.page = 0; this.candidates = []; this.hasMore = false; this.asked += 1; }

  // The text a chosen candidate puts into the field; its letters leave the buffer.
  choose(candidate) {
    this.letters = this.letters.slice(candidate.consumed).replace(/^'+/, "");
    this.page = 0;
    this.refresh();
    return candidate.text;
  }

  turn(step) {
    const page = this.page + step;
    if (page < 0 || (step > 0 && !this.hasMore)) { return Promise.resolve(); }
    this.page = page;
    return this.refresh();
  }

  refresh() {
    const asked = ++this.asked;
    if (!this.letters) { this.candidates = []; this.hasMore = false; this.onBusy(false); this.onChange(); return Promise.resolve(); }
    this.onBusy(true);
    return fetch(this.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
      body: JSON.stringify({ letters: this.letters, page: this.page, names: this.names }),
    }).then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((answer) => {
        if (asked !== this.asked) { return; }
        this.onBusy(false);
        this.failed = false;
        this.candidates = answer.candidates;
        this.hasMore = answer.has_more;
        this.onChange();
      })
      .catch(() => {
        if (asked !== this.asked) { return; }
        this.onBusy(false);
        this.failed = true;
        this.candidates = [];
        this.hasMore = false;
        this.onChange();
      });
  }
}
