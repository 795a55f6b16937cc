"""One profile per screen language: what differs between Chinese, English and Korean.

Names, the <html lang> tag, the order of a date's parts and the on-screen keyboard's
layouts live here, so adding a language is one profile (plus its translations). No Flask.
"""
from dataclasses import dataclass

from . import particles
from .settings import LANGUAGES


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    name: str            # the language's name in itself: its button says exactly this
    html_lang: str       # BCP 47 tag for <html lang>
    date_order: tuple    # the date picker's parts, in the order people write them
    keyboard: str        # the on-screen keyboard's layout for free text (kiosk-keyboard.js)
    particles: bool = False   # particles chosen by the word before them (Korean 을/를)


PROFILES = {
    # Chinese is written in simplified characters here; text is typed by pinyin or by hand.
    "zh": LanguageProfile("zh", "中文", "zh-Hans", ("year", "month", "day"), "pinyin"),
    "en": LanguageProfile("en", "English", "en", ("day", "month", "year"), "letters"),
    # Korean: the 두벌식 (two-set) Hangul layout; jamo compose into syllables.
    "ko": LanguageProfile("ko", "한국어", "ko", ("year", "month", "day"), "hangul",
                          particles=True),
}

if set(PROFILES) != set(LANGUAGES):  # a new screen language needs its profile
    raise RuntimeError(f"language profiles {sorted(PROFILES)} differ from {LANGUAGES}")


def profile(language):
    """The profile of a screen language (one of settings.LANGUAGES)."""
    return PROFILES[language]


def finish(text, language):
    """A message built from parts, made right for its language: in Korean, each "을(를)"
    becomes the particle the word before it takes."""
    return particles.attach(text) if PROFILES[language].particles else text
