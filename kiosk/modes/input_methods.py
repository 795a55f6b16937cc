"""The server side of the on-screen keyboard: input methods that turn what a resident
taps or draws into candidate texts (letters in, characters out; strokes in, characters
out). Each is one small class registered by name; the page asks `POST /input/NAME`.

A new way in (a Braille keypad, an ID-card reader) is one class here and a layout in
static/js/keyboard/. No Flask here.
"""
import logging
import threading

from .handwriting import BadStrokes, HandwritingUnavailable, Recogniser
from .pinyin import GIVEN_NAME, InvalidPinyin, PinyinDictionary

log = logging.getLogger(__name__)
MAX_PAGE = 50   # nobody pages further through a candidate bar


class BadInput(ValueError):
    """What the page sent cannot be used; `code` is a short reason for the JSON answer."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class InputUnavailable(RuntimeError):
    """The method's data or library is missing on this kiosk; the keyboard says so."""


class PinyinMethod:
    """Pinyin letters -> Chinese characters and words, ranked by frequency, paged."""

    def __init__(self, dictionary_path):
        self.path = dictionary_path
        self._dictionary = None
        self._loading = threading.Lock()   # one load, however many residents type at once

    @property
    def available(self):
        return self.path.is_file()

    def dictionary(self):
        """The loaded dictionary (loaded at the first call; `make run` does it at start)."""
        with self._loading:
            if self._dictionary is None:
                if not self.available:
                    raise InputUnavailable(f"no pinyin dictionary at {self.path}")
                self._dictionary = PinyinDictionary.load(self.path)
        return self._dictionary

    def initials(self, text):
        """The pinyin initials of Chinese text (营业执照 -> yyzz), for searching by them."""
        if not self.available:
            return ""
        return "".join(syllable[0] for syllable in self.dictionary().syllables_of(text))

    def candidates(self, payload):
        """{"letters": "lm", "page": 0, "names": true | "given"} -> candidates with the
        letters each uses up (names: a name's first character, or the ones after it)."""
        letters, page = payload.get("letters"), payload.get("page", 0)
        if not isinstance(letters, str) or type(page) is not int or not 0 <= page <= MAX_PAGE:
            raise BadInput("letters_and_page")
        try:
            names = payload.get("names")
            found = self.dictionary().lookup(letters, page=page,
                                             names=names if names in (True, GIVEN_NAME) else False)
        except InvalidPinyin:
            raise BadInput("letters") from None
        return {"letters": found.letters, "page": found.page, "has_more": found.has_more,
                "candidates": [{"text": candidate.text, "consumed": candidate.consumed}
                               for candidate in found.candidates]}


class HandwritingMethod:
    """One handwritten character's strokes -> the characters it may be, best first.

    Two Zinnia models vote when both are installed: Debian's Simplified Chinese model, and
    its Japanese one, which knows the standard stroke order of many characters the Chinese
    model was trained with in other orders (every character with 辶). Their rankings are
    fused by reciprocal rank, and only characters in `known` (simplified Chinese) are
    kept: with both, the right character is among the first five for 94% of 300 common
    characters instead of 86% (bench/handwriting.py).
    """

    FUSION_K = 3          # reciprocal rank fusion: 1 / (rank + K), summed over the models
    ASKED = 20            # candidates asked of each model, before fusing and filtering
    OFFERED = 10

    def __init__(self, model_paths, known=None):
        self.recognisers = [Recogniser(path) for path in model_paths]
        self.known = known   # () -> set of characters to offer, or None for any

    @property
    def available(self):
        return any(recogniser.available for recogniser in self.recognisers)

    def candidates(self, payload):
        """{"width": W, "height": H, "strokes": [[[x, y], ...], ...]} -> 10 characters."""
        strokes, width, height = payload.get("strokes"), payload.get("width"), payload.get("height")
        rankings = []
        try:   # recognise() checks the strokes and the box before Zinnia sees them
            for recogniser in self.recognisers:
                if recogniser.available:
                    rankings.append(recogniser.recognise(strokes, width, height, self.ASKED))
        except BadStrokes as bad:
            raise BadInput(bad.code) from None
        except HandwritingUnavailable as missing:
            raise InputUnavailable(str(missing)) from None
        if not rankings:
            raise InputUnavailable("no handwriting model is installed")
        return {"candidates": fuse(rankings, self.known() if self.known else None,
                                   self.FUSION_K)[:self.OFFERED]}


def fuse(rankings, known=None, k=3):
    """Candidates of several recognisers in one order: reciprocal rank fusion, keeping
    only `known` characters (all, when None)."""
    scores = {}
    for ranking in rankings:
        for rank, character in enumerate(
                c for c in ranking if known is None or c in known):
            scores[character] = scores.get(character, 0.0) + 1.0 / (rank + k)
    return sorted(scores, key=lambda character: -scores[character])


def input_methods(keyboard_settings):
    """The input methods this kiosk offers, by the name the page asks for."""
    pinyin = PinyinMethod(keyboard_settings.pinyin_dictionary)
    known = (lambda: pinyin.dictionary().characters()) if pinyin.available else None
    models = [keyboard_settings.handwriting_model]
    if keyboard_settings.handwriting_second_model:
        models.append(keyboard_settings.handwriting_second_model)
    return {"pinyin": pinyin, "handwriting": HandwritingMethod(models, known)}
