"""Korean particles chosen by the word they follow: 이름을, 주소를; 신분증 종류가, 전화번호가.

A Korean message built from parts is translated with both forms written, "%(label)s을(를)",
because the translator cannot know the label. `attach` picks the one that fits the sound
the word ends with. No Flask here.
"""
import re

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
RIEUL = 8   # the final consonant ㄹ, which takes 로 rather than 으로

# "both forms" as translators write them -> (after a final consonant, after a vowel).
PAIRS = {"을(를)": ("을", "를"), "를(을)": ("을", "를"), "이(가)": ("이", "가"),
         "가(이)": ("이", "가"), "은(는)": ("은", "는"), "는(은)": ("은", "는"),
         "과(와)": ("과", "와"), "와(과)": ("과", "와"), "(으)로": ("으로", "로"),
         "으로(로)": ("으로", "로"), "이나(나)": ("이나", "나"), "(이)나": ("이나", "나")}
PATTERN = re.compile("|".join(re.escape(pair) for pair in sorted(PAIRS, key=len, reverse=True)))
# How digits and Latin letters are read in Korean: the final consonant of the reading
# (0 none, 8 ㄹ, any other number: another consonant).
DIGIT_ENDINGS = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8,
                 "9": 0}
LETTER_ENDINGS = {"l": 8, "m": 16, "n": 4, "r": 8}   # 엘, 엠, 엔, 알; other letters end in a vowel
SKIPPED = " )]}»」』\"'’”.,·"


def attach(text):
    """`text` with every "을(를)"-style pair replaced by the particle its word takes."""
    return PATTERN.sub(lambda match: _choose(match.group(), text[:match.start()]), text)


def _choose(pair, before):
    with_consonant, with_vowel = PAIRS[pair]
    ending = _final_consonant(before.rstrip(SKIPPED))
    if ending is None:
        return pair            # nothing to go by (no word before it): keep both forms
    if with_consonant == "으로":
        return "로" if ending in (0, RIEUL) else "으로"
    return with_vowel if ending == 0 else with_consonant


def _final_consonant(word):
    """The final consonant index (0 = none) of the sound `word` ends with, or None."""
    if not word:
        return None
    last = word[-1]
    if HANGUL_FIRST <= ord(last) <= HANGUL_LAST:
        return (ord(last) - HANGUL_FIRST) % 28
    if last in DIGIT_ENDINGS:
        return DIGIT_ENDINGS[last]
    if last.isascii() and last.isalpha():
        return LETTER_ENDINGS.get(last.lower(), 0)
    return None
