// The kiosk's date picker: each part of a date (year, month, day) gets a large "one
// less" and "one more" button beside it; tapping the part itself opens the digit keypad
// (a birth year is four taps away, not sixty). The server checks the date as before.
function step(input, change) {
  const min = Number(input.dataset.min), max = Number(input.dataset.max);
  const part = input.closest("[data-date-part]").dataset.datePart;
  let value = parseInt(input.value, 10);
  if (Number.isNaN(value)) {
    // An empty part starts from today's year, or from the first month or day.
    value = part === "year" ? Math.min(Math.max(new Date().getFullYear(), min), max) : min;
  } else if (part === "year") {
    value = Math.min(Math.max(value + change, min), max);
  } else {
    value = ((value - min + change + (max - min + 1)) % (max - min + 1)) + min;   // 12 → 1
  }
  input.value = String(value);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

function stepper(input, name, symbol, change) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary date-part__step";
  button.setAttribute("aria-label", name);
  button.textContent = symbol;
  button.addEventListener("click", () => step(input, change));
  return button;
}

export function enhanceDatePickers(root = document) {
  root.querySelectorAll("[data-date-picker]").forEach((picker) => {
    picker.querySelectorAll("[data-date-part]").forEach((part) => {
      const input = part.querySelector("input");
      const name = part.dataset.datePart[0].toUpperCase() + part.dataset.datePart.slice(1);
      input.before(stepper(input, picker.dataset["textLess" + name], "−", -1));
      input.after(stepper(input, picker.dataset["textMore" + name], "+", 1));
    });
  });
}
