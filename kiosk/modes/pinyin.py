"""Chinese pinyin input: the Latin letters a resident taps become characters and words.

The on-screen keyboard sends the letters typed so far (`liming`, `lm`, `xi'an`) and shows
the candidates as buttons, best first, a page at a time. As in a desktop pinyin IME:

- the letters are cut into syllables every way pinyin allows (xian is 先 and also 西安);
  the last syllable may be unfinished (zhongg → 中国) and any syllable may be typed as
  its initial alone (zg → 中国; zh, ch and sh are initials, and z also stands for zh);
- candidates that spell all the letters come first: spelt-out syllables before
  unfinished ones before initials, then the most frequent, except that the best word of
  each way of cutting the letters goes first when it is common enough (xian: 先, 西安);
  then candidates for a leading part of the letters, the longest part first, cut where
  the best way of cutting all the letters cuts them. A candidate's `consumed` is how many
  characters of `letters` it uses up, apostrophes after it included, so the keyboard
  goes on composing `letters[consumed:]` (liming → 李, consumed 2, then ming → 明);
- in a name field (names=True) common surnames come first for the first character, and
  for 2-3 syllables surname + given-name pairs are offered (lm → 李明), since most names
  are in no dictionary. After the surname is chosen the keyboard asks with
  names="given": the characters names use most come first (wei → 伟 before 魏).

Input is ASCII letters and apostrophes (a syllable separator), at most 40 of them.
Capitals are lower-cased, as a keyboard's shift key must not make a name untypable;
anything else raises InvalidPinyin. Letters that cannot be cut into syllables at all
(`vvv`) give an empty page.

The data, kiosk/data/pinyin-dictionary.tsv.gz, is made by
scripts/build-pinyin-dictionary.py from jieba's word frequencies and pypinyin's readings:
gzip'd UTF-8, a first line starting "# kiosk-pinyin-dictionary 1:", then one line per word
and reading with five tab-separated columns: word (1-4 simplified characters), syllables
(toneless, space-separated, ü written v), frequency (higher is more common), surname
rank (1-100 when that character with that reading is a common surname, else empty) and
given-name uses (how many person names use the character so, else empty).

No Flask here.
"""
import collections
import functools
import gc
import gzip
import itertools
import operator
import re
import sys
from dataclasses import dataclass

FORMAT = "# kiosk-pinyin-dictionary 1"
MAX_LETTERS = 40
MAX_SYLLABLE = 6        # zhuang, chuang, shuang
MAX_WORD = 4            # the dictionary's longest words, in syllables
INPUT = re.compile(r"[a-z']*")
# What matching a syllable costs: spelt out, the unfinished last one, an initial inside.
WHOLE, UNFINISHED, INITIAL = 0, 1, 2
# Interjections (嗯 n, ng; 呣 m; 哼 hng) are syllables, but cutting xiang into xia-ng or
# liming into li-mi-ng only ever finds noise; typed last they are still found (ng → 嗯).
INTERJECTIONS = frozenset({"m", "n", "ng", "hm", "hng"})
INITIALS = frozenset({"zh", "ch", "sh"})
GIVEN_NAME = "given"     # names= for the characters after a surname
NAME_CHOICES = 3        # surnames, and given-name characters, tried for each syllable
NAME_PAIRS = 6          # invented names offered for each way of cutting the letters


class InvalidPinyin(ValueError):
    """The letters are not pinyin input: not a-z or apostrophe, or longer than 40."""


@dataclass(frozen=True)
class Candidate:
    """One button of the candidate bar: the text it types and the letters it uses up."""

    text: str
    consumed: int   # characters of the page's `letters` this candidate uses up


@dataclass(frozen=True)
class CandidatePage:
    """One page of candidates for the letters, and whether a next page has more."""

    letters: str        # the input as looked up (lower-cased, same length as given)
    candidates: tuple
    page: int
    has_more: bool


def clean_letters(letters):
    """Return the letters lower-cased, or raise InvalidPinyin for anything but pinyin."""
    if not isinstance(letters, str):
        raise InvalidPinyin("pinyin must be text")
    if len(letters) > MAX_LETTERS:
        raise InvalidPinyin(f"pinyin is at most {MAX_LETTERS} letters")
    # isascii first: str.lower() turns the Kelvin sign into k and İ into i plus a dot.
    if not letters.isascii() or not INPUT.fullmatch(letters.lower()):
        raise InvalidPinyin("pinyin is letters a-z and apostrophes")
    return letters.lower()


class PinyinDictionary:
    """The dictionary file in memory, indexed by the first letters of each syllable."""

    def __init__(self, texts, syllables, frequencies, surnames, given):
        """Index the file's columns (lists of equal length; empty marks are 0)."""
        self._texts, self._frequencies = texts, frequencies
        self._readings = {}     # syllables tuple -> range of word indexes
        self._buckets = {}      # first letters of the syllables -> [(syllables, range)]
        # The file is sorted by syllables, so each reading's words are one range; ranges
        # keep the index small and out of the garbage collector's way.
        if not all(map(operator.le, syllables, syllables[1:])):
            raise ValueError("lines are not sorted by syllables")
        counts, position = collections.Counter(syllables), 0
        for spelt in dict.fromkeys(syllables):
            reading = tuple(map(sys.intern, spelt.split(" ")))   # 400 syllables, shared
            indexes = self._readings[reading] = range(position, position + counts[spelt])
            position = indexes.stop
            key = "".join(next(zip(*reading)))     # first letters: zhong guo -> zg
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = []
            bucket.append((reading, indexes))
        self._surname = {i: surnames[i] for i in itertools.compress(range(len(texts)), surnames)}
        self._name_starts = self._best_by_syllable(self._surname, syllables, 1)
        self._given = {i: given[i] for i in itertools.compress(range(len(texts)), given)}
        self._name_follows = self._best_by_syllable(self._given, syllables, -1)
        self._options = self._letter_groups({s for r in self._readings for s in r})
        self._ranked = functools.lru_cache(maxsize=64)(self._rank)
        self._by_text = None    # word -> its most common reading, for syllables_of
        self._characters = None

    @classmethod
    def load(cls, path):
        """Read the gzip'd dictionary file (format in the module docstring)."""
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            header = lines.readline()
            body = lines.read()
        if not header.startswith(FORMAT + ":"):
            raise ValueError(f"{path} is not a kiosk pinyin dictionary ({FORMAT})")
        # One split of the whole text, then columns by slicing: several times faster than
        # splitting 130,000 lines one by one, and loading is on the kiosk's start-up path.
        fields = body.replace("\n", "\t").split("\t")
        if fields[-1] == "":
            fields.pop()
        # The collector would walk the growing index again and again while it is built,
        # which doubles the load time; nothing built here is garbage.
        collecting = gc.isenabled()
        gc.disable()
        try:
            if len(fields) % 5:
                raise ValueError("a line without 5 columns")
            return cls(fields[0::5], fields[1::5], list(map(int, fields[2::5])),
                       [int(value or 0) for value in fields[3::5]],
                       [int(value or 0) for value in fields[4::5]])
        except ValueError as error:
            raise ValueError(f"{path}: lines must be word, syllables, frequency, surname, "
                             f"given ({error})") from None
        finally:
            if collecting:
                gc.enable()

    def _best_by_syllable(self, marks, syllables, sign):
        """Map syllable -> the NAME_CHOICES best (score, text, syllable), best first."""
        found = {}
        for index, mark in marks.items():
            found.setdefault(syllables[index], []).append(
                (sign * mark, self._texts[index], syllables[index]))
        return {syllable: sorted(best)[:NAME_CHOICES] for syllable, best in found.items()}

    @staticmethod
    def _letter_groups(syllables):
        """Map (letters, is last) to {syllable: cost} for every group of letters allowed."""
        starting = {}
        for syllable in syllables:
            for end in range(1, len(syllable) + 1):
                starting.setdefault(syllable[:end], []).append(syllable)
        options = {}
        for group, found in starting.items():
            whole = group in syllables and group not in INTERJECTIONS
            initial = len(group) == 1 or group in INITIALS
            for last in (False, True):
                costs = {}
                if last:
                    costs = dict.fromkeys(found, UNFINISHED)
                elif initial:
                    costs = dict.fromkeys(found, INITIAL)
                if whole:
                    costs[group] = WHOLE
                if costs:
                    options[group, last] = costs
        return options

    def lookup(self, letters, page=0, page_size=8, names=False):
        """Return one page of candidates for the letters typed so far."""
        letters = clean_letters(letters)
        if type(page) is not int or page < 0 or type(page_size) is not int or page_size < 1:
            raise ValueError("page must be 0 or more and page_size 1 or more")
        names = names if names == GIVEN_NAME else bool(names)
        ranked = self._ranked(letters, names) if letters.strip("'") else ()
        start = page * page_size
        return CandidatePage(letters, tuple(Candidate(text, consumed) for text, consumed
                                            in ranked[start:start + page_size]),
                             page, start + page_size < len(ranked))

    def characters(self):
        """Every single character the dictionary knows (simplified Chinese, GB2312)."""
        if self._characters is None:
            self._characters = frozenset(text for text in self._texts if len(text) == 1)
        return self._characters

    def syllables_of(self, text):
        """The syllables of the characters in text that the dictionary knows, in order.

        Words are read as wholes, the longest dictionary word first, in their most common
        reading (银行 yin hang, 行走 xing zou); other characters (digits, Latin letters,
        punctuation) are skipped. For searching by initials: 营业执照 -> ying ye zhi zhao.
        """
        if self._by_text is None:
            # Built on first use, as the keyboard alone never needs it: every word's
            # readings from the least to the most common, so the most common one stays.
            # The reading ranges follow one another in file order, covering every word.
            reading_of = list(itertools.chain.from_iterable(
                itertools.repeat(reading, len(indexes))
                for reading, indexes in self._readings.items()))
            order = sorted(range(len(self._texts)), key=self._frequencies.__getitem__)
            self._by_text = dict(zip(map(self._texts.__getitem__, order),
                                     map(reading_of.__getitem__, order)))
        found, position = [], 0
        while position < len(text):
            for size in range(min(MAX_WORD, len(text) - position), 0, -1):
                reading = self._by_text.get(text[position:position + size])
                if reading:
                    found.extend(reading)
                    position += size
                    break
            else:
                position += 1
        return found

    def _rank(self, letters, names):
        """Every candidate for the letters as (text, consumed), best first, each text once."""
        steps, start, end = self._steps(letters)
        found = self._whole_input(letters, steps, start, end, names)
        for groups, consumed in self._leading_parts(steps, start, end):
            for index, cost in self._matching(groups, letters):
                group, within = self._order(index, names)
                found.append(((1, -consumed, cost, group, 1, within), self._texts[index],
                              consumed))
        found.sort()
        seen, ranked = set(), []
        for _, text, consumed in found:
            if text not in seen:
                seen.add(text)
                ranked.append((text, consumed))
        return tuple(ranked)

    def _order(self, index, names):
        """(group, order within it): surnames first for a name's first character, the
        characters names use most for the rest of a name, else frequency."""
        if names == GIVEN_NAME:
            uses = self._given.get(index)
            if uses:
                return 1, (-uses, self._texts[index])
        elif names:
            surname = self._surname.get(index)
            if surname:
                return 0, (surname, self._texts[index])
        return 2, (-self._frequencies[index], self._texts[index])

    def _whole_input(self, letters, steps, start, end, names):
        """Sortable (key, text, consumed) for the candidates that spell all the letters.

        The best word of every way of cutting the letters goes first among those of its
        cost when it is at least a twentieth as common as the best of all, so xian
        shows 西安 (xi-an) beside 先 and 现 rather than after twenty characters.
        """
        cuttings = self._cuttings(steps, start, end)
        found, best = [], {}
        for number, groups in enumerate(cuttings):
            for index, cost in self._matching(groups, letters):
                found.append((cost, *self._order(index, names), index))
                if best.get((number, cost), (0, 0))[0] < self._frequencies[index]:
                    best[number, cost] = (self._frequencies[index], index)
        top = {}
        for (_, cost), (frequency, _) in best.items():
            top[cost] = max(top.get(cost, 0), frequency)
        ahead = {index for (_, cost), (frequency, index) in best.items()
                 if frequency * 20 >= top[cost]}
        keyed = [((0, 0, cost, group, 0 if index in ahead else 1, within),
                  self._texts[index], len(letters)) for cost, group, within, index in found]
        if names is True:
            fewest = min(((sum(least for *_, least in g), len(g)) for g in cuttings),
                         default=None)
            for number, groups in enumerate(cuttings):
                if 2 <= len(groups) <= 3 and (sum(g[-1] for g in groups), len(groups)) == fewest:
                    for order, text, cost in self._invented_names(groups):
                        keyed.append(((0, 0, cost, 1, 0, (order, number, text)), text,
                                      len(letters)))
        return keyed

    def _steps(self, letters):
        """Map each position to the letter groups that may start there.

        A step is (end, next start past apostrophes, {syllable: cost}, least cost).
        """
        end = len(letters.rstrip("'"))
        start = len(letters) - len(letters.lstrip("'"))
        steps = {}
        for i in range(start, end):
            if letters[i] == "'":
                continue
            here = steps[i] = []
            for j in range(i + 1, min(i + MAX_SYLLABLE, end) + 1):
                if letters[j - 1] == "'":
                    break
                costs = self._options.get((letters[i:j], j == end))
                if costs:
                    after = j
                    while after < len(letters) and letters[after] == "'":
                        after += 1
                    here.append((j, after, costs, min(costs.values())))
        return steps, start, end

    @staticmethod
    def _cuttings(steps, start, end):
        """Every way to cut all the letters into at most MAX_WORD groups.

        A cutting is a list of (start position, {syllable: cost}, least cost).
        """
        def walk(position, groups):
            for j, after, costs, least in steps.get(position, ()):
                longer = groups + [(position, costs, least)]
                if j == end:
                    yield longer
                elif len(longer) < MAX_WORD:
                    yield from walk(after, longer)
        return list(walk(start, []))

    @staticmethod
    def _leading_parts(steps, start, end):
        """Leading groups of the best ways to cut the letters, and the letters they use.

        Best is least cost, then fewest syllables: xian is one syllable, so 西 is not
        offered for it, and liming is li-ming, so 李 is, using 2 letters.
        """
        best = {}
        for position in sorted(steps, reverse=True):
            options = [(least + best[after][0], 1 + best[after][1]) if j != end else (least, 1)
                       for j, after, _, least in steps[position] if j == end or after in best]
            if options:
                best[position] = min(options)
        if start not in best:
            return []
        parts = {}

        def walk(position, groups):
            for j, after, costs, least in steps[position]:
                if j == end or after not in best or \
                        (least + best[after][0], 1 + best[after][1]) != best[position]:
                    continue
                longer = groups + [(position, costs, least)]
                parts[tuple(p for p, *_ in longer), after] = longer
                if len(longer) < MAX_WORD:
                    walk(after, longer)
        walk(start, [])
        return [(groups, consumed) for (_, consumed), groups in parts.items()]

    def _matching(self, groups, letters):
        """Yield (word index, cost) for the words whose syllables fit the groups."""
        maps = [costs for _, costs, _ in groups]
        combinations = 1
        for costs in maps:
            combinations *= len(costs)
        bucket = self._buckets.get("".join(letters[p] for p, *_ in groups), ())
        if combinations < len(bucket):
            # Few readings fit (xi-an): look each one up rather than scan the bucket.
            for choice in itertools.product(*(costs.items() for costs in maps)):
                cost = sum(c for _, c in choice)
                for index in self._readings.get(tuple(s for s, _ in choice), ()):
                    yield index, cost
            return
        for reading, indexes in bucket:
            cost = 0
            for syllable, costs in zip(reading, maps):
                step = costs.get(syllable)
                if step is None:
                    break
                cost += step
            else:
                for index in indexes:
                    yield index, cost

    def _invented_names(self, groups):
        """Yield (order, name, cost): common surnames with common given-name characters."""
        maps = [costs for _, costs, _ in groups]
        choices = [sorted(found for s in maps[0] for found in self._name_starts.get(s, ()))]
        for costs in maps[1:]:
            choices.append(sorted(found for s in costs
                                  for found in self._name_follows.get(s, ())))
        choices = [found[:NAME_CHOICES] for found in choices]
        if not all(choices):
            return
        picks = sorted(itertools.product(*(range(len(found)) for found in choices)),
                       key=lambda pick: (sum(pick), pick))[:NAME_PAIRS]
        for order, pick in enumerate(picks):
            chosen = [choices[g][i] for g, i in enumerate(pick)]
            yield (order, "".join(text for _, text, _ in chosen),
                   sum(maps[g][syllable] for g, (_, _, syllable) in enumerate(chosen)))
