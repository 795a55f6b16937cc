"""Every string on screen is translated into 中文, English and 한국어."""
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("zh", "en", "ko")


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """The messages in the code and templates right now (pybabel extract)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "N_", "-o", str(pot), "--no-location", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def po(language):
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(source_messages, language):
    catalogue = po(language)
    untranslated = []
    for message in source_messages:
        found = catalogue.get(message.id)
        strings = found.string if found else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if not found or found.fuzzy or not all(strings):
            untranslated.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not untranslated, f"{language}: untranslated: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    problems = [(message.id, errors) for message, errors in po(language).check()]
    assert not problems


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_translations_are_not_left_in_english(language):
    catalogue = po(language)
    same = [message.id for message in catalogue
            if message.id and isinstance(message.id, str) and message.string == message.id
            and any(char.isalpha() for char in message.id)]
    assert not same, f"{language}: copied, not translated: {same}"
