#!/usr/bin/env python3
"""Build the pinyin input method's dictionary, kiosk/data/pinyin-dictionary.tsv.gz.

    .venv/bin/pip install pypinyin==0.55.0 jieba==0.42.1
    .venv/bin/python scripts/build-pinyin-dictionary.py [--output PATH]

jieba and pypinyin are needed here only, never by the kiosk, which reads the file this
writes. The versions are pinned (PINNED below) and checked at run time, because another
version of either changes the words, frequencies or readings and so the bytes shipped.

Where the data comes from:
- words and frequencies: jieba's dictionary (jieba/dict.txt, "word count tag" a line);
- readings: pypinyin. A word is read as a whole (lazy_pinyin uses pypinyin's phrase
  dictionary), so heteronyms in words get their reading in that word (银行 yin hang,
  行走 xing zou). A single character gets every reading pypinyin knows (行 xing, hang,
  heng), so it is found under each;
- surnames: SURNAMES below, the 100 most common by population;
- given-name characters: person names (tag "nr") in jieba's dictionary that start with
  one of those surnames.

What is kept:
- words of 1 to 4 characters, every one a Han character that GB2312 can encode, which
  keeps the file to simplified Chinese (GB2312 has no traditional forms);
- every GB2312 character that occurs anywhere in jieba's dictionary, however rare;
- words of 2 to 4 characters counted at least MIN_WORD_FREQUENCY times. Half of jieba's
  entries are counted only 3 or 4 times: obscure idioms, one-off compounds and typos
  (折冲尊俎, 骑进, 豆沙陷) that would crowd the candidate bar and double the file. Place
  names (tag "ns") are kept whatever their count, as residents type addresses (七台河).

A single character has one count in jieba whatever its reading. Its first reading in
pypinyin keeps that count; another reading gets the count of the dictionary words that
read the character that way, capped at the character's own count and at least 1. So
行 under hang ranks high (银行, 行业), 了 under liao ranks by 了解 and 不了, not by the
particle le.

The file (UTF-8, gzip with mtime 0 and no file name, so the same input gives the same
bytes) starts with one line beginning "#" that names the format and the sources, then
one line per word and reading, sorted by syllables, then descending frequency, then
word, with five tab-separated columns:

    word        the characters, 1 to 4
    syllables   toneless pinyin, one syllable a character, separated by one space;
                ü is written v (lv, nve), as it is typed
    frequency   a positive integer, higher is more common
    surname     1 to 100, the population rank, when this character with this reading is
                a common surname (曾 zeng, not ceng); else empty
    given       how many person names in jieba's dictionary use this character with this
                reading after one of the surnames; else empty

    中国⇥zhong guo⇥129470⇥⇥           (⇥ is a tab)
    曾⇥ceng⇥29107⇥⇥36
    曾⇥zeng⇥312⇥32⇥2
"""
import argparse
import collections
import gzip
import importlib.metadata
import importlib.resources
import io
import re
import sys
from pathlib import Path

PINNED = {"jieba": "0.42.1", "pypinyin": "0.55.0"}
FORMAT = "kiosk-pinyin-dictionary 1"
OUTPUT = Path(__file__).resolve().parents[1] / "kiosk" / "data" / "pinyin-dictionary.tsv.gz"

# Below this count a jieba word of 2-4 characters is more often noise than a word;
# at 5 the file is about 1.2 MB with 140,000 lines and loads in well under a second.
MIN_WORD_FREQUENCY = 5
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{1,4}")
SYLLABLE = re.compile(r"[a-z]{1,6}")
# Characters that spell foreign names' sounds (高尔基, 马克斯, 伊凡诺夫) far more often
# than they appear in Chinese given names.
TRANSLITERATION = set("尔斯姆茨娃诺卡拉普基夫")

# The 100 most common surnames by registered population, with their reading as a
# surname, in rank order. Source: the surname ranking of the Seventh National Population
# Census (2020), published by 中国信息报 (the National Bureau of Statistics' paper) on
# 2022-11-11; it agrees with the Ministry of Public Security's 《二〇二〇年全国姓名报告》
# on the first places (王, 李, 张, 刘, 陈). 曾 is zeng and 覃 qin here, as surnames.
SURNAMES = """
王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou
徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 林lin 高gao 罗luo
郑zheng 梁liang 谢xie 宋song 唐tang 许xu 韩han 邓deng 冯feng 曹cao
彭peng 曾zeng 肖xiao 田tian 董dong 潘pan 袁yuan 蔡cai 蒋jiang 余yu
于yu 杜du 叶ye 程cheng 魏wei 苏su 吕lv 丁ding 任ren 卢lu
姚yao 沈shen 钟zhong 姜jiang 崔cui 谭tan 陆lu 范fan 汪wang 廖liao
石shi 金jin 韦wei 贾jia 夏xia 傅fu 方fang 邹zou 熊xiong 白bai
孟meng 秦qin 邱qiu 侯hou 江jiang 尹yin 薛xue 闫yan 段duan 雷lei
龙long 黎li 史shi 陶tao 贺he 毛mao 郝hao 顾gu 龚gong 邵shao
万wan 覃qin 武wu 钱qian 戴dai 严yan 莫mo 孔kong 向xiang 常chang
"""


def check_versions():
    """Stop with a clear message unless the pinned jieba and pypinyin are installed."""
    problems = []
    for name, wanted in PINNED.items():
        try:
            found = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found = None
        if found != wanted:
            problems.append(f"{name} {found or 'is not installed'} (need {wanted})")
    if problems:
        pins = " ".join(f"{name}=={version}" for name, version in PINNED.items())
        sys.exit("build-pinyin-dictionary: " + "; ".join(problems) + ".\n"
                 f"The output is only reproducible with the pinned versions: "
                 f".venv/bin/pip install {pins}")


def surname_ranks():
    """Map (character, reading) to population rank 1-100."""
    entries = SURNAMES.split()
    assert len(entries) == 100 and len({entry[0] for entry in entries}) == 100
    return {(entry[0], entry[1:]): rank for rank, entry in enumerate(entries, 1)}


def simplified_han(word):
    """True for 1-4 Han characters that GB2312 encodes (which means simplified ones)."""
    if not HAN_WORD.fullmatch(word):
        return False
    try:
        word.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_jieba():
    """Yield (word, count, tag) for the simplified Han words in jieba's dictionary."""
    text = (importlib.resources.files("jieba") / "dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, count, tag = line.split(" ")
        if simplified_han(word):
            yield word, int(count), tag


def build_rows():
    """Return the dictionary's rows: (word, syllables, frequency, surname, given)."""
    from pypinyin import Style, lazy_pinyin, pinyin

    def word_reading(word):
        syllables = lazy_pinyin(word, style=Style.NORMAL)
        ok = len(syllables) == len(word) and all(SYLLABLE.fullmatch(s) for s in syllables)
        return tuple(syllables) if ok else None

    jieba = list(read_jieba())
    tags = {word: tag for word, _, tag in jieba}
    char_count = {word: count for word, count, _ in jieba if len(word) == 1}
    chars = sorted({char for word, _, _ in jieba for char in word})

    rows = {}
    evidence = collections.Counter()  # (character, reading) -> count of words read so
    for word, count, tag in jieba:
        if len(word) < 2 or (count < MIN_WORD_FREQUENCY and tag != "ns"):
            continue
        syllables = word_reading(word)
        if syllables is None:
            continue
        rows[word, syllables] = count
        for char, syllable in zip(word, syllables):
            evidence[char, syllable] += count

    for char in chars:
        readings = [s for s in dict.fromkeys(pinyin(char, style=Style.NORMAL,
                                                    heteronym=True)[0])
                    if SYLLABLE.fullmatch(s)]
        count = char_count.get(char, 1)
        for index, reading in enumerate(readings):
            share = count if index == 0 else max(1, min(count, evidence[char, reading]))
            rows[char, (reading,)] = share

    surnames = surname_ranks()
    for char, reading in surnames:
        if (char, (reading,)) not in rows:
            sys.exit(f"build-pinyin-dictionary: surname {char} {reading} has no such reading")

    given = collections.Counter()
    for word, _, tag in jieba:
        if tag != "nr" or not 2 <= len(word) <= 3:
            continue
        syllables = word_reading(word)
        if syllables is None or (word[0], syllables[0]) not in surnames:
            continue
        # "张老师" is tagged nr too, but 老师 is a word of its own, not a given name; and
        # so are foreign names written in Chinese (高尔基, 马克斯), whose sounds are not.
        if len(word) == 3 and tags.get(word[1:], "nr")[:2] != "nr":
            continue
        if any(char in TRANSLITERATION for char in word[1:]):
            continue
        for char, syllable in zip(word[1:], syllables[1:]):
            given[char, syllable] += 1

    marks = {}
    for (word, syllables), count in rows.items():
        if len(word) == 1:
            marks[word, syllables] = (surnames.get((word, syllables[0]), ""),
                                      given.get((word, syllables[0]), ""))
    return [(word, " ".join(syllables), count, *marks.get((word, syllables), ("", "")))
            for (word, syllables), count in rows.items()]


def write(rows, output):
    """Write the rows as deterministic gzip: sorted, mtime 0, no file name inside."""
    rows = sorted(rows, key=lambda row: (row[1], -row[2], row[0]))
    versions = ", ".join(f"{name} {version}" for name, version in PINNED.items())
    text = io.StringIO()
    text.write(f"# {FORMAT}: word, syllables, frequency, surname rank, given-name uses; "
               f"from {versions}; made by scripts/build-pinyin-dictionary.py\n")
    for row in rows:
        text.write("\t".join(str(value) for value in row) + "\n")
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.write(text.getvalue().encode("utf-8"))
    return len(rows)


def main(argv=None):
    """Check the pinned versions, build the rows and write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"where to write (default: {OUTPUT})")
    args = parser.parse_args(argv)
    check_versions()
    count = write(build_rows(), args.output)
    print(f"{args.output}: {count} lines, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
