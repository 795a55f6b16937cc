// Hangul composition for the 두벌식 keyboard: jamo typed one by one become syllables
// (ㄱ ㅣ ㅁ → 김), and Delete takes back one jamo at a time while a syllable is being
// composed (김 → 기 → ㄱ). The composition itself is es-hangul's (vendored, MIT).
import { assemble, removeLastCharacter } from "../../vendor/es-hangul-2.4.0/es-hangul.mjs";

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;

export function isJamo(text) { return /^[\u3131-\u318e]$/.test(text); }

// The text before the caret after typing `jamo`. While composing, the jamo joins the
// syllable just before it (and may take that syllable's final consonant: 김 + ㅣ → 기미).
export function typeJamo(before, jamo, composing) {
  const chars = Array.from(before);
  const last = chars[chars.length - 1];
  if (!composing || !last || !HANGUL.test(last)) { return before + jamo; }
  return chars.slice(0, -1).join("") + assemble([last, jamo]);
}

// The text before the caret after Delete: one jamo off a syllable being composed,
// otherwise one whole character.
export function deleteBack(before, composing) {
  const chars = Array.from(before);
  const last = chars.pop();
  if (last === undefined) { return before; }
  if (composing && HANGUL.test(last)) { return chars.join("") + removeLastCharacter(last); }
  return chars.join("");
}
