// Pinyin composition: letters tapped go into a buffer shown in the candidate bar; the
// kiosk answers the characters and words they may spell (POST /input/pinyin), best
// first, a page at a time. Choosing one uses up the letters it spells and keeps the rest
// (liming → 李, then ming → 明).
import { Asker } from "./ask.js";

export class PinyinComposer {
  constructor(url, csrf, onChange, onBusy) {
    this.busy = false;
    this.asker = new Asker(url, csrf, (waiting) => { this.busy = waiting; (onBusy || (() => {}))(waiting); });
    this.onChange = onChange;
    this.letters = "";
    this.page = 0;
    this.names = false;
    this.candidates = [];
    this.hasMore = false;
    this.failed = false;
  }

  // A new letter makes the shown candidates wrong at once: they go until the answer comes.
  type(letter) { this.letters += letter; return this.restart(); }

  back() { this.letters = this.letters.slice(0, -1); return this.restart(); }

  restart() {
    this.page = 0;
    this.candidates = [];
    this.hasMore = false;
    return this.refresh();
  }

  clear() { this.letters = ""; this.page = 0; this.candidates = []; this.hasMore = false; this.asker.drop(); }

  // The text a chosen candidate puts into the field; its letters leave the buffer.
  choose(candidate) {
    this.letters = this.letters.slice(candidate.consumed).replace(/^'+/, "");
    if (this.names) { this.names = "given"; }   // surnames first suits only the first character
    this.restart();
    return candidate.text;
  }

  turn(step) {
    const page = this.page + step;
    if (page < 0 || (step > 0 && !this.hasMore)) { return Promise.resolve(); }
    this.page = page;
    return this.refresh();
  }

  refresh() {
    if (!this.letters) {
      this.clear();
      this.onChange();
      return Promise.resolve();
    }
    return this.asker.ask({ letters: this.letters, page: this.page, names: this.names },
      (answer) => {
        this.failed = false;
        this.candidates = answer.candidates;
        this.hasMore = answer.has_more;
        this.onChange();
      },
      () => {
        this.failed = true;
        this.candidates = [];
        this.hasMore = false;
        this.onChange();
      });
  }
}
