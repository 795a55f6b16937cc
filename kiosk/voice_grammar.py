"""What can be said on a screen, and what a recognised utterance means.

The grammar of a screen is built from the prompt keys of the controls on it (package
titles and their aliases from the catalogue, button labels from the translations) plus
the global commands, in the screen's language. No Flask here.
"""
import difflib
import re
import unicodedata
from dataclasses import dataclass

from .messages import ID_TYPE_LABELS, MODE_LABELS, N_, translator
from .prompts import ANNOUNCEMENTS, CONTROLS
from .ratings import LEVEL_LABELS, REASON_LABELS

# Global commands; a translation may list several ways to say one, separated by "|".
COMMANDS = {
    "back": N_("back|go back"),
    "start_over": N_("start over"),
    "call_clerk": N_("call a clerk|call staff|I need a clerk"),
    "repeat": N_("repeat|say again"),
    "help": N_("help|what can I say"),
    "continue": N_("next|continue"),
    "yes": N_("yes|yes please"),
    "no": N_("no|no thanks"),
}
# Digits for dictating phone and ID numbers; X is the check character of resident IDs.
DIGIT_WORDS = {
    "0": N_("zero|oh"), "1": N_("one"), "2": N_("two"), "3": N_("three"), "4": N_("four"),
    "5": N_("five"), "6": N_("six"), "7": N_("seven"), "8": N_("eight"), "9": N_("nine"),
    "X": N_("x"),
}
# How close an utterance must sound to a phrase (0..1) to be offered as "You said: ...?".
CLOSE_ENOUGH = 0.8
# Everyday words added to a grammar when the model has no "[unk]" for speech outside it
# (the Korean model): without them the recogniser forces any sound onto a command, with
# them a stray sentence lands on these words and is refused. Measured in bench/voice.py.
DISTRACTORS = {
    "ko": ["그", "음", "어", "아", "저", "오늘", "날씨", "사과", "학교", "바나나", "좋아요",
           "있어요", "없어요", "여기", "거기", "이거", "뭐", "왜", "언제", "어디", "전화",
           "번호", "우리", "사람", "시간", "집", "물", "밥", "돈", "나", "너"],
}


SUGGESTIONS_PER_PAGE = 6   # what a resident can take in at once, said or shown


@dataclass(frozen=True)
class Intent:
    """What an utterance asks for: a control by prompt key, a command, or digits."""
    key: str | None = None
    command: str | None = None
    digits: str | None = None


@dataclass(frozen=True)
class Match:
    intent: Intent
    phrase: str
    exact: bool
    similarity: float


def tokens(text, language):
    """The words of `text` as the recogniser writes them: lower case, no punctuation;
    Chinese one character at a time (every character is in the model's vocabulary)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s']", " ", text)
    if language == "zh":
        return re.findall(r"[\u3400-\u9fff]|[^\s\u3400-\u9fff]+", text)
    return text.split()


def alternatives(words, message):
    return [choice.strip() for choice in words.gettext(message).split("|") if choice.strip()]


class Grammar:
    """Phrases the recogniser may hear on one screen, each with what it means."""

    def __init__(self, language, in_vocabulary=lambda word: True):
        self.language = language
        self.in_vocabulary = in_vocabulary
        self.entries = {}        # phrase (tokens joined by spaces) -> Intent
        self.distractors = set()  # words that mean "something else was said"
        self.shown = {}          # phrase -> the words as a resident would read them
        self.left_out = []       # phrases the model cannot hear (words it does not know)

    def add(self, text, intent):
        words = tokens(text, self.language)
        if not words:
            return
        phrase = " ".join(words)
        if not all(self.in_vocabulary(word) for word in words):
            self.left_out.append(text)
            return
        self.entries.setdefault(phrase, intent)
        self.shown.setdefault(phrase, text)

    def add_distractors(self, words):
        """Listen for everyday words too, so speech outside the grammar can be refused."""
        used = {word for phrase in self.entries for word in phrase.split()}
        self.distractors.update(word for word in words
                                if word not in used and self.in_vocabulary(word))

    def something_else(self, heard):
        """True when the recogniser landed on a distractor: the resident said something else."""
        return bool(self.distractors & set(tokens(heard, self.language)))

    def phrases(self):
        """The list Vosk's KaldiRecognizer takes as its grammar."""
        return sorted(self.entries) + sorted(self.distractors)

    def can_say(self):
        """What to tell a resident they can say here, in screen order."""
        return list(dict.fromkeys(self.shown.values()))

    def suggestions(self, page=0, per_page=SUGGESTIONS_PER_PAGE):
        """(phrases, more): one phrase per control or command, in screen order (the
        controls in view first, as the page sends them), `per_page` at a time; `more` is
        True when another page follows. A wall of every alias helps nobody."""
        first_per_intent = {}
        for phrase, intent in self.entries.items():
            first_per_intent.setdefault(intent, self.shown[phrase])
        phrases = list(dict.fromkeys(first_per_intent.values()))
        start = max(0, page) * per_page
        return phrases[start:start + per_page], start + per_page < len(phrases)

    def match(self, heard):
        """The phrase `heard` is, or the one it is close enough to, or None."""
        heard_phrase = " ".join(tokens(heard, self.language))
        if not heard_phrase or self.something_else(heard):
            return None
        if heard_phrase in self.entries:
            return Match(self.entries[heard_phrase], self.shown[heard_phrase], True, 1.0)
        squeezed = heard_phrase.replace(" ", "")
        best, best_score = None, 0.0
        for phrase in self.entries:
            score = difflib.SequenceMatcher(None, squeezed, phrase.replace(" ", "")).ratio()
            if score > best_score:
                best, best_score = phrase, score
        if best is None or best_score < CLOSE_ENOUGH:
            return None
        return Match(self.entries[best], self.shown[best], False, best_score)


@dataclass(frozen=True)
class Decision:
    """What to do with an utterance: "accept" (act), "confirm" (ask yes or no) or "reject"."""
    kind: str
    match: Match | None
    heard: object  # the kiosk.voice.Heard decided on (perhaps trimmed)


def decide(grammar, heard, accept_confidence, reject_confidence, always_confirm=()):
    """Act only on an exact phrase heard with confidence; ask about near misses; else refuse."""
    match = grammar.match(heard.text)
    if (match is None or not match.exact) and not grammar.something_else(heard.text):
        # A breath or mumble around the words: try again without doubtful edge words.
        trimmed = heard.trimmed()
        trimmed_match = grammar.match(trimmed.text)
        if trimmed_match is not None and trimmed_match.exact:
            heard, match = trimmed, trimmed_match
    if match is None or (match.exact and heard.confidence < reject_confidence):
        return Decision("reject", None, heard)
    sure = match.exact and heard.confidence >= accept_confidence
    if sure and match.intent.key not in always_confirm:
        return Decision("accept", match, heard)
    return Decision("confirm", match, heard)


def command_words(language):
    """The words of the global commands in `language`, the usual way of saying each first
    ("yes", "next", "no", "back"...): a model for the language must know them."""
    words = translator(language)
    first = ("yes", "continue", "no", "back")
    said = [alternatives(words, COMMANDS[command])
            for command in [*first, *(command for command in COMMANDS if command not in first)]]
    usual = [word for choices in said for word in tokens(choices[0], language)]
    other = [word for choices in said for text in choices[1:] for word in tokens(text, language)]
    return list(dict.fromkeys(usual + other))


def screen_grammar(keys, language, catalogue, in_vocabulary=lambda word: True):
    """The grammar of a screen whose controls carry prompt `keys`, plus global commands."""
    grammar = Grammar(language, in_vocabulary)
    words = translator(language)
    for key in keys:
        for text in phrases_for(key, language, catalogue, words):
            grammar.add(text, Intent(key=key))
    for command, message in COMMANDS.items():
        for text in alternatives(words, message):
            grammar.add(text, Intent(command=command))
    return grammar


def yes_no_grammar(language, in_vocabulary=lambda word: True):
    """Only yes and no: the answer to "You said: ... Yes or no?"."""
    grammar = Grammar(language, in_vocabulary)
    words = translator(language)
    for command in ("yes", "no"):
        for text in alternatives(words, COMMANDS[command]):
            grammar.add(text, Intent(command=command))
    return grammar


def digit_grammar(language, in_vocabulary=lambda word: True):
    """Single digits (and X): the recogniser strings them together as they are said."""
    grammar = Grammar(language, in_vocabulary)
    words = translator(language)
    for digit, message in DIGIT_WORDS.items():
        for text in alternatives(words, message):
            grammar.add(text, Intent(digits=digit))
    return grammar


def digits_heard(grammar, heard):
    """"one three eight" -> "138": each recognised word that is a digit, in order."""
    digits = []
    for word in tokens(heard, grammar.language):
        intent = grammar.entries.get(word)
        if intent and intent.digits:
            digits.append(intent.digits)
    return "".join(digits)


def phrases_for(key, language, catalogue, words):
    """How a resident may name the control with prompt `key`."""
    namespace, _, name = key.partition(".")
    try:
        if namespace == "package":
            package = catalogue.packages[name]
            return [package.title[language], *package.aliases.get(language, [])]
        if namespace in ("add", "remove"):
            title = catalogue.items[name].title[language]
            return [words.gettext(ANNOUNCEMENTS[namespace]) % {"title": title}]
        if namespace == "control":
            return [words.gettext(CONTROLS[name])]
        if namespace == "mode":
            return [words.gettext(MODE_LABELS[name.rpartition("_")[0]])]
        if namespace == "option":
            field_key, _, value = name.partition(".")
            field = catalogue.fields[field_key]
            return [option.label[language] for option in field.options if option.value == value]
        if namespace == "id_type":
            return [words.gettext(ID_TYPE_LABELS[name])]
        if namespace == "rating" and name in LEVEL_LABELS:
            # Saying a level rates: "满意", "매우 만족", "fairly satisfied".
            return [words.gettext(LEVEL_LABELS[name])]
        if namespace == "rating_reason":
            return [words.gettext(REASON_LABELS[name])]
    except KeyError:
        return []
    return []
