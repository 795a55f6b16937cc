// The kiosk's own on-screen keyboard. A kiosk has no physical keyboard (and a tablet's
// system keyboard would not know pinyin, handwriting or the screen's language), so
// whenever a field with data-keyboard gets focus, this keyboard slides up, docked at the
// bottom, with the layout that field needs, and the page scrolls the field into view
// above it. Keys are real buttons named by what they type or do; they never take the
// focus from the field, so the caret stays where the resident is typing. A physical
// keyboard, if one is plugged in, still types as usual.
import { fieldLayout, textLayout } from "./keyboard/layouts.js";
import { deleteBack, isJamo, typeJamo } from "./keyboard/hangul.js";
import { PinyinComposer } from "./keyboard/pinyin.js";
import { HandwritingPad } from "./keyboard/handwriting.js";
import { enhanceDatePickers } from "./keyboard/date-picker.js";

const FREE_TEXT = new Set(["name", "text", "search"]);
const SPELLED = new Set(["id", "phone", "digits", "number"]);

function start(root) {
  const texts = root.dataset;
  const language = texts.language;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const inputUrl = (method) => texts.inputUrl.replace("METHOD", method);
  const body = root.querySelector("[data-keyboard-body]");
  const bar = root.querySelector("[data-keyboard-candidates]");
  const speaking = () => document.documentElement.hasAttribute("data-speech-volume");

  let field = null;          // the field being typed into
  let textLayoutName = texts.layout;
  // The layout a kind of field starts with: the language's own for names and texts;
  // letters for the service search in Chinese (pinyin initials, yyzz, are typed as letters).
  function startLayout(kind) {
    return kind === "search" && texts.layout === "pinyin" ? "letters" : texts.layout;
  }
  let shifted = false;
  let composing = false;     // a Hangul syllable is being built
  let padCandidates = [];
  let padFailed = false;
  // While the kiosk works out candidates, the bar says so (aria-busy): the choices
  // shown may still change.
  const busy = (waiting) => bar.setAttribute("aria-busy", String(waiting));
  const pinyin = new PinyinComposer(inputUrl("pinyin"), csrf, renderCandidates, busy);
  const pad = new HandwritingPad({ pad: texts.textPad, undoStroke: texts.textUndoStroke,
                                   clearPad: texts.textClearPad },
                                 inputUrl("handwriting"), csrf, (candidates, failed) => {
                                   padCandidates = candidates;
                                   padFailed = failed;
                                   renderCandidates();
                                 }, busy);

  // Which layout, and whether letters go through pinyin or Hangul composition.
  function mode() {
    const kind = field.dataset.keyboard;
    return FREE_TEXT.has(kind) ? textLayoutName : "direct";
  }

  function idType() {
    const source = field.dataset.idTypeField;
    const chosen = source && field.form &&
      field.form.querySelector(`input[name="${CSS.escape(source)}"]:checked`);
    return chosen ? chosen.value : field.dataset.idType;
  }

  function rows() {
    return fieldLayout(field.dataset.keyboard, idType()) || textLayout(textLayoutName, language, shifted);
  }

  // Keys.

  const ACTION_NAMES = {
    delete: () => texts.textDelete, clear: () => texts.textClear, space: () => texts.textSpace,
    next: () => texts.textNext, done: () => texts.textDone, shift: () => texts.textShift,
    "layout:pinyin": () => texts.textPinyin, "layout:handwriting": () => texts.textHandwriting,
    // The same on every keyboard in the world: not words to translate (their spoken
    // names, "English letters" and "Numbers and symbols", are).
    "layout:letters": () => "ABC", "layout:symbols": () => "123",
    "layout:hangul": () => texts.textHangul,
  };
  const ACTION_SYMBOLS = { delete: "⌫", shift: "⇧" };
  const LAYOUT_DESCRIPTIONS = { "layout:letters": "nameLetters", "layout:symbols": "nameSymbols" };

  function keyButton(key) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "touch-key";
    if (typeof key === "string" || key.text) {
      const text = typeof key === "string" ? key : key.text;
      button.dataset.text = text;
      button.textContent = typeof key === "string" ? key : key.label;
      if (/^[\u4e00-\u9fff，。、（）]$/.test(text)) { button.lang = "zh-Hans"; }
      if (isJamo(text)) { button.lang = "ko"; }
      return button;
    }
    const name = ACTION_NAMES[key.action]();
    button.dataset.action = key.action;
    button.classList.add("touch-key--function");
    if (key.size) { button.classList.add("touch-key--" + key.size); }
    if (ACTION_SYMBOLS[key.action]) {
      button.innerHTML = '<span aria-hidden="true"></span> <span></span>';
      button.firstChild.textContent = ACTION_SYMBOLS[key.action];
      button.lastChild.textContent = name;
    } else {
      button.textContent = name;
    }
    const description = LAYOUT_DESCRIPTIONS[key.action];
    if (description) {
      button.setAttribute("aria-label", texts.textKeyMeaning.replace("%(key)s", name)
                                                           .replace("%(meaning)s", texts[description]));
    }
    if (key.action === "shift") { button.setAttribute("aria-pressed", String(shifted)); }
    return button;
  }

  // Which key has the focus (a switch or Tab user), to give it back after a rebuild.
  function focusedKey() {
    const key = document.activeElement;
    if (!key || !root.contains(key)) { return null; }
    return key.dataset.action || key.dataset.text || key.dataset.candidate || key.dataset.page;
  }

  function refocus(name) {
    if (name === null) { return; }
    const key = [...root.querySelectorAll("button")].find((button) => !button.disabled &&
      (button.dataset.action || button.dataset.text || button.dataset.candidate ||
       button.dataset.page) === name);
    (key || root.querySelector(".touch-key:not(:disabled)") || field).focus();
  }

  function render() {
    const had = focusedKey();
    body.textContent = "";
    body.dataset.layout = mode() === "direct" ? field.dataset.keyboard : textLayoutName;
    if (mode() === "handwriting") { body.append(pad.element); }
    rows().forEach((row) => {
      const line = document.createElement("div");
      line.className = "touch-keyboard__row";
      row.forEach((key) => line.append(keyButton(key)));
      body.append(line);
    });
    renderCandidates();
    if (mode() === "handwriting") { requestAnimationFrame(() => pad.fit()); }
    refocus(had);
  }

  // The candidate bar: pinyin typed so far and its characters, or the pad's guesses.

  function candidateButton(text, onChoose) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "touch-key touch-key--candidate";
    button.lang = "zh-Hans";
    button.textContent = text;
    button.dataset.candidate = text;
    button.addEventListener("click", () => { onChoose(); say(text); });
    return button;
  }

  function pageButton(name, symbol, step, enabled) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "touch-key touch-key--function touch-key--page";
    button.setAttribute("aria-label", name);
    button.textContent = symbol;
    button.dataset.page = String(step);
    button.disabled = !enabled;
    button.addEventListener("click", () => pinyin.turn(step));
    return button;
  }

  // One live status line, changed in place (a newly inserted live region is not read
  // out), and the letters typed so far beside it.
  const typed = document.createElement("p");
  typed.className = "touch-keyboard__typed";
  const status = document.createElement("p");
  status.className = "touch-keyboard__status";
  status.setAttribute("role", "status");
  const choices = document.createElement("div");
  choices.className = "touch-keyboard__choices";
  choices.setAttribute("role", "group");
  choices.setAttribute("aria-label", texts.textCandidates);
  bar.append(typed, status, choices);

  function renderCandidates() {
    if (!field) { return; }
    const had = root.contains(document.activeElement) && bar.contains(document.activeElement)
      ? focusedKey() : null;
    const writing = mode() === "handwriting";
    const typing = mode() === "pinyin" && pinyin.letters;
    bar.hidden = !(writing || typing);
    choices.textContent = "";
    if (bar.hidden) { status.textContent = ""; updateHeight(); return; }
    typed.hidden = !typing;
    typed.textContent = typing ? pinyin.letters : "";
    typed.setAttribute("aria-label", texts.textTyped.replace("%(letters)s", pinyin.letters));
    if (typing) {
      status.textContent = !pinyin.candidates.length && !pinyin.failed && !pinyin.busy
        ? texts.textNoMatch : "";
      choices.append(pageButton(texts.textPreviousCandidates, "‹", -1, pinyin.page > 0));
      pinyin.candidates.forEach((candidate) => choices.append(
        candidateButton(candidate.text, () => insert(pinyin.choose(candidate)))));
      choices.append(pageButton(texts.textMoreCandidates, "›", 1, pinyin.hasMore));
    } else {
      status.textContent = padFailed ? texts.textNoHandwriting : texts.textCandidates;
      padCandidates.forEach((text) => choices.append(
        candidateButton(text, () => { insert(text); pad.clear(); })));
    }
    updateHeight();
    refocus(had);
  }

  // Typing into the field.

  function room(adding, removing) {
    const max = field.maxLength > 0 ? field.maxLength : Infinity;
    return field.value.length - removing + adding <= max;
  }

  function changed() { field.dispatchEvent(new Event("input", { bubbles: true })); }

  function insert(text) {
    const start = field.selectionStart, end = field.selectionEnd;
    if (!room(text.length, end - start)) { return; }
    field.setRangeText(text, start, end, "end");
    composing = false;
    changed();
  }

  function replaceBefore(makeBefore) {
    const start = field.selectionStart, end = field.selectionEnd;
    const before = makeBefore(field.value.slice(0, start), start === end);
    const value = before + field.value.slice(end);
    if (value.length > field.value.length && !room(value.length - field.value.length, 0)) { return; }
    field.value = value;
    field.setSelectionRange(before.length, before.length);
    changed();
  }

  function typeText(text) {
    if (mode() === "pinyin" && /^[a-z']$/.test(text)) {
      // In a name: surnames first for its first character (李 before 里 for "li"), then
      // the characters given names use most (伟 before 魏 for "wei").
      const name = field.dataset.keyboard === "name";
      pinyin.names = name && (field.value.slice(0, field.selectionStart).trim() ? "given" : true);
      pinyin.type(text);
      return;
    }
    if (mode() === "hangul" && isJamo(text)) {
      replaceBefore((before, caret) => typeJamo(before, text, composing && caret));
      composing = true;
    } else {
      insert(text);
    }
    if (shifted) { shifted = false; render(); }
  }

  function deleteOne() {
    if (mode() === "pinyin" && pinyin.letters) { pinyin.back(); return; }
    if (field.selectionStart !== field.selectionEnd) { insert(""); return; }
    replaceBefore((before, caret) => deleteBack(before, composing && caret && mode() === "hangul"));
  }

  // Letters still composing when the resident moves on become the first candidate, as
  // the space bar does; with no candidate they are dropped (the bar said "nothing matches").
  function commitPinyin() {
    if (mode() === "pinyin" && pinyin.letters && pinyin.candidates.length && !pinyin.busy) {
      insert(pinyin.choose(pinyin.candidates[0]));
    }
    pinyin.clear();
  }

  function act(action) {
    if (action === "delete") { deleteOne(); }
    else if (action === "clear") { field.value = ""; pinyin.clear(); composing = false; changed(); renderCandidates(); }
    else if (action === "space") {
      if (mode() === "pinyin" && pinyin.letters && pinyin.candidates.length && !pinyin.busy) {
        insert(pinyin.choose(pinyin.candidates[0]));
      } else { insert(" "); }
    }
    else if (action === "shift") { shifted = !shifted; render(); }
    else if (action === "next") { commitPinyin(); nextField(); }
    else if (action === "done") { commitPinyin(); close(true); keepFocus(); }
    else if (action.startsWith("layout:")) {
      commitPinyin();
      textLayoutName = action.slice(7);
      composing = false;
      shifted = false;
      pad.clear();
      render();
    }
  }

  let quietFocus = false;    // focusing the field without opening the keyboard again
  function keepFocus() {
    if (document.activeElement === field) { return; }
    quietFocus = true;
    field.focus();
    quietFocus = false;
  }

  function nextField() {
    const all = [...document.querySelectorAll("[data-keyboard]")].filter((each) => !each.disabled);
    const next = all[all.indexOf(field) + 1];
    if (next && next.form === field.form) { next.focus(); return; }
    close(true);
    const primary = document.querySelector("[data-primary-action]");
    if (primary) { primary.focus(); }
  }

  // Speech: with read aloud on, each key and candidate is said as it is tapped, and the
  // field is read back when the keyboard closes (never cached, never logged).
  function say(text, spell) {
    if (!speaking() || !text) { return; }
    const audio = document.getElementById("speech-audio");
    if (!audio) { return; }
    const form = new FormData();
    form.append("csrf_token", csrf);
    form.append("text", text);
    if (spell) { form.append("spell", "yes"); }
    fetch(texts.echoUrl, { method: "POST", body: form, credentials: "same-origin" })
      .then((response) => (response.ok ? response.blob() : Promise.reject(response.status)))
      .then((blob) => { audio.src = URL.createObjectURL(blob); return audio.play(); })
      .catch(() => {});
  }

  // Opening, closing and keeping the field in view.

  // The keyboard's height changes with its layout and the candidate bar: the page keeps
  // room for it, and the field stays in view above it.
  function updateHeight() {
    const height = root.hidden ? 0 : root.offsetHeight;
    document.documentElement.style.setProperty("--keyboard-height", height + "px");
    if (height) { scrollSoon(); }
  }

  // Never scroll while a finger is still down: the tap would end on whatever scrolled
  // under it (the page, not the field), and the keyboard would close again.
  let fingerDown = false;
  let scrollWaiting = false;
  function scrollSoon() {
    if (fingerDown) { scrollWaiting = true; } else { requestAnimationFrame(keepInView); }
  }
  document.addEventListener("pointerdown", () => { fingerDown = true; }, true);
  ["pointerup", "pointercancel"].forEach((name) => document.addEventListener(name, () => {
    fingerDown = false;
    if (scrollWaiting) { scrollWaiting = false; setTimeout(() => requestAnimationFrame(keepInView), 0); }
  }, true));

  function keepInView() {
    if (!field || root.hidden) { return; }
    // From its layout height, not its box: the box is still sliding up (transform).
    // (offsetHeight is before zoom mode's 200%; boxes and innerHeight are on the screen.)
    const keyboardTop = window.innerHeight - root.offsetHeight * (root.currentCSSZoom || 1);
    // The field goes below the top bar and, in portrait, the signer window stuck under it
    // (beside the content in landscape, where it covers no field).
    let ceiling = [...document.querySelectorAll(".top-dock, [data-signer]")]
      .filter((dock) => getComputedStyle(dock).position === "sticky")
      .reduce((lowest, dock) => Math.max(lowest, dock.getBoundingClientRect().bottom), 0);
    // In wheelchair mode the page stands still and only its controls scroll, above the keyboard.
    const scroller = field.closest("[data-reach-controls]");
    if (scroller) { ceiling = Math.max(ceiling, scroller.getBoundingClientRect().top); }
    const box = (field.closest(".field, .date-part") || field).getBoundingClientRect();
    const input = field.getBoundingClientRect();
    if (input.bottom > keyboardTop - 12) {
      (scroller || window).scrollBy(0, Math.min(box.bottom, input.bottom + (keyboardTop - ceiling) / 2) - keyboardTop + 12);
    } else if (box.top < ceiling + 8) {
      (scroller || window).scrollBy(0, Math.max(box.top, input.bottom - (keyboardTop - ceiling)) - ceiling - 8);
    }
  }

  function open(target) {
    if (field !== target) {
      pinyin.clear();
      composing = false;
      shifted = false;
      if (!field || field.dataset.keyboard !== target.dataset.keyboard) {
        textLayoutName = startLayout(target.dataset.keyboard);
      }
      // Right after the field in the page's order (it is drawn docked at the bottom all the
      // same), so Tab or a switch goes from the field straight to its keys and back.
      target.after(root);
    }
    field = target;
    if (field.dataset.datePart !== undefined || field.closest("[data-date-part]")) { field.select(); }
    root.hidden = false;
    document.body.classList.add("keyboard-open");
    render();
    updateHeight();
  }

  function close(readBack) {
    if (root.hidden) { return; }
    root.hidden = true;
    document.body.classList.remove("keyboard-open");
    pinyin.clear();
    composing = false;
    updateHeight();
    if (readBack && field && field.value) { say(field.value, SPELLED.has(field.dataset.keyboard)); }
  }

  // Events.

  document.querySelectorAll("[data-keyboard]").forEach((input) => {
    input.setAttribute("inputmode", "none");   // no tablet system keyboard on top of ours
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-keyboard]")) { if (!quietFocus) { open(event.target); } }
    else if (!root.contains(event.target)) { close(false); }
  });
  document.addEventListener("pointerdown", (event) => {
    const target = event.target.closest("[data-keyboard]");
    if (target) { composing = false; if (root.hidden && target === document.activeElement) { open(target); } }
  });
  document.addEventListener("keydown", (event) => {
    if (!event.target.matches("[data-keyboard]")) { return; }
    // A physical keyboard: its own keys end any composition; Enter means "next field"
    // (the form's first submit button might be a language switch in the top bar).
    composing = false;
    if (event.key === "Enter" && event.target.tagName !== "TEXTAREA") {
      event.preventDefault();
      nextField();
    }
  });
  // Keys keep the focus in the field (a tap on a key is not a tap away from the field).
  root.addEventListener("pointerdown", (event) => {
    if (event.target.closest("button") || event.target === root || event.target.closest("[data-keyboard-body], [data-keyboard-candidates]")) {
      event.preventDefault();
    }
  });
  // What a key is called: its aria-label, else the words beside its symbol, else its text.
  function keyName(key) {
    return key.getAttribute("aria-label") || (key.lastElementChild || key).textContent.trim();
  }
  root.addEventListener("click", (event) => {
    const key = event.target.closest(".touch-key[data-text], .touch-key[data-action]");
    if (!key || !field) { return; }
    const name = keyName(key);
    if (key.dataset.text !== undefined) { typeText(key.dataset.text); say(name); }
    else { act(key.dataset.action); if (key.dataset.action !== "done") { say(name); } }
    // A key tapped with a switch or the Tab key took the focus: give it back to the field.
    if (!root.hidden && document.activeElement !== field && !root.contains(document.activeElement)) {
      field.focus();
    }
  });
  window.addEventListener("resize", updateHeight);
}

enhanceDatePickers();
const root = document.querySelector("[data-touch-keyboard]");
if (root) { start(root); }
