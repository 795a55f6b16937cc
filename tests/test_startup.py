"""Start-up refuses a broken kiosk.ini or catalogue with a message an operator can act on."""
import os
import subprocess
import sys

from kiosk.settings import DEFAULT_CONFIG


def start(tmp_path, ini_text):
    ini = tmp_path / "kiosk.ini"
    ini.write_text(ini_text)
    environment = {**os.environ, "KIOSK_CONFIG": str(ini)}
    return subprocess.run([sys.executable, "-m", "kiosk.serve"], env=environment,
                          capture_output=True, text=True, timeout=60)


def test_a_broken_catalogue_stops_start_up_naming_the_item_and_field(tmp_path):
    catalogue = (DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml").read_text()
    broken = catalogue.replace('department = "market_regulation"', 'department = "nowhere"', 1)
    (tmp_path / "catalogue.toml").write_text(broken)
    ini = DEFAULT_CONFIG.read_text().replace("path = kiosk/data/catalogue.toml",
                                             "path = catalogue.toml")
    result = start(tmp_path, ini)
    assert result.returncode == 1
    assert 'field "department" names \'nowhere\'' in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_stops_start_up_naming_section_and_key(tmp_path):
    result = start(tmp_path, DEFAULT_CONFIG.read_text().replace("port = 8080", "port = lots"))
    assert result.returncode == 1
    assert "[server] port must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr
