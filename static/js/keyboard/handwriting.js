// The handwriting pad (手写): a resident writes one character with a finger; after each
// stroke the strokes go to the kiosk (POST /input/handwriting), which answers the
// characters they may be, best first. Coordinates are the pad's own pixels, y down.
import { Asker } from "./ask.js";

const MIN_STEP = 3;   // px between kept points: a finger's jitter is not a stroke

export class HandwritingPad {
  constructor(texts, url, csrf, onCandidates, onBusy) {
    this.asker = new Asker(url, csrf, onBusy);
    this.onCandidates = onCandidates;
    this.strokes = [];
    this.current = null;
    this.element = document.createElement("div");
    this.element.className = "handwriting";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "handwriting__pad";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", texts.pad);
    this.canvas.dataset.handwritingPad = "";
    const buttons = document.createElement("div");
    buttons.className = "handwriting__buttons";
    buttons.append(this.button(texts.undoStroke, "undo", "↶"), this.button(texts.clearPad, "clear", "✕"));
    this.element.append(this.canvas, buttons);
    this.listen();
  }

  button(name, action, symbol) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary touch-key";
    button.dataset.padAction = action;
    button.setAttribute("aria-label", name);
    button.innerHTML = '<span aria-hidden="true"></span> ';
    button.firstChild.textContent = symbol;
    button.append(name);
    button.addEventListener("click", () => (action === "undo" ? this.undo() : this.clear()));
    return button;
  }

  // The pad's size follows its CSS box; drawing is in device pixels for sharp lines.
  fit() {
    const box = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.round(box.width);
    this.height = Math.round(box.height);
    this.canvas.width = this.width * ratio;
    this.canvas.height = this.height * ratio;
    this.context = this.canvas.getContext("2d");
    this.context.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.draw();
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return [Math.round(event.clientX - box.left), Math.round(event.clientY - box.top)];
  }

  listen() {
    this.canvas.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      this.canvas.setPointerCapture(event.pointerId);
      this.current = [this.point(event)];
      this.draw();
    });
    this.canvas.addEventListener("pointermove", (event) => {
      if (!this.current) { return; }
      const point = this.point(event);
      const last = this.current[this.current.length - 1];
      if (Math.hypot(point[0] - last[0], point[1] - last[1]) >= MIN_STEP) {
        this.current.push(point);
        this.draw();
      }
    });
    const end = (event) => {
      if (!this.current) { return; }
      const point = this.point(event);
      const last = this.current[this.current.length - 1];
      if (point[0] !== last[0] || point[1] !== last[1]) { this.current.push(point); }
      this.strokes.push(this.current);
      this.current = null;
      this.draw();
      this.recognise();
    };
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
  }

  draw() {
    const context = this.context;
    if (!context) { return; }
    const { width, height } = this;
    const style = getComputedStyle(this.canvas);
    context.clearRect(0, 0, width, height);
    // A 米字格 guide, as children learn to write characters in.
    context.strokeStyle = style.getPropertyValue("--pad-guide") || "#c8ccd2";
    context.lineWidth = 1;
    context.setLineDash([6, 6]);
    context.beginPath();
    context.moveTo(width / 2, 0); context.lineTo(width / 2, height);
    context.moveTo(0, height / 2); context.lineTo(width, height / 2);
    context.moveTo(0, 0); context.lineTo(width, height);
    context.moveTo(width, 0); context.lineTo(0, height);
    context.stroke();
    context.setLineDash([]);
    context.strokeStyle = style.color;
    context.lineWidth = Math.max(5, width / 60);
    context.lineCap = "round";
    context.lineJoin = "round";
    for (const stroke of this.current ? [...this.strokes, this.current] : this.strokes) {
      context.beginPath();
      context.moveTo(stroke[0][0], stroke[0][1]);
      for (const [x, y] of stroke.slice(1)) { context.lineTo(x, y); }
      if (stroke.length === 1) { context.lineTo(stroke[0][0] + 0.1, stroke[0][1]); }
      context.stroke();
    }
  }

  recognise() {
    if (!this.strokes.length) { this.asker.drop(); this.onCandidates([], false); return Promise.resolve(); }
    return this.asker.ask({ width: this.width, height: this.height, strokes: this.strokes },
                          (answer) => this.onCandidates(answer.candidates, false),
                          () => this.onCandidates([], true));
  }

  undo() { this.strokes.pop(); this.draw(); this.recognise(); }

  clear() { this.strokes = []; this.current = null; this.asker.drop(); this.draw(); this.onCandidates([], false); }
}
