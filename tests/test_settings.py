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
    ("session.warning_seconds", "10", "[session] warning_seconds must be between 20 and 600"),
    ("session.idle_timeout_seconds", "soon", "[session] idle_timeout_seconds must be a whole number"),
    ("server.port", "", "[server] port is empty"),
    ("speech.cache_format", "mp3", "[speech] cache_format must be one of opus, wav, not 'mp3'"),
    ("speech.cache_format", "", "[speech] cache_format is empty"),
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


# Wheelchair mode's reach zone: a fraction of the screen, or the mounting in centimetres.

CENTIMETRES = {"screen.reach_height": "", "screen.screen_bottom_cm": "70",
               "screen.screen_height_cm": "95", "screen.reach_top_cm": "120"}


def test_the_reach_zone_is_the_lowest_55_percent_as_shipped():
    screen = load_settings(DEFAULT_CONFIG).screen
    assert screen.reach_height == 0.55 and screen.reach_top_percent == 45


@pytest.mark.parametrize("overrides, reach_height, top_percent", [
    ({"screen.reach_height": "0.6"}, 0.6, 40),
    ({"screen.reach_height": " 1 "}, 1.0, 0),
    # A 43-inch portrait screen whose picture starts 70 cm up: 50 of its 95 cm are in reach.
    (CENTIMETRES, 0.5263, 47.37),
    ({**CENTIMETRES, "screen.screen_height_cm": "52.5"}, 0.9524, 4.76),
    # A screen whose top is below the reach limit is in reach as a whole.
    ({**CENTIMETRES, "screen.screen_height_cm": "40"}, 1.0, 0),
])
def test_the_reach_zone_comes_from_a_fraction_or_from_centimetres(overrides, reach_height,
                                                                  top_percent):
    screen = load_settings(DEFAULT_CONFIG, overrides=overrides).screen
    assert screen.reach_height == reach_height and screen.reach_top_percent == top_percent


@pytest.mark.parametrize("overrides, message", [
    ({"screen.reach_height": "55%"}, "[screen] reach_height must be a number like 0.5, not '55%'"),
    ({"screen.reach_height": "0.2"}, "[screen] reach_height must be between 0.3 and 1, not 0.2"),
    ({"screen.reach_height": "1.5"}, "[screen] reach_height must be between 0.3 and 1, not 1.5"),
    ({"screen.reach_height": "nan"}, "[screen] reach_height must be between 0.3 and 1, not nan"),
    ({"screen.reach_height": ""}, "[screen] reach_height is empty: set reach_height (like 0.55), "
                                  "or all of screen_bottom_cm, screen_height_cm, reach_top_cm"),
    ({"screen.screen_bottom_cm": "70"},
     "[screen] screen_bottom_cm must be empty when reach_height is set"),
    ({**CENTIMETRES, "screen.screen_height_cm": ""}, "[screen] screen_height_cm is empty"),
    ({**CENTIMETRES, "screen.reach_top_cm": "1.2m"}, "[screen] reach_top_cm must be a number"),
    ({**CENTIMETRES, "screen.screen_bottom_cm": "-5"},
     "[screen] screen_bottom_cm must be between 0 and 250, not -5"),
    ({**CENTIMETRES, "screen.screen_bottom_cm": "125"},
     "[screen] reach_top_cm (120) is not above the screen's bottom edge (screen_bottom_cm = 125)"),
    ({**CENTIMETRES, "screen.screen_bottom_cm": "100"},
     "[screen] reach_top_cm leaves only 21% of the screen in reach"),
])
def test_a_bad_reach_zone_stops_start_up_naming_its_key(overrides, message):
    with pytest.raises(SettingsError) as raised:
        load_settings(DEFAULT_CONFIG, overrides=overrides)
    assert message in str(raised.value)


def test_a_kiosk_ini_from_before_opus_still_loads_and_gets_opus(tmp_path):
    """An installed /etc/kiosk/kiosk.ini is kept across updates: no cache_format in it."""
    older = tmp_path / "kiosk.ini"
    older.write_text(DEFAULT_CONFIG.read_text().replace("cache_format = opus\n", ""))
    assert load_settings(older).speech.cache_format == "opus"
