"""How fast pinyin input is: loading the dictionary, and looking up what residents type.

    .venv/bin/python bench/pinyin.py [WORDS]

Prints the time to load kiosk/data/pinyin-dictionary.tsv.gz (in this process, as the
kiosk does at its first pinyin request) and the median and 95th percentile time of a
lookup of the first page over inputs typed the way residents type them: the WORDS most
common words of 2-4 characters (default 120), letter by letter, in full pinyin
(z, zh, zho ... zhongguo), as initials (z, zg), mixed (zhongg, zguo), and names in a
name field (common surnames with common given-name characters: l, li, lim ... liming,
lm). Every input is looked up once, so the candidate cache never helps. Goals: load under
1 s, lookup p95 at most 10 ms on 2 cores.
"""
import gzip
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.modes.pinyin import PinyinDictionary  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "kiosk" / "data" / "pinyin-dictionary.tsv.gz"


def percentile(values, share):
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def typed(letters):
    """Every state of the input while the letters are typed one by one."""
    return [letters[:end] for end in range(1, len(letters) + 1)]


def inputs(words):
    """(kind, letters, names) for the most common words and for common names."""
    rows = [line.split("\t") for line in
            gzip.decompress(DATA.read_bytes()).decode("utf-8").splitlines()[1:]]
    common = sorted((row for row in rows if 2 <= len(row[0]) <= 4),
                    key=lambda row: (-int(row[2]), row[0]))[:words]
    found = {}
    for _, spelt, *_ in common:
        syllables = spelt.split(" ")
        initials = [s[0] for s in syllables]
        for letters in typed("".join(syllables)):
            found.setdefault((letters, False), "full pinyin")
        for letters in typed("".join(initials)):
            found.setdefault((letters, False), "initials")
        for letters in (syllables[0] + "".join(initials[1:]),
                        "".join(initials[:-1]) + syllables[-1]):
            found.setdefault((letters, False), "mixed")
    surnames = sorted((row for row in rows if row[3]), key=lambda row: int(row[3]))[:20]
    given = sorted((row for row in rows if row[4]), key=lambda row: -int(row[4]))[:12]
    for surname, first in itertools.product(surnames, given):
        full = surname[1] + first[1]
        for letters in typed(full) + [surname[1][0] + first[1][0]]:
            found.setdefault((letters, True), "names")
    return [(kind, letters, names) for (letters, names), kind in found.items()]


def main(words=120):
    started = time.perf_counter()
    dictionary = PinyinDictionary.load(DATA)
    loaded = time.perf_counter() - started
    print(f"dictionary: {DATA.name}, {DATA.stat().st_size / 1e6:.2f} MB")
    print(f"load: {loaded * 1000:.0f} ms\n")

    timings = {}
    for kind, letters, names in inputs(words):
        started = time.perf_counter()
        dictionary.lookup(letters, names=names)
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    timings["all"] = [t for kind in list(timings) for t in timings[kind]]

    print(f"{'lookup (first page)':<22}{'inputs':>8}{'median':>10}{'p95':>10}{'max':>10}")
    for kind, values in timings.items():
        print(f"{kind:<22}{len(values):>8}{statistics.median(values):>8.2f}ms"
              f"{percentile(values, 0.95):>8.2f}ms{max(values):>8.2f}ms")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
