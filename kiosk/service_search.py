"""Finding a service on "Add another service": by topic and by what a resident types.

A typed search matches a service's title and its catalogue aliases in the screen's
language, and in Chinese also their pinyin initials (yyzz finds 营业执照), in Korean their
initial consonants (ㅇㅇㅎㄱ finds 영업허가증). No Flask here.
"""
import unicodedata

# Hangul syllables are laid out by initial consonant, 588 syllables each (Unicode 3.12).
CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MAX_QUERY = 40


def normalise(text):
    """Lower case, full-width folded, without spaces: how both sides are compared."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def choseong(text):
    """The initial consonant of each Hangul syllable (영업 -> ㅇㅇ); other characters kept."""
    return "".join(CHOSEONG[(ord(char) - 0xAC00) // 588] if "가" <= char <= "힣" else char
                   for char in text)


def search_terms(item, language, initials=None):
    """Every way a resident may type this service's name, normalised, in one string."""
    names = [item.title[language], *item.aliases.get(language, ())]
    terms = [normalise(name) for name in names]
    if language == "zh" and initials:
        terms += [initials(name) for name in names]
    if language == "ko":
        terms += [normalise(choseong(name)) for name in names]
    return "|".join(terms)


class ServiceFinder:
    """Finds services by topic and typed name; each service's terms are worked out once
    per language (the catalogue does not change while the kiosk runs)."""

    def __init__(self, catalogue, initials=None):
        self.catalogue = catalogue
        self.initials = initials
        self._terms = {}

    def terms(self, item, language):
        key = (item.key, language)
        if key not in self._terms:
            self._terms[key] = search_terms(item, language, self.initials)
        return self._terms[key]

    def find(self, language, query="", topic=None):
        """[(category, [items])] of the services matching `query` within `topic` (None: all)."""
        wanted = normalise(query)[:MAX_QUERY]
        groups = []
        for category, items in self.catalogue.items_by_category():
            if topic and category.key != topic:
                continue
            found = [item for item in items
                     if not wanted or wanted in self.terms(item, language)]
            if found:
                groups.append((category, found))
        return groups
