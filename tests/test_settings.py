"""kiosk.ini: every key documented, every bad value named by section and key."""
import configparser

import pytest

from kiosk.errors import SettingsError
from kiosk.settings import DEFAULT_CONFIG, load_settings


def test_the_shipped_settings_load():
    settings = load_settings(DEFAULT_CONFIG)
    assert settings.default_language == "zh"
    assert settings.port == 8080 and settings.idle_timeout_seconds == 90


def test_kiosk_config_selects_another_file(tmp_path, monkeypatch):
    other = tmp_path / "other.ini"
    other.write_text(DEFAULT_CONFIG.read_text().replace("id = K2", "id = HB7"))
    monkeypatch.setenv("KIOSK_CONFIG", str(other))
    assert load_settings().kiosk_id == "HB7"


@pytest.mark.parametrize("key, value, message", [
    ("kiosk.id", "K0", "[kiosk] id must be 2 to 6 of"),
    ("kiosk.id", "KIOSK-1", "not 'KIOSK-1'"),
    ("kiosk.default_language", "fr", "[kiosk] default_language must be one of zh, en, ko, not 'fr'"),
    ("signs.zh_sign_language", "CLS",
     "[signs] zh_sign_language must be a known sign-language code (CSL, "),
    ("signs.zh_sign_language", "CLS", "not 'CLS' (did you mean \"CSL\"?)"),
    ("signs.ko_sign_language", "ksl", "not 'ksl' (did you mean \"KSL\"?)"),
    ("handoff.target", "ftp", "must be builtin or http, not 'ftp'"),
    ("session.warning_seconds", "10", "[session] warning_seconds must be between 20 and 600"),
    ("session.idle_timeout_seconds", "soon", "[session] idle_timeout_seconds must be a whole number"),
    ("server.port", "", "[server] port is empty"),
])
def test_a_bad_value_names_its_section_and_key(key, value, message):
    with pytest.raises(SettingsError) as raised:
        load_settings(DEFAULT_CONFIG, overrides={key: value})
    assert message in str(raised.value)


def test_a_missing_key_is_named(tmp_path):
    broken = tmp_path / "kiosk.ini"
    broken.write_text(DEFAULT_CONFIG.read_text().replace("port = 8080\n", ""))
    with pytest.raises(SettingsError, match=r"\[server\] port is missing"):
        load_settings(broken)


def test_a_misspelt_key_is_named_with_what_it_was_meant_to_be(tmp_path):
    broken = tmp_path / "kiosk.ini"
    broken.write_text(DEFAULT_CONFIG.read_text().replace("idle_timeout_seconds = 90",
                                                         "idle_timout_seconds = 90"))
    with pytest.raises(SettingsError) as raised:
        load_settings(broken)
    assert str(raised.value) == (f"{broken}: [session] idle_timeout_seconds is missing "
                                 '(is it misspelt as "idle_timout_seconds"?)')


@pytest.mark.parametrize("extra, message", [
    ("[staff]\nidle_minuets = 5\n",
     '[staff] idle_minuets is not a setting the kiosk knows (did you mean "idle_minutes"?)'),
    ("[sesion]\nwarning_seconds = 30\n",
     'unknown section [sesion] (did you mean "session"?)'),
    ("[server]\nworkers = 4\n", "[server] workers is not a setting the kiosk knows"),
])
def test_an_unknown_key_or_section_is_refused_not_ignored(tmp_path, extra, message):
    broken = tmp_path / "kiosk.ini"
    text = DEFAULT_CONFIG.read_text()
    section = extra.split("\n")[0]
    if section in text:   # add the key to the existing section
        text = text.replace(section + "\n", extra, 1)
    else:
        text += "\n" + extra
    broken.write_text(text)
    with pytest.raises(SettingsError) as raised:
        load_settings(broken)
    assert message in str(raised.value)


def test_every_key_in_kiosk_ini_is_documented_by_a_comment_above_it():
    lines = DEFAULT_CONFIG.read_text().splitlines()
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(DEFAULT_CONFIG)
    for section in parser.sections():
        for key in parser[section]:
            index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
            assert lines[index - 1].startswith("#"), f"[{section}] {key} has no comment"



def test_an_unknown_time_zone_is_named_in_the_error(tmp_path):
    import pytest as _pytest
    from kiosk.errors import SettingsError
    from kiosk.settings import DEFAULT_CONFIG, load_settings
    with _pytest.raises(SettingsError, match=r"\[kiosk\] time_zone .*Mars/Olympus"):
        load_settings(DEFAULT_CONFIG, overrides={"kiosk.time_zone": "Mars/Olympus"})
