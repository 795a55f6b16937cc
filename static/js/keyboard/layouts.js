// The on-screen keyboard's layouts: rows of keys, by name.
// A key is a string (it types itself) or an object {action, label?, size?}:
//   actions: delete, clear, space, next, done, shift, layout:NAME (switch layout),
//   typed text with {text, label} when the key shows something else than it types.
// Which layout a field gets is decided in kiosk-keyboard.js from the field's
// data-keyboard (name, text, id, phone, number, email, digits) and the screen
// language's profile (pinyin, qwerty, dubeolsik).

const DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
const QWERTY = [
  ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
  ["a", "s", "d", "f", "g", "h", "j", "k", "l"],
  ["z", "x", "c", "v", "b", "n", "m"],
];
// 두벌식: consonants on the left hand, vowels on the right; Shift gives the tense
// consonants and ㅒ ㅖ.
const DUBEOLSIK = [
  ["ㅂ", "ㅈ", "ㄷ", "ㄱ", "ㅅ", "ㅛ", "ㅕ", "ㅑ", "ㅐ", "ㅔ"],
  ["ㅁ", "ㄴ", "ㅇ", "ㄹ", "ㅎ", "ㅗ", "ㅓ", "ㅏ", "ㅣ"],
  ["ㅋ", "ㅌ", "ㅊ", "ㅍ", "ㅠ", "ㅜ", "ㅡ"],
];
const DUBEOLSIK_SHIFTED = { "ㅂ": "ㅃ", "ㅈ": "ㅉ", "ㄷ": "ㄸ", "ㄱ": "ㄲ", "ㅅ": "ㅆ", "ㅐ": "ㅒ", "ㅔ": "ㅖ" };

const DELETE = { action: "delete", size: "wide" };
const SHIFT = { action: "shift", size: "wide" };
const SPACE = { action: "space", size: "space" };
const NEXT = { action: "next", size: "wide" };
const DONE = { action: "done", size: "wide" };
const CLEAR = { action: "clear" };

function upper(row) { return row.map((key) => key.toUpperCase()); }

// Free text: the switches row differs by screen language (中 / 한 / EN / 123).
function switches(language, current) {
  const names = { zh: ["pinyin", "handwriting", "letters", "symbols"],
                  ko: ["hangul", "letters", "symbols"],
                  en: ["letters", "symbols"] }[language] || ["letters", "symbols"];
  return names.filter((name) => name !== current).map((name) => ({ action: "layout:" + name }));
}

export function textLayout(name, language, shifted) {
  const bottom = [...switches(language, name), CLEAR, SPACE, NEXT, DONE];
  if (name === "hangul") {
    const rows = DUBEOLSIK.map((row) => row.map((key) => (shifted && DUBEOLSIK_SHIFTED[key]) || key));
    return [DIGITS, rows[0], rows[1], [SHIFT, ...rows[2], DELETE], bottom];
  }
  if (name === "pinyin") {
    // Letters type pinyin into the candidate bar, not into the field.
    return [DIGITS, QWERTY[0], QWERTY[1], [...QWERTY[2], { text: "'", label: "'" }, DELETE], bottom];
  }
  if (name === "symbols") {
    const chinese = language === "zh" ? ["，", "。", "、", "（", "）"] : [",", ".", "(", ")", "!"];
    return [DIGITS, ["-", "/", "#", "@", "&", "'", "\"", ":", ";", "?"],
            [...chinese, "+", "*", "_", "·", DELETE], bottom];
  }
  if (name === "handwriting") {
    return [bottom];   // the pad and its own buttons are drawn by handwriting.js
  }
  const letters = shifted ? QWERTY.map(upper) : QWERTY;
  return [DIGITS, letters[0], letters[1], [SHIFT, ...letters[2], DELETE], bottom];
}

// Fields that take only some characters get only those keys.
export function fieldLayout(kind, idType) {
  const keypad = (extra) => [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"],
                             [extra || CLEAR, "0", DELETE], extra ? [CLEAR, NEXT, DONE] : [NEXT, DONE]];
  if (kind === "digits" || kind === "number") { return keypad(); }
  if (kind === "phone") { return keypad("+"); }
  if (kind === "id" && (!idType || idType === "cn_resident")) { return keypad("X"); }
  if (kind === "id") {
    // Passports and permanent-resident cards: capital letters and digits.
    return [DIGITS, upper(QWERTY[0]), upper(QWERTY[1]), [...upper(QWERTY[2]), DELETE], [CLEAR, SPACE, NEXT, DONE]];
  }
  if (kind === "email") {
    return [DIGITS, QWERTY[0], QWERTY[1], [...QWERTY[2], DELETE],
            ["@", ".", "-", "_", { text: ".com", label: ".com" }], [CLEAR, NEXT, DONE]];
  }
  return null;   // free text: textLayout
}
