"""Pinyin input: letters in, ranked and paged Chinese candidates out."""
import gzip
import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.modes.pinyin import CandidatePage, InvalidPinyin, PinyinDictionary

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kiosk" / "data" / "pinyin-dictionary.tsv.gz"
BUILDER = ROOT / "scripts" / "build-pinyin-dictionary.py"


@pytest.fixture(scope="module")
def dictionary():
    return PinyinDictionary.load(DATA)


def builder():
    spec = importlib.util.spec_from_file_location("build_pinyin_dictionary", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first_page(dictionary, letters, names=False):
    return [c.text for c in dictionary.lookup(letters, names=names).candidates]


def everything(dictionary, letters, names=False):
    found, page = [], 0
    while True:
        answer = dictionary.lookup(letters, page=page, page_size=50, names=names)
        found.extend(answer.candidates)
        if not answer.has_more:
            return found
        page += 1


@pytest.mark.parametrize("letters", ["zhongguo", "zg", "zhongg", "zhong'guo"])
def test_full_pinyin_initials_and_mixed_all_put_zhongguo_first(dictionary, letters):
    assert first_page(dictionary, letters)[0] == "中国"


def test_xian_offers_the_one_syllable_and_the_two_syllable_readings(dictionary):
    page = first_page(dictionary, "xian")
    assert "先" in page and "西安" in page


@pytest.mark.parametrize("letters", ["hang", "xing"])
def test_a_character_with_two_readings_is_found_under_both(dictionary, letters):
    assert "行" in first_page(dictionary, letters)


def test_a_heteronym_inside_a_word_takes_its_reading_in_that_word(dictionary):
    assert "银行" in first_page(dictionary, "yinhang")
    assert "银行" not in [c.text for c in everything(dictionary, "yinxing")]


def test_nihao_gives_nihao_first(dictionary):
    assert first_page(dictionary, "nihao")[0] == "你好"


def test_a_candidate_for_a_leading_part_says_how_many_letters_it_uses(dictionary):
    found = {c.text: c.consumed for c in everything(dictionary, "liming")}
    assert found["黎明"] == 6
    assert found["李"] == 2
    assert "明" in first_page(dictionary, "liming"[found["李"]:])


def test_an_apostrophe_after_a_chosen_candidate_is_used_up_with_it(dictionary):
    page = dictionary.lookup("xi'an")
    assert page.candidates[0].text == "西安"
    xi = next(c for c in everything(dictionary, "xi'an") if c.text == "西")
    assert page.letters[xi.consumed:] == "an"


def test_whole_input_candidates_come_first_then_longer_leading_parts(dictionary):
    consumed = [c.consumed for c in everything(dictionary, "gongzuorenyuan")]
    assert consumed[0] == len("gongzuorenyuan")
    assert consumed == sorted(consumed, reverse=True)


def test_spelt_out_syllables_rank_above_unfinished_ones(dictionary):
    # xian spelt out (先) before xian as the start of xiang (想), however common 想 is.
    texts = [c.text for c in everything(dictionary, "xian")]
    assert texts.index("先") < texts.index("想")


@pytest.mark.parametrize("letters", ["shi", "zg", "liming", "a", "lm"])
def test_no_text_is_offered_twice_in_one_lookup(dictionary, letters):
    texts = [c.text for c in everything(dictionary, letters, names=True)]
    assert len(texts) == len(set(texts))


def test_pages_follow_on_without_overlap_and_say_when_there_are_more(dictionary):
    first = dictionary.lookup("shi", page=0, page_size=8)
    second = dictionary.lookup("shi", page=1, page_size=8)
    assert len(first.candidates) == len(second.candidates) == 8
    assert first.has_more and second.page == 1
    assert not {c.text for c in first.candidates} & {c.text for c in second.candidates}


def test_the_last_page_has_no_more_and_a_page_beyond_the_end_is_empty(dictionary):
    total = len(everything(dictionary, "nihao"))
    last = dictionary.lookup("nihao", page=(total - 1) // 8)
    assert last.candidates and not last.has_more
    beyond = dictionary.lookup("nihao", page=(total - 1) // 8 + 1)
    assert beyond.candidates == () and not beyond.has_more


def test_a_negative_page_is_refused(dictionary):
    with pytest.raises(ValueError):
        dictionary.lookup("ni", page=-1)


@pytest.mark.parametrize("letters, first", [("li", "李"), ("zhang", "张"), ("w", "王")])
def test_in_a_name_field_common_surnames_come_first(dictionary, letters, first):
    assert first_page(dictionary, letters, names=True)[0] == first


@pytest.mark.parametrize("letters", ["lm", "liming"])
def test_in_a_name_field_a_common_name_is_offered_though_no_dictionary_has_it(
        dictionary, letters):
    assert "李明" in first_page(dictionary, letters, names=True)


def test_outside_a_name_field_no_names_are_invented(dictionary):
    assert "李明" not in [c.text for c in everything(dictionary, "lm")]


def test_capitals_are_lower_cased(dictionary):
    page = dictionary.lookup("ZhongGuo")
    assert page.letters == "zhongguo"
    assert page.candidates[0].text == "中国"


@pytest.mark.parametrize("letters", [
    '"; DROP', "<script>", "a" * 41, "中国", "ｚｈｏｎｇ", "zhong guo", "\u212a",  # Kelvin sign
    "li\x00", "ni-hao", "lü", None, 42, b"nihao",
])
def test_anything_but_pinyin_letters_is_refused(dictionary, letters):
    with pytest.raises(InvalidPinyin):
        dictionary.lookup(letters)


def test_forty_letters_are_looked_up(dictionary):
    page = dictionary.lookup("zhongguo" * 5)
    assert page.candidates[0].text == "中国"
    assert all(0 < c.consumed <= 40 for c in page.candidates)


@pytest.mark.parametrize("letters", ["", "'", "''"])
def test_empty_input_gives_an_empty_page(dictionary, letters):
    assert dictionary.lookup(letters) == CandidatePage(letters, (), 0, False)


def test_letters_that_are_no_pinyin_give_an_empty_page(dictionary):
    assert dictionary.lookup("vvv").candidates == ()


@pytest.mark.parametrize("text, syllables", [
    ("营业执照", ["ying", "ye", "zhi", "zhao"]),
    ("银行", ["yin", "hang"]),
    ("行走", ["xing", "zou"]),
    ("A证（副本）", ["zheng", "fu", "ben"]),
    ("", []),
])
def test_the_syllables_of_a_text_read_its_words_as_wholes(dictionary, text, syllables):
    assert dictionary.syllables_of(text) == syllables


def test_the_kiosk_reads_the_dictionary_without_jieba_or_pypinyin():
    code = ("import sys; from kiosk.modes.pinyin import PinyinDictionary; "
            f"PinyinDictionary.load({str(DATA)!r}); "
            "print(sorted({'jieba', 'pypinyin'} & set(sys.modules)))")
    answer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert answer.stdout.strip() == "[]"


def test_the_builder_refuses_versions_other_than_the_pinned_ones(monkeypatch):
    module = builder()
    monkeypatch.setattr(module, "PINNED", {"jieba": "0.0.1"})
    with pytest.raises(SystemExit, match="jieba .*need 0.0.1"):
        module.check_versions()


def pinned_builder_installed():
    try:
        return all(importlib.metadata.version(name) == version
                   for name, version in builder().PINNED.items())
    except importlib.metadata.PackageNotFoundError:
        return False


@pytest.mark.skipif(not pinned_builder_installed(),
                    reason="jieba and pypinyin (pinned versions) are build tools, "
                           "not kiosk dependencies")
def test_building_the_dictionary_again_gives_the_same_bytes(tmp_path):
    rebuilt = tmp_path / "pinyin-dictionary.tsv.gz"
    subprocess.run([sys.executable, str(BUILDER), "--output", str(rebuilt)], check=True,
                   capture_output=True)
    assert gzip.decompress(rebuilt.read_bytes()) == gzip.decompress(DATA.read_bytes())
    assert rebuilt.read_bytes() == DATA.read_bytes()


def test_after_a_surname_given_name_characters_come_first(dictionary):
    plain = [c.text for c in dictionary.lookup("wei").candidates]
    given = [c.text for c in dictionary.lookup("wei", names="given").candidates]
    assert "伟" in given[:3] and "伟" not in plain
